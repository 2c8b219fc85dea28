import LRPKit

/// Building networks and running the tutorial's three passes.
let networkBuiltins: [Builtin] = [
    Builtin("network", .network, usage: "network [LAYER, ...]",
            "A network from a list of layers (and networks, spliced in).",
            details: "Example: network [conv(\"models/tutorial/cnn/c1-5x5x1x10\"), relu, sumpool(2), ...]") { c in
        try c.expectCount(1...1, usage: "network [LAYER, ...]")
        guard case .list(let items) = c.arguments[0] else {
            throw c.fail("network takes a list of layers: network [relu, ...], got \(c.arguments[0].typeName)", argument: 0)
        }
        var layers: [any Layer] = []
        for item in items {
            switch item {
            case .layer(let layer): layers.append(layer)
            case .network(let net): layers += net.network.layers
            default: throw c.fail("network: every item must be a layer, got \(item.typeName)", argument: 0)
            }
        }
        guard !layers.isEmpty else { throw c.fail("network: the layer list is empty", argument: 0) }
        return .network(NetworkValue(network: Network(layers), origin: "inline"))
    },
    Builtin("linear", .network, usage: "linear(PREFIX)",
            "A fully connected layer from tutorial weight files PREFIX-W.txt (in x out) and PREFIX-B.txt.") { c in
        try c.expectCount(1...1, usage: "linear(PREFIX)")
        let (weight, bias) = try weights(&c)
        guard weight.rank == 2 else {
            throw c.fail("linear: the weights of \(try c.string(0)) are \(describe(shape: weight.shape)), not a matrix; use conv", argument: 0)
        }
        return .layer(try Linear(weight: weight, bias: bias))
    },
    Builtin("conv", .network, usage: "conv(PREFIX, stride=1, padding=0, value=0)",
            "A convolution from tutorial weight files; the kernel shape kh x kw x in x out is the name's last '-' field.",
            details: "padding=P pads the input by P pixels of value= on every side first (valid convolution otherwise).",
            keywords: ["stride", "padding", "value"]) { c in
        try c.expectCount(1...1, usage: "conv(PREFIX, stride=1, padding=0, value=0)")
        let (weight, bias) = try weights(&c)
        guard weight.rank == 4 else {
            throw c.fail("conv: the weights of \(try c.string(0)) are \(describe(shape: weight.shape)); a kernel needs a name ending in its shape, e.g. c1-5x5x1x10", argument: 0)
        }
        return .layer(try Convolution(weight: weight, bias: bias, stride: try c.integerKeyword("stride", default: 1),
                                      padding: try c.integerKeyword("padding", default: 0),
                                      padValue: Float(try c.numberKeyword("value", default: 0))))
    },
    Builtin("relu", .network, usage: "relu", "A ReLU layer: max(0, x).", bareCall: true) { c in
        try c.expectCount(0...0, usage: "relu")
        return .layer(ReLU())
    },
    Builtin("flatten", .network, usage: "flatten", "A layer reshaping N x ... to N x rest.", bareCall: true) { c in
        try c.expectCount(0...0, usage: "flatten")
        return .layer(Flatten())
    },
    Builtin("sumpool", .network, usage: "sumpool(K, stride=K, scale=0.5)",
            "Sum pooling over K x K windows, times scale (the tutorial's pooling: sumpool(2)).",
            keywords: ["stride", "scale"]) { c in
        try c.expectCount(1...1, usage: "sumpool(K, stride=K, scale=0.5)")
        let k = try c.integer(0, "K")
        return .layer(try SumPooling(size: k, stride: try c.integerKeyword("stride", default: k),
                                     scale: Float(try c.numberKeyword("scale", default: 0.5))))
    },
    Builtin("avgpool", .network, usage: "avgpool(K, stride=K)", "Average pooling over K x K windows.",
            keywords: ["stride"]) { c in
        try c.expectCount(1...1, usage: "avgpool(K, stride=K)")
        let k = try c.integer(0, "K")
        return .layer(try AveragePooling(size: k, stride: try c.integerKeyword("stride", default: k)))
    },
    Builtin("maxpool", .network, usage: "maxpool(K, stride=K)", "Max pooling over K x K windows (relevance: winner-take-all).",
            keywords: ["stride"]) { c in
        try c.expectCount(1...1, usage: "maxpool(K, stride=K)")
        let k = try c.integer(0, "K")
        return .layer(try MaxPooling(size: k, stride: try c.integerKeyword("stride", default: k)))
    },
    Builtin("forward", .network, usage: "forward NET X | forward NET DATASET pad=P batch=64",
            "Runs NET on X and returns its output; NET remembers the activations.",
            details: """
            The activations of the last forward of a network are what `gradprop NET G` and `relprop NET R` propagate through.
            With a DATASET instead of X: the outputs for every image, in batches on all cores (pad=P pads the images
            by P pixels of -1 first); the network keeps no activations then.
            """,
            keywords: ["pad", "batch"]) { c in
        try c.expectCount(2...2, usage: "forward NET X")
        if case .dataset = c.arguments[1] { return try DataSetPasses.forward(&c) }
        try DataSetPasses.refuseDataSetKeywords(&c)
        let net = try c.network(0)
        let x = try c.tensor(1, "the input")
        let activations = try net.network.activations(x)
        net.trace = activations
        net.lastDataSetForward = nil
        return .tensor(activations[activations.count - 1])
    },
    Builtin("gradprop", .network, usage: "gradprop NET [X] G",
            "Back-propagates the output gradient G to the input (sensitivity: (gradprop NET T)^2).",
            details: """
            Without X, uses the activations of the last `forward NET X`.
            `gradprop NET DATASET pad=P batch=64 target=label|predicted`: the gradient of every image's target
            output (its label's, or the predicted class's), in batches on all cores.
            """,
            keywords: ["pad", "batch", "target"], wordKeywords: ["target"]) { c in
        try c.expectCount(2...3, usage: "gradprop NET [X] G")
        if c.arguments.count == 2, case .dataset = c.arguments[1] { return try DataSetPasses.gradprop(&c) }
        try DataSetPasses.refuseDataSetKeywords(&c)
        let net = try c.network(0)
        let activations = try trace(of: net, &c)
        return .tensor(try net.network.gradprop(try c.tensor(c.arguments.count - 1, "the gradient"), activations: activations))
    },
    Builtin("relprop", .network, usage: "relprop NET [X] R rules=RULES",
            "Propagates the output relevance R (e.g. Y*T) to the input with LRP rules.",
            details: """
            Without X, uses the activations of the last `forward NET X`.
            rules= (default deeptaylor) is a preset (deeptaylor, alphabeta), one rule for every weighted
            layer (zplus), or a list of rules for the weighted layers in order, the last one repeating:
            rules=[zB(-1,1), alphabeta(2,1)]. Pooling layers use the z rule (max pooling: wta).
            `relprop NET DATASET rules=RULES pad=P batch=64 target=label|predicted` explains every image of a data
            set (R = Y*T of its label's class, or of the predicted class), in batches on all cores.
            """,
            keywords: ["rules", "pad", "batch", "target"], wordKeywords: ["target"]) { c in
        try c.expectCount(2...3, usage: "relprop NET [X] R rules=RULES")
        let net = try c.network(0)
        if c.arguments.count == 2, case .dataset = c.arguments[1] {
            let rules = try c.keyword("rules").map { try ruleSet(from: $0, for: net.network, c) } ?? .deepTaylor
            return try DataSetPasses.relprop(&c, rules: rules)
        }
        try DataSetPasses.refuseDataSetKeywords(&c)
        let activations = try trace(of: net, &c)
        let rules = try c.keyword("rules").map { try ruleSet(from: $0, for: net.network, c) } ?? .deepTaylor
        return .tensor(try net.network.relprop(try c.tensor(c.arguments.count - 1, "the relevance"),
                                               activations: activations, rules: rules))
    },
]

/// The activations to propagate through: of the explicit input X (3 arguments), else of the last forward.
private func trace(of net: NetworkValue, _ c: inout Call) throws -> [Tensor] {
    if c.arguments.count == 3 {
        return try net.network.activations(try c.tensor(1, "the input"))
    }
    guard let trace = net.trace else {
        if net.lastDataSetForward != nil {
            let example = c.name == "relprop" ? "relprop NET DATASET pad=P rules=..." : "gradprop NET DATASET pad=P"
            throw c.fail("\(c.name): this network has only been run over a whole data set (forward NET DATASET), which keeps no activations; explain the data set in one step, `\(example)`, or run `forward NET X` on a tensor first (X, T = sample DATASET N pad=P)", argument: 0)
        }
        throw c.fail("\(c.name): this network has not been run yet; run `forward NET X` first or pass the input: `\(c.name) NET X ...`", argument: 0)
    }
    return trace
}

/// Reads PREFIX-W.txt / PREFIX-B.txt, reporting paths as the user wrote them.
private func weights(_ c: inout Call) throws -> (Tensor, Tensor) {
    let prefix = try c.string(0, "PREFIX")
    let resolved = c.evaluator.resolve(path: prefix)
    do {
        return try TutorialWeights.read(prefix: resolved)
    } catch let error as LRPError {
        if case .file = error { throw c.fail("\(c.name): \(error.showingPath(resolved, as: prefix))", argument: 0) }
        throw error
    }
}
