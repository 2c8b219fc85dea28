/// A sequence of layers, with the tutorial's three passes over the whole net; or, with `sources`, a
/// directed acyclic graph of them (residual additions, concatenations: Network+Graph.swift).
public struct Network: Sendable, CustomStringConvertible {
    public var layers: [any Layer]
    /// For a graph: the values each layer reads, 0 being the network's input and `i + 1` the output
    /// of layer `i` (so a layer reads only earlier values). nil: a sequence, layer `i` reads value `i`.
    /// The network's output is the last layer's.
    public internal(set) var sources: [[Int]]? = nil

    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    /// The input of every layer and, last, the network's output (`layers.count + 1` tensors).
    public func activations(_ input: Tensor) throws -> [Tensor] {
        if let sources { return try graphActivations(input, sources: sources) }
        var values = [input]
        values.reserveCapacity(layers.count + 1)
        for (index, layer) in layers.enumerated() {
            values.append(try inLayer(index) { try layer.forward(values[index]) })
        }
        return values
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        if sources != nil { return try activations(input)[layers.count] }
        // No activation is kept here, so a ReLU is fused into the Convolution or Linear before
        // it (rectified while in cache) or applied in place (copying only if `x` is shared).
        var x = input
        var index = 0
        while index < layers.count {
            let layer = layers[index]
            let reluNext = index + 1 < layers.count && layers[index + 1] is ReLU
            if reluNext, let conv = layer as? Convolution {
                x = try inLayer(index) { try conv.forwardRectified(x) }
                index += 2
            } else if reluNext, let linear = layer as? Linear {
                x = try inLayer(index) { try linear.forwardRectified(x) }
                index += 2
            } else if layer is ReLU {
                x.scalars.withUnsafeMutableBufferPointer { v in rectifyInPlace(v.baseAddress!, count: v.count) }
                index += 1
            } else {
                x = try inLayer(index) { try layer.forward(x) }
                index += 1
            }
        }
        return x
    }

    /// Plain back-propagation of `gradient` (shaped like the output) down to the input.
    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        try gradprop(gradient, activations: activations(input))
    }

    public func gradprop(_ gradient: Tensor, activations: [Tensor]) throws -> Tensor {
        try checkOutput(gradient, activations: activations, what: "gradient")
        if let sources { return try graphGradprop(gradient, activations: activations, sources: sources) }
        var g = gradient
        for index in layers.indices.reversed() {
            g = try inLayer(index) { try layers[index].gradprop(g, input: activations[index]) }
        }
        return g
    }

    /// Relevance of the input, starting from `relevance` at the output (e.g. `Y * T`).
    public func relprop(_ relevance: Tensor, input: Tensor, rules: RuleSet) throws -> Tensor {
        try relprop(relevance, activations: activations(input), rules: rules)
    }

    public func relprop(_ relevance: Tensor, activations: [Tensor], rules: RuleSet) throws -> Tensor {
        try relprop(relevance, activations: activations, prepared: prepare(rules))
    }

    /// Each layer's rule, with the linear maps' modified weights made once (see `PreparedRule`):
    /// a pass over a data set prepares them before its slices.
    struct PreparedRules: Sendable {
        let rules: [Rule]
        let linear: [PreparedRule?]
    }

    func prepare(_ rules: RuleSet) throws -> PreparedRules {
        let assigned = try rules.rules(for: self)
        let linear = try layers.indices.map { index -> PreparedRule? in
            guard let map = layers[index] as? any LinearMap else { return nil }
            return try inLayer(index) { try map.prepare(assigned[index]) }
        }
        return PreparedRules(rules: assigned, linear: linear)
    }

    func relprop(_ relevance: Tensor, activations: [Tensor], prepared: PreparedRules) throws -> Tensor {
        try checkOutput(relevance, activations: activations, what: "relevance")
        if let sources { return try graphRelprop(relevance, activations: activations, rules: prepared.rules, sources: sources) }
        var r = relevance
        for index in layers.indices.reversed() {
            // The layer's forward output is kept in the activations: its rule may reuse it.
            let (input, output) = (activations[index], activations[index + 1])
            r = try inLayer(index) {
                if let rule = prepared.linear[index], let map = layers[index] as? any LinearMap {
                    return try map.relprop(r, input: input, output: output, prepared: rule)
                }
                return try layers[index].relprop(r, input: input, output: output, rule: prepared.rules[index])
            }
        }
        return r
    }

    private func checkOutput(_ value: Tensor, activations: [Tensor], what: String) throws {
        guard activations.count == layers.count + 1 else {
            throw LRPError.invalidArgument("\(activations.count) activations for a network of \(layers.count) layers")
        }
        let output = activations[layers.count].shape
        guard value.shape == output else {
            throw LRPError.shapeMismatch(operation: what,
                "\(what) of shape \(describe(shape: value.shape)) does not match the network output \(describe(shape: output))")
        }
    }

    /// Runs `body` and names the layer in any error it throws.
    func inLayer<T>(_ index: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LRPError {
            if case .layer = error { throw error }
            // Layers name themselves in their errors ("linear 784->300: ..."); the prefix says it once.
            let name = layers[index].description
            var message = error.description
            if message.hasPrefix(name + ": ") { message.removeFirst(name.count + 2) }
            throw LRPError.layer("\(index + 1) (\(name))", message)
        }
    }

    public var description: String {
        "network of \(layers.count) layers: " + layers.map(\.description).joined(separator: ", ")
    }
}
