/// Evaluation by perturbation (Samek et al. 2017, "Evaluating the visualization of what a deep
/// neural network has learned"): the image is cut into square patches, the patches are replaced
/// one after another in the order an explanation ranks them (most relevant first), and the target
/// score is recorded after each step. A good explanation makes the score fall fast; AOPC, the area
/// over that curve, measures it, beside a random order's.
public struct Perturbation: Sendable {
    /// What a perturbed patch's pixels become.
    public enum Replacement: Sendable, Equatable {
        case constant(Float)
        /// Uniform noise in [low, high): sample i's noise image is numpy's
        /// `low + (high - low) * RandomState(seed + i).rand(H, W, C)` (drawn once per sample).
        case uniform(low: Float, high: Float, seed: UInt32)
    }

    /// The order in which patches are perturbed.
    public enum Order: Sendable {
        /// By the summed relevance of each patch, largest first; ties by position (row-major).
        case relevance(Tensor)
        /// Sample i: numpy's `RandomState(seed + i).permutation(patches)`.
        case random(seed: UInt32)
    }

    /// The side of a square patch; patches tile the image from the top-left, the last row and
    /// column cut by the border when the side does not divide it.
    public var patch: Int
    /// How many patches are perturbed (the curve has steps + 1 points, the first unperturbed).
    public var steps: Int
    public var replacement: Replacement

    public init(patch: Int = 1, steps: Int, replacement: Replacement) {
        self.patch = patch
        self.steps = steps
        self.replacement = replacement
    }

    /// Checks the settings against one image's shape (H x W x C), naming the parameter at fault.
    public func validate(sampleShape: [Int]) throws {
        guard sampleShape.count == 3 else {
            throw ParameterError("patch", "perturbation needs images (height x width x channels), got samples of shape \(describe(shape: sampleShape))")
        }
        guard patch >= 1, patch <= Swift.min(sampleShape[0], sampleShape[1]) else {
            throw ParameterError("patch", "must be between 1 and the image's \(describe(shape: Array(sampleShape.prefix(2)))) size, got \(patch)")
        }
        let patches = Self.grid(sampleShape, patch).count
        guard steps >= 1, steps <= patches else {
            throw ParameterError("steps", "must be between 1 and the \(patches) patches of \(patch)x\(patch) in a \(describe(shape: Array(sampleShape.prefix(2)))) image, got \(steps)")
        }
        switch replacement {
        case .constant(let v):
            guard v.isFinite else { throw ParameterError("value", "must be finite, got \(v)") }
        case .uniform(let low, let high, _):
            guard low.isFinite, high.isFinite, low < high else {
                throw ParameterError("low", "must be below high=, got \(low) and \(high)")
            }
        }
    }

    /// The patches of an H x W image: (top, left, bottom, right) in row-major order.
    static func grid(_ shape: [Int], _ patch: Int) -> [(Int, Int, Int, Int)] {
        let (h, w) = (shape[0], shape[1])
        return stride(from: 0, to: h, by: patch).flatMap { y in
            stride(from: 0, to: w, by: patch).map { x in (y, x, Swift.min(y + patch, h), Swift.min(x + patch, w)) }
        }
    }
}

/// The mean perturbation curves of several orders and their AOPC.
public struct PerturbationSummary: Sendable {
    /// One mean curve (steps + 1 target scores) per order.
    public let curves: [[Float]]
    /// Area over the perturbation curve: mean over k = 0...steps of (score_0 - score_k), in the mean over samples.
    public let aopc: [Float]

    public init(curves: [[Float]]) {
        self.curves = curves
        aopc = curves.map { c in
            guard let first = c.first else { return 0 }
            return c.reduce(0) { $0 + (first - $1) } / Float(c.count)
        }
    }

    /// The mean over samples of N x (steps + 1) per-sample curves.
    public static func mean(of scores: Tensor) -> [Float] {
        let (n, k) = (scores.shape[0], scores.shape[1])
        var mean = [Double](repeating: 0, count: k)
        for i in 0..<n { for j in 0..<k { mean[j] += Double(scores.scalars[i * k + j]) } }
        return mean.map { Float($0 / Double(Swift.max(n, 1))) }
    }
}

extension Network {
    /// The target score of every sample after 0, 1, ..., `settings.steps` patches are perturbed in
    /// `order`: N x (steps + 1). `firstIndex` is `inputs[0]`'s position in the data set (it seeds
    /// the noise and the random order).
    public func perturbationCurves(_ inputs: Tensor, targets: Tensor, order: Perturbation.Order,
                                   settings: Perturbation, firstIndex: Int = 0) throws -> Tensor {
        guard inputs.rank == 4, targets.rank >= 1, targets.shape[0] == inputs.shape[0] else {
            throw LRPError.shapeMismatch(operation: "perturbation",
                "needs N x H x W x C images and one target row per image; got \(describe(shape: inputs.shape)) and targets \(describe(shape: targets.shape))")
        }
        let sampleShape = Array(inputs.shape.dropFirst())
        try settings.validate(sampleShape: sampleShape)
        if case .relevance(let r) = order, r.shape != inputs.shape {
            throw ParameterError("explanations", "each must have the inputs' shape \(describe(shape: inputs.shape)), got \(describe(shape: r.shape))")
        }
        return try Batching.map(count: inputs.shape[0], batchSize: 1) { range in
            let i = range.lowerBound
            let ranking: Perturbation.Order
            switch order {
            case .relevance(let r): ranking = .relevance(try r.samples(range))
            case .random: ranking = order
            }
            return try self.perturbationCurve(inputs.samples(range), targets: targets.samples(range), order: ranking,
                                              settings: settings, index: firstIndex + i)
        }
    }

    /// One image (1 x H x W x C): the steps + 1 perturbed copies evaluated as one batch.
    private func perturbationCurve(_ x: Tensor, targets t: Tensor, order: Perturbation.Order,
                                   settings: Perturbation, index: Int) throws -> Tensor {
        let shape = Array(x.shape.dropFirst())
        let (w, c) = (shape[1], shape[2])
        let patches = Perturbation.grid(shape, settings.patch)
        let seedOffset = UInt32(truncatingIfNeeded: index)
        let ranked: [Int]
        switch order {
        case .relevance(let r):
            let sums = patches.map { (y0, x0, y1, x1) -> Float in
                var s: Float = 0
                for y in y0..<y1 { for xx in x0..<x1 { for k in 0..<c { s += r.scalars[(y * w + xx) * c + k] } } }
                return s
            }
            // Stable: equal sums keep their row-major order (numpy's argsort(-s, kind="stable")).
            ranked = patches.indices.sorted { sums[$0] > sums[$1] || (sums[$0] == sums[$1] && $0 < $1) }
        case .random(let seed):
            var random = RandomState(seed: seed &+ seedOffset)
            ranked = try random.permutation(patches.count)
        }
        let replacement: [Float]
        switch settings.replacement {
        case .constant(let v): replacement = [Float](repeating: v, count: x.count)
        case .uniform(let low, let high, let seed):
            var random = RandomState(seed: seed &+ seedOffset)
            let (l, span) = (Double(low), Double(high) - Double(low))
            replacement = (0..<x.count).map { _ in Float(l + span * random.uniform()) }
        }
        var image = x.scalars
        var batch = image
        batch.reserveCapacity((settings.steps + 1) * x.count)
        for step in 0..<settings.steps {
            let (y0, x0, y1, x1) = patches[ranked[step]]
            for y in y0..<y1 { for xx in x0..<x1 { for k in 0..<c {
                let o = (y * w + xx) * c + k
                image[o] = replacement[o]
            } } }
            batch.append(contentsOf: image)
        }
        let n = settings.steps + 1
        let scores = try targetScores(Tensor(shape: [n] + shape, scalars: batch), targets: t.broadcast(to: [n] + t.shape.dropFirst()))
        return try Tensor(shape: [1, n], scalars: scores)
    }
}
