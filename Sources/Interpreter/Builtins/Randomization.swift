import LRPKit

/// `randomize`: the model randomisation sanity check (Adebayo et al. 2018).
private let randomizeUsage = "randomize NET X T methods=[\"gradient\", \"alphabeta\", ...] seed=0 | randomize NET DATASET methods=[...] pad=P"

let randomizationBuiltins: [Builtin] = [
    Builtin("randomize", .network, usage: randomizeUsage,
            "Model randomisation check: re-draws the weights layer by layer from the top and reports how similar each method's explanations stay (Spearman, SSIM).",
            details: """
            methods= lists method names: gradient, saliency (|gradient|), gradxinput, integrated (16 steps, baseline 0),
            smoothgrad (sigma 0.2, 25 samples), occlusion (window 4, stride 2), deeptaylor, alphabeta, or rule
            values for LRP (rules=[zB, zplus] style lists are not accepted here: name a preset). Stage k re-draws the
            top k weighted layers (seeded: layer j from the top gets std(W) * RandomState(seed + j).randn). Each
            stage's explanations are compared with the original's per image (maps summed over channels and scaled
            by their largest magnitude): Spearman rank correlation and SSIM (7x7 window, scikit-image's defaults),
            averaged over the images. Prints a table and returns a record: names, layers, spearman and ssim
            (methods x stages, stage 0 the original network), curves (= spearman, for plot).
            With a DATASET: every image (pad=, batch=, target=label|predicted as for the methods), in slices with
            progress and Ctrl-C; the means are over all images.
            """,
            keywords: ["methods", "seed", "pad", "batch", "target"], wordKeywords: ["target"]) { c in try randomize(&c) },
]

/// A method's explanation of samples `x` (targets `t`) in batches of `batch`, the samples being
/// the data set's from `first` on (SmoothGrad seeds its noise by sample index).
private typealias Explainer = @Sendable (_ net: Network, _ x: Tensor, _ t: Tensor, _ batch: Int, _ first: Int) throws -> Tensor

private func explainer(_ v: Value, _ c: Call, index: Int?) throws -> (String, Explainer) {
    func attribution(_ m: AttributionMethod) -> Explainer {
        { net, x, t, batch, first in try net.attribute(x, targets: t, method: m, batchSize: batch, firstIndex: first) }
    }
    func lrp(_ rules: RuleSet) -> Explainer {
        { net, x, t, batch, _ in try net.explain(x, targets: t, rules: rules, batchSize: batch) }
    }
    switch v {
    case .string("gradient"): return ("gradient", attribution(.gradient(absolute: false)))
    case .string("saliency"): return ("saliency", attribution(.gradient(absolute: true)))
    case .string("gradxinput"): return ("gradxinput", attribution(.gradientTimesInput))
    case .string("integrated"): return ("integrated", attribution(.integratedGradients(baseline: .value(0), steps: 16)))
    case .string("smoothgrad"): return ("smoothgrad", attribution(.smoothGrad(base: .gradient, sigma: 0.2, samples: 25, seed: 0)))
    case .string("occlusion"): return ("occlusion", attribution(.occlusion(window: 4, stride: 2, baseline: 0)))
    case .string("deeptaylor"): return ("deeptaylor", lrp(.deepTaylor))
    case .string("alphabeta"): return ("alphabeta", lrp(.alphaBeta()))
    case .ruleSet(let rules): return (rules.description, lrp(rules))
    case .rule(let rule): return (rule.description, lrp(RuleSet(rest: rule)))
    default:
        throw c.fail("randomize: methods= names gradient, saliency, gradxinput, integrated, smoothgrad, occlusion, deeptaylor or alphabeta (as strings), or gives a rule", argument: index)
    }
}

private func randomize(_ c: inout Call) throws -> Value {
    try c.expectCount(2...3, usage: randomizeUsage)
    let net = try c.network(0).network
    let methodsIndex = c.keywordIndex("methods")
    guard case .list(let items)? = c.keyword("methods"), !items.isEmpty else {
        throw c.fail("randomize: methods= is a list of methods, e.g. methods=[\"gradient\", \"alphabeta\"]", argument: methodsIndex ?? 0)
    }
    let methods = try items.map { try explainer($0, c, index: methodsIndex) }
    let seed = try c.integerKeyword("seed", default: 0)
    guard (0...Int(UInt32.max)).contains(seed) else {
        throw c.fail("randomize: seed= must be in 0...\(UInt32.max)", argument: c.keywordIndex("seed"))
    }
    // The samples (with their targets) by range: a tensor's, or a data set's padded slice by slice.
    let count: Int, batch: Int
    let samples: (Range<Int>) throws -> (Tensor, Tensor)
        if c.arguments.count == 2, case .dataset = c.arguments[1] {
        let (dataset, x) = try DataSetPasses.images(&c, 1)
        batch = try DataSetPasses.batchSize(&c, default: DataSetPasses.defaultBatch)
        let imageShape = try x.samples(0..<min(1, dataset.count)).shape
        guard imageShape.count == 4 else {
            throw c.fail("randomize: the data set's images must be N x H x W x C, got \(describe(shape: imageShape))", argument: 1)
        }
        let t = try DataSetPasses.targets(&c, net: net, dataset: dataset, x: x, batch: batch)
        count = dataset.count
        samples = { range in (try x.samples(range), try t.samples(range)) }
    } else {
        guard c.arguments.count == 3 else { throw c.fail("randomize takes NET X T, or NET DATASET (usage: \(randomizeUsage))") }
        try DataSetPasses.refuseDataSetKeywords(&c)
        let x = try c.tensor(1, "X"), t = try c.tensor(2, "T")
        guard x.rank == 4 else {
            throw c.fail("randomize: X must be images N x H x W x C, got \(describe(shape: x.shape))", argument: 1)
        }
        guard t.rank >= 1, t.shape[0] == x.shape[0] else {
            throw c.fail("randomize: T must have one target row per image of X (\(x.shape[0])), got \(describe(shape: t.shape))", argument: 2)
        }
        (count, batch) = (x.shape[0], DataSetPasses.defaultBatch)
        samples = { range in (try x.samples(range), try t.samples(range)) }
    }
    let weighted = net.layers.indices.filter { net.layers[$0].isWeighted }.reversed().map { $0 }
    let networks = try weighted.indices.map { try Randomization.randomized(net, top: $0 + 1, seed: UInt32(seed)) }
    let stages = networks.count
    let evaluator = c.evaluator
    // Per image: methods x randomisation stages x (Spearman, SSIM); the means are taken at the end,
    // so no slice's explanations outlive it.
    let perImage = try evaluator.overSamples("randomize", count: count, slice: 100) { range in
        let (x, t) = try samples(range)
        var values = [Float](repeating: 0, count: range.count * methods.count * stages * 2)
        for (m, method) in methods.enumerated() {
            let original = try method.1(net, x, t, batch, range.lowerBound)
            for (k, randomized) in networks.enumerated() {
                if evaluator.cancellation.isRequested { throw Interrupted() }
                let similar = try Similarity.perSample(original, try method.1(randomized, x, t, batch, range.lowerBound))
                for (i, s) in similar.enumerated() {
                    let at = ((i * methods.count + m) * stages + k) * 2
                    values[at] = Float(s.spearman)
                    values[at + 1] = Float(s.ssim)
                }
            }
        }
        return try Tensor(shape: [range.count, methods.count, stages, 2], scalars: values)
    }
    func mean(_ m: Int, _ k: Int, _ which: Int) -> Double {
        (0..<count).reduce(0.0) { $0 + Double(perImage.scalars[(($1 * methods.count + m) * stages + k) * 2 + which]) } / Double(count)
    }
    let spearman = methods.indices.map { m in [1.0] + (0..<stages).map { mean(m, $0, 0) } }
    let ssim = methods.indices.map { m in [1.0] + (0..<stages).map { mean(m, $0, 1) } }
    let layers = ["original"] + weighted.map { "\($0 + 1) \(net.layers[$0].kind)" }
    let names = methods.map(\.0)
    let rows = layers.enumerated().map { $0 == 0 ? "none" : "up to " + $1 }
    let width = max(10, rows.map(\.count).max() ?? 0)
    let column = max(17, (names.map(\.count).max() ?? 0) + 2)
    var table = "model randomisation, \(count) images, seed \(seed): Spearman / SSIM by layers randomised from the top\n"
    table += "randomised".padding(toLength: width, withPad: " ", startingAt: 0)
        + names.map { "  " + $0.padding(toLength: column, withPad: " ", startingAt: 0) }.joined().trimmingTrailingSpaces() + "\n"
    for (s, row) in rows.enumerated() {
        table += row.padding(toLength: width, withPad: " ", startingAt: 0)
            + names.indices.map { m in
                "  " + (formatNumber(spearman[m][s], digits: 3) + " / " + formatNumber(ssim[m][s], digits: 3))
                    .padding(toLength: column, withPad: " ", startingAt: 0)
            }.joined().trimmingTrailingSpaces() + "\n"
    }
    c.evaluator.host.write(table)
    func tensor(_ rows: [[Double]]) throws -> Value {
        .tensor(try Tensor(shape: [rows.count, layers.count], scalars: rows.flatMap { $0.map(Float.init) }))
    }
    return .record([
        (key: "names", value: .list(names.map { .string($0) })),
        (key: "layers", value: .list(layers.map { .string($0) })),
        (key: "spearman", value: try tensor(spearman)),
        (key: "ssim", value: try tensor(ssim)),
        (key: "curves", value: try tensor(spearman)),
        (key: "xlabel", value: .string("weighted layers randomised from the top")),
        (key: "ylabel", value: .string("Spearman rank correlation")),
    ])
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
