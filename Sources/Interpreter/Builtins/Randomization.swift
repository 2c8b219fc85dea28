import LRPKit

/// `randomize`: the model randomisation sanity check (Adebayo et al. 2018).
let randomizationBuiltins: [Builtin] = [
    Builtin("randomize", .network, usage: "randomize NET X T methods=[\"gradient\", \"alphabeta\", ...] seed=0",
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
            """,
            keywords: ["methods", "seed"]) { c in try randomize(&c) },
]

private func explainer(_ v: Value, _ c: Call, index: Int?) throws -> (String, @Sendable (Network, Tensor, Tensor) throws -> Tensor) {
    func attribution(_ m: AttributionMethod) -> @Sendable (Network, Tensor, Tensor) throws -> Tensor {
        { net, x, t in try net.attribute(x, targets: t, method: m) }
    }
    func lrp(_ rules: RuleSet) -> @Sendable (Network, Tensor, Tensor) throws -> Tensor {
        { net, x, t in try net.explain(x, targets: t, rules: rules) }
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
    let usage = "randomize NET X T methods=[\"gradient\", \"alphabeta\", ...] seed=0"
    try c.expectCount(3...3, usage: usage)
    let net = try c.network(0).network
    let x = try c.tensor(1, "X"), t = try c.tensor(2, "T")
    let methodsIndex = c.keywordIndex("methods")
    guard case .list(let items)? = c.keyword("methods"), !items.isEmpty else {
        throw c.fail("randomize: methods= is a list of methods, e.g. methods=[\"gradient\", \"alphabeta\"]", argument: methodsIndex ?? 0)
    }
    let methods = try items.map { try explainer($0, c, index: methodsIndex) }
    let seed = try c.integerKeyword("seed", default: 0)
    guard (0...Int(UInt32.max)).contains(seed) else {
        throw c.fail("randomize: seed= must be in 0...\(UInt32.max)", argument: c.keywordIndex("seed"))
    }
    guard x.rank == 4 else {
        throw c.fail("randomize: X must be images N x H x W x C, got \(describe(shape: x.shape))", argument: 1)
    }
    let weighted = net.layers.indices.filter { net.layers[$0].isWeighted }.reversed().map { $0 }
    let originals = try methods.map { try $0.1(net, x, t) }
    var spearman = [[Double]](repeating: [1], count: methods.count), ssim = spearman
    c.evaluator.host.progress("randomize", completed: 0, total: weighted.count)
    for k in 1...max(1, weighted.count) where k <= weighted.count {
        if c.evaluator.cancellation.isRequested { throw Interrupted() }
        let randomized = try Randomization.randomized(net, top: k, seed: UInt32(seed))
        for (m, method) in methods.enumerated() {
            let s = try Similarity.mean(originals[m], try method.1(randomized, x, t))
            spearman[m].append(s.spearman)
            ssim[m].append(s.ssim)
        }
        c.evaluator.host.progress("randomize", completed: k, total: weighted.count)
    }
    let layers = ["original"] + weighted.map { "\($0 + 1) \(net.layers[$0].kind)" }
    let names = methods.map(\.0)
    let rows = layers.enumerated().map { $0 == 0 ? "none" : "up to " + $1 }
    let width = max(10, rows.map(\.count).max() ?? 0)
    let column = max(17, (names.map(\.count).max() ?? 0) + 2)
    var table = "model randomisation, \(x.shape[0]) images, seed \(seed): Spearman / SSIM by layers randomised from the top\n"
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
    let stages = layers.count
    func tensor(_ rows: [[Double]]) throws -> Value {
        .tensor(try Tensor(shape: [rows.count, stages], scalars: rows.flatMap { $0.map(Float.init) }))
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
