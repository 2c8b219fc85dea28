import Foundation
import LRPKit

/// Evaluation by perturbation (`pixelflip`) and line plots (`plot`).
let evaluationBuiltins: [Builtin] = [
    Builtin("pixelflip", .network, usage: "pixelflip NET X T [R, ...] names=[...] | pixelflip NET DATASET [R, ...] pad=P ...",
            "Pixel flipping / region perturbation (Samek et al. 2017): the target score as the most relevant patches are perturbed; AOPC per explanation, beside a random order.",
            details: """
            Each explanation R (X's shape) ranks the patch x patch tiles of every image by summed relevance, largest
            first; step k replaces the k-th tile by perturb= (a number, default -1, or `uniform`: noise in
            [low, high), default [-1, 1), image i's noise numpy's RandomState(seed + i).rand). Prints a table of
            AOPC (the mean over steps 0..steps of score_0 - score_k, averaged over the images; higher: the
            explanation found what mattered) and returns a record: names, curves (methods x steps+1 mean target
            scores), aopc. random=true (default) adds a random order (RandomState(seed + i).permutation).
            patch= (default 1), steps= (default 100), names= (default R1, R2, ...), seed= (default 0).
            """,
            keywords: ["names", "patch", "steps", "perturb", "low", "high", "seed", "random", "pad", "batch", "target"],
            wordKeywords: ["perturb", "target"]) { c in try pixelflip(&c) },
    Builtin("plot", .output, usage: "plot CURVES [PATH] names=[...] title=\"\" xlabel=\"\" ylabel=\"\"",
            "Draws curves as a line chart (axes, ticks, legend): shown, or saved as .png or .svg.",
            details: """
            CURVES is a record from pixelflip or randomize (its curves and names are used), or a tensor with one
            curve per row (names= labels them). Without PATH the chart is shown like a picture.
            """,
            keywords: ["names", "title", "xlabel", "ylabel"]) { c in try plot(&c) },
]

private func pixelflip(_ c: inout Call) throws -> Value {
    let usage = "pixelflip NET X T [R, ...] | pixelflip NET DATASET [R, ...]"
    try c.expectCount(3...4, usage: usage)
    let net = try c.network(0).network
    let listIndex = c.arguments.count - 1
    guard case .list(let items) = c.arguments[listIndex], !items.isEmpty else {
        throw c.fail("pixelflip: the explanations are a list of tensors, e.g. [R, G]", argument: listIndex)
    }
    let explanations = try items.map { try c.asTensor($0, what: "each explanation", argument: listIndex) }
    var names = (1...explanations.count).map { "R\($0)" }
    if let v = c.keyword("names") {
        guard case .list(let given) = v, given.count == explanations.count,
              let strings = Optional(given.compactMap { if case .string(let s) = $0 { return s } else { return nil } }),
              strings.count == given.count else {
            throw c.fail("pixelflip: names= is a list of \(explanations.count) strings, one per explanation", argument: c.keywordIndex("names"))
        }
        names = strings
    }
    let seedValue = try c.integerKeyword("seed", default: 0)
    guard (0...Int(UInt32.max)).contains(seedValue) else {
        throw c.fail("pixelflip: seed= must be in 0...\(UInt32.max)", argument: c.keywordIndex("seed"))
    }
    let seed = UInt32(seedValue)
    let replacement: Perturbation.Replacement
    let perturbText: String
    switch c.keyword("perturb") {
    case .some(.string("uniform")):
        let low = Float(try c.numberKeyword("low", default: -1)), high = Float(try c.numberKeyword("high", default: 1))
        replacement = .uniform(low: low, high: high, seed: seed)
        perturbText = "uniform noise in [\(formatNumber(low)), \(formatNumber(high))) seed \(seed)"
    case nil:
        replacement = .constant(-1)
        perturbText = "-1"
    case .some(let v):
        let value = Float(try c.asNumber(v, what: "perturb= (a number or uniform)", argument: c.keywordIndex("perturb")))
        replacement = .constant(value)
        perturbText = formatNumber(value)
    }
    let settings = Perturbation(patch: try c.integerKeyword("patch", default: 1), steps: try c.integerKeyword("steps", default: 100),
                                replacement: replacement)
    let random: Bool
    switch c.keyword("random") {
    case nil: random = true
    case .some(.boolean(let b)): random = b
    default: throw c.fail("pixelflip: random= is true or false", argument: c.keywordIndex("random"))
    }
    var orders = explanations.map { Perturbation.Order.relevance($0) }
    if random {
        orders.append(.random(seed: seed))
        names.append("random")
    }
    var curves: [[Float]] = []
    let count: Int
    do {
        if c.arguments.count == 3 {
            let (dataset, x) = try DataSetPasses.images(&c, 1)
            count = dataset.count
            try settings.validate(sampleShape: Array(try x.samples(0..<1).shape.dropFirst()))
            let batch = try DataSetPasses.batchSize(&c, default: DataSetPasses.defaultBatch)
            let t = try DataSetPasses.targets(&c, net: net, dataset: dataset, x: x, batch: batch)
            for r in explanations where r.rank < 1 || r.shape[0] != count {
                throw c.fail("pixelflip: an explanation of shape \(describe(shape: r.shape)) does not cover the data set's \(count) images", argument: listIndex)
            }
            for (k, order) in orders.enumerated() {
                let scores = try c.evaluator.overSamples("pixelflip \(names[k])", count: count, slice: 100) { range in
                    let ranked: Perturbation.Order
                    if case .relevance(let r) = order { ranked = .relevance(try r.samples(range)) } else { ranked = order }
                    return try net.perturbationCurves(x.samples(range), targets: t.samples(range), order: ranked,
                                                      settings: settings, firstIndex: range.lowerBound)
                }
                curves.append(PerturbationSummary.mean(of: scores))
            }
        } else {
            try DataSetPasses.refuseDataSetKeywords(&c)
            let x = try c.tensor(1, "X"), t = try c.tensor(2, "T")
            count = x.rank >= 1 ? x.shape[0] : 0
            for order in orders {
                let scores = try net.perturbationCurves(x, targets: t, order: order, settings: settings)
                curves.append(PerturbationSummary.mean(of: scores))
            }
        }
    } catch let error as ParameterError {
        let index = error.parameter == "explanations" ? listIndex : c.keywordIndex(error.parameter)
        throw c.fail("pixelflip: \(error.parameter == "explanations" ? "" : error.parameter + "= ")\(error.problem)", argument: index)
    }
    let summary = PerturbationSummary(curves: curves)
    let width = max(6, names.map(\.count).max() ?? 0)
    var table = "pixel flipping: \(count) images, patch \(settings.patch)x\(settings.patch), \(settings.steps) steps, perturbed by \(perturbText)\n"
    table += "method".padding(toLength: width, withPad: " ", startingAt: 0) + "  " + ["AOPC", "score 0", "score \(settings.steps)"].map { $0.leftPadded(10) }.joined() + "\n"
    for (k, name) in names.enumerated() {
        table += name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            + [summary.aopc[k], curves[k][0], curves[k][settings.steps]].map { formatNumber($0, digits: 4).leftPadded(10) }.joined() + "\n"
    }
    c.evaluator.host.write(table)
    return .record([
        (key: "names", value: .list(names.map { .string($0) })),
        (key: "curves", value: .tensor(try Tensor(shape: [curves.count, settings.steps + 1], scalars: curves.flatMap { $0 }))),
        (key: "aopc", value: .tensor(Tensor(summary.aopc))),
        (key: "xlabel", value: .string("patches perturbed")),
        (key: "ylabel", value: .string("target score")),
    ])
}

private func plot(_ c: inout Call) throws -> Value {
    let usage = "plot CURVES [PATH] names=[...] title=\"\" xlabel=\"\" ylabel=\"\""
    try c.expectCount(1...2, usage: usage)
    var curves: Tensor
    var names: [String] = []
    var xLabel = "", yLabel = ""
    func strings(_ v: Value, _ what: String, _ index: Int?) throws -> [String] {
        guard case .list(let items) = v else { throw c.fail("plot: \(what) is a list of strings", argument: index) }
        return try items.map {
            guard case .string(let s) = $0 else { throw c.fail("plot: \(what) is a list of strings", argument: index) }
            return s
        }
    }
    if case .record(let fields) = c.arguments[0] {
        guard let v = fields.first(where: { $0.key == "curves" })?.value else {
            throw c.fail("plot: the record has no curves (a record from pixelflip or randomize)", argument: 0)
        }
        curves = try c.asTensor(v, what: "curves", argument: 0)
        if let n = fields.first(where: { $0.key == "names" })?.value { names = try strings(n, "names", 0) }
        if case .string(let s)? = fields.first(where: { $0.key == "xlabel" })?.value { xLabel = s }
        if case .string(let s)? = fields.first(where: { $0.key == "ylabel" })?.value { yLabel = s }
    } else {
        curves = try c.tensor(0, "CURVES")
    }
    if curves.rank == 1 { curves = try curves.reshaped([1, curves.count]) }
    guard curves.rank == 2, curves.count > 0 else {
        throw c.fail("plot: CURVES must have one curve per row (a 2-D tensor), got shape \(describe(shape: curves.shape))", argument: 0)
    }
    if let v = c.keyword("names") { names = try strings(v, "names=", c.keywordIndex("names")) }
    let (m, k) = (curves.shape[0], curves.shape[1])
    if names.isEmpty { names = (1...m).map { "curve \($0)" } }
    guard names.count == m else {
        throw c.fail("plot: \(names.count) names for \(m) curves", argument: c.keywordIndex("names") ?? 0)
    }
    func text(_ key: String, _ d: String) throws -> String {
        guard let v = c.keyword(key) else { return d }
        guard case .string(let s) = v else { throw c.fail("plot: \(key)= is a string", argument: c.keywordIndex(key)) }
        return s
    }
    let series = (0..<m).map { i in
        LinePlot.Series(name: names[i], x: (0..<k).map(Double.init), y: (0..<k).map { Double(curves.scalars[i * k + $0]) })
    }
    let chart = try LinePlot(series: series, title: try text("title", ""), xLabel: try text("xlabel", xLabel),
                             yLabel: try text("ylabel", yLabel))
    let image = try chart.render()
    guard c.arguments.count == 2 else {
        c.evaluator.host.show(image, caption: chart.title)
        return .none
    }
    let path = try c.string(1, "PATH")
    let ext = (path as NSString).pathExtension.lowercased()
    guard ["png", "svg"].contains(ext) else { throw c.fail("plot: PATH ends in .png or .svg", argument: 1) }
    let resolved = c.evaluator.resolve(path: path)
    let directory = (resolved as NSString).deletingLastPathComponent
    if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    do {
        if ext == "png" { try PNGFile.write(image, to: resolved) } else { try AtomicFile.write(chart.svg(), to: resolved) }
    } catch let error as LRPError {
        if case .file(_, let message) = error { throw c.fail("plot: \(path): \(message)", argument: 1) }
        throw error
    }
    c.evaluator.host.saved(image, path: path, caption: chart.title)
    return .none
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
