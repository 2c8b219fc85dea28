import LRPKit

/// Attribution methods beside LRP: gradient, gradient x input, integrated gradients, SmoothGrad,
/// occlusion. Each is `METHOD NET X T` (T: one target row per sample, e.g. one-hot labels) or
/// `METHOD NET DATASET pad=P batch=64 target=label|predicted` over a whole data set.
let methodBuiltins: [Builtin] = [
    methodBuiltin("gradient", "The gradient of the target score (Captum's Saliency; abs=true for its default |gradient|).",
                  keywords: ["abs"]) { c in
        .gradient(absolute: try c.booleanKeyword("abs", default: false))
    },
    methodBuiltin("gradxinput", "Gradient x input (Captum's InputXGradient).") { _ in .gradientTimesInput },
    methodBuiltin("integrated", "Integrated gradients (Captum's default Gauss-Legendre rule).",
                  details: """
                  baseline= (default 0) is a number or one sample's tensor (e.g. -ones(28, 28, 1) for a black MNIST
                  digit); steps= (default 50) is the number of Gauss-Legendre points on the straight path from it.
                  """,
                  keywords: ["baseline", "steps"]) { c in
        .integratedGradients(baseline: try c.baselineKeyword(), steps: try c.integerKeyword("steps", default: 50))
    },
    methodBuiltin("smoothgrad", "SmoothGrad: the mean gradient (or of=gradxinput) over noisy copies of each sample.",
                  details: """
                  sigma= (default 0.2, a tenth of MNIST's [-1, 1] range) is the noise's standard deviation, samples=
                  (default 25) the copies per sample, seed= (default 0) the noise: sample i of the data gets
                  numpy's RandomState(seed + i).randn(samples, *shape) * sigma, whatever the batching.
                  of=gradient (default) or of=gradxinput chooses what is averaged.
                  """,
                  keywords: ["sigma", "samples", "seed", "of"], wordKeywords: ["of"]) { c in
        let of = try c.wordKeyword("of", allowed: ["gradient", "gradxinput"], default: "gradient")
        let seed = try c.integerKeyword("seed", default: 0)
        guard (0...Int(UInt32.max)).contains(seed) else {
            throw c.fail("\(c.name): seed= must be in 0...\(UInt32.max), got \(seed)", argument: c.keywordIndex("seed"))
        }
        return .smoothGrad(base: of == "gradient" ? .gradient : .gradientTimesInput,
                           sigma: try c.numberKeyword("sigma", default: 0.2),
                           samples: try c.integerKeyword("samples", default: 25), seed: UInt32(seed))
    },
    methodBuiltin("occlusion", "Occlusion: the drop of the target score when a window of the image is set to a baseline value.",
                  details: """
                  window= (default 4) is the square window's side, stride= (default 2, at most the window) its step,
                  baseline= (default 0, Captum's; -1 is MNIST's background) the value it is set to. Each pixel gets the
                  mean drop over the windows covering it; the last window of a row or column may be cut by the border.
                  """,
                  keywords: ["window", "stride", "baseline"]) { c in
        .occlusion(window: try c.integerKeyword("window", default: 4), stride: try c.integerKeyword("stride", default: 2),
                   baseline: Float(try c.numberKeyword("baseline", default: 0)))
    },
]

/// A method's builtin: reads the method's own keywords with `method`, then runs it on a tensor
/// batch or a whole data set.
private func methodBuiltin(_ name: String, _ summary: String, details: String = "", keywords: [String] = [],
                           wordKeywords: [String] = [],
                           _ method: @escaping @Sendable (inout Call) throws -> AttributionMethod) -> Builtin {
    let usage = "\(name) NET X T | \(name) NET DATASET"
    let common = """
        T holds one target row per sample of X (one-hot labels: the target class's score is explained).
        With a DATASET: every image, in batches on all cores, with progress and Ctrl-C.
        """
    return Builtin(name, .network, usage: usage, summary,
                   details: details.isEmpty ? common : details + "\n" + common,
                   keywords: keywords + ["pad", "batch", "target"], wordKeywords: wordKeywords + ["target"]) { c in
        try c.expectCount(2...3, usage: usage)
        let net = try c.network(0).network
        let m = try method(&c)
        do {
            if c.arguments.count == 2, case .dataset = c.arguments[1] {
                let (dataset, x) = try DataSetPasses.images(&c, 1)
                let batch = try DataSetPasses.batchSize(&c, default: DataSetPasses.defaultBatch)
                // Checked before the (possibly long) target pass.
                try m.validate(sampleShape: Array(try x.samples(0..<1).shape.dropFirst()))
                let t = try DataSetPasses.targets(&c, net: net, dataset: dataset, x: x, batch: batch)
                // Slices small enough for a lively progress bar and a prompt Ctrl-C on the slow methods.
                let slice: Int
                switch m {
                case .smoothGrad, .occlusion, .integratedGradients: slice = 100
                default: slice = 2000
                }
                return .tensor(try c.evaluator.overSamples(name, count: dataset.count, slice: slice) { range in
                    try net.attribute(x.samples(range), targets: t.samples(range), method: m,
                                      batchSize: batch, firstIndex: range.lowerBound)
                })
            }
            guard c.arguments.count == 3 else {
                throw c.fail("\(name) takes NET X T, or NET DATASET (usage: \(usage))")
            }
            try DataSetPasses.refuseDataSetKeywords(&c)
            let x = try c.tensor(1, "X"), t = try c.tensor(2, "T")
            return .tensor(try net.attribute(x, targets: t, method: m))
        } catch let error as ParameterError {
            throw c.fail("\(name): \(error.parameter)= \(error.problem)", argument: c.keywordIndex(error.parameter))
        }
    }
}

extension Call {
    func booleanKeyword(_ key: String, default d: Bool) throws -> Bool {
        guard let v = keyword(key) else { return d }
        guard case .boolean(let b) = v else {
            throw fail("\(name): \(key)= must be true or false, got \(v.typeName)", argument: keywordIndex(key))
        }
        return b
    }

    /// A keyword given as a bare word (`of=gradxinput`) from a fixed list.
    func wordKeyword(_ key: String, allowed: [String], default d: String) throws -> String {
        guard let v = keyword(key) else { return d }
        guard case .string(let s) = v, allowed.contains(s) else {
            throw fail("\(name): \(key)= is one of \(allowed.joined(separator: ", "))", argument: keywordIndex(key))
        }
        return s
    }

    /// baseline=: a number (default 0) or one sample's tensor.
    func baselineKeyword() throws -> Baseline {
        guard let v = keyword("baseline") else { return .value(0) }
        if case .number(let n) = v { return .value(Float(n)) }
        return .tensor(try asTensor(v, what: "baseline=", argument: keywordIndex("baseline")))
    }
}
