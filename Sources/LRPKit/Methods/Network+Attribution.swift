/// The attribution methods of `AttributionMethod`, run over a batch in slices on all cores.
extension Network {
    /// Explains every sample of `inputs` (N x sample shape) for the rows of `targets` (N x classes,
    /// usually one-hot). `firstIndex` is the position of `inputs[0]` in the whole data set: it seeds
    /// SmoothGrad's noise, so a data set explained slice by slice gets the same noise as in one go.
    public func attribute(_ inputs: Tensor, targets: Tensor, method: AttributionMethod,
                          batchSize: Int = 64, firstIndex: Int = 0) throws -> Tensor {
        guard inputs.rank >= 2, targets.rank >= 1, targets.shape[0] == inputs.shape[0] else {
            throw LRPError.shapeMismatch(operation: "attribute",
                "targets \(describe(shape: targets.shape)) do not match \(describe(shape: inputs.shape)) inputs (one target row per sample)")
        }
        let sampleShape = Array(inputs.shape.dropFirst())
        try method.validate(sampleShape: sampleShape)
        // One-sample slices for the methods that batch internally over copies of a sample.
        let slice: Int
        switch method {
        case .smoothGrad, .occlusion: slice = 1
        default: slice = batchSize
        }
        return try Batching.map(count: inputs.shape[0], batchSize: slice) { range in
            let x = try inputs.samples(range), t = try targets.samples(range)
            return try self.attributeSlice(x, targets: t, method: method, firstIndex: firstIndex + range.lowerBound)
        }
    }

    /// The target-weighted gradient at `x`: `targets` rows are the output gradient.
    public func targetGradient(_ x: Tensor, targets: Tensor) throws -> Tensor {
        let activations = try self.activations(x)
        let output = activations[activations.count - 1]
        return try gradprop(targets.reshaped(output.shape), activations: activations)
    }

    /// Each sample's target score: its output weighted by its target row, summed.
    public func targetScores(_ x: Tensor, targets: Tensor) throws -> [Float] {
        let y = try forward(x)
        let n = y.shape[0]
        let flat = try y.reshaped([n, -1]), t = try targets.reshaped([n, -1])
        guard flat.shape == t.shape else {
            throw LRPError.shapeMismatch(operation: "target score", "targets \(describe(shape: targets.shape)) do not match outputs \(describe(shape: y.shape))")
        }
        let k = flat.shape[1]
        return (0..<n).map { i in
            var s: Float = 0
            for j in 0..<k { s += flat.scalars[i * k + j] * t.scalars[i * k + j] }
            return s
        }
    }

    private func attributeSlice(_ x: Tensor, targets t: Tensor, method: AttributionMethod, firstIndex: Int) throws -> Tensor {
        switch method {
        case .gradient(let absolute):
            let g = try targetGradient(x, targets: t)
            return absolute ? g.absolute() : g
        case .gradientTimesInput:
            return try x * targetGradient(x, targets: t)
        case .integratedGradients(let baseline, let steps):
            return try integratedGradients(x, targets: t, baseline: baseline, steps: steps)
        case .smoothGrad(let base, let sigma, let samples, let seed):
            return try smoothGrad(x, targets: t, base: base, sigma: sigma, samples: samples,
                                  seed: seed &+ UInt32(truncatingIfNeeded: firstIndex))
        case .occlusion(let window, let stride, let baseline):
            return try occlusion(x, targets: t, window: window, stride: stride, baseline: baseline)
        }
    }

    private func integratedGradients(_ x: Tensor, targets t: Tensor, baseline: Baseline, steps: Int) throws -> Tensor {
        let b = try baseline.batch(count: x.shape[0], sampleShape: Array(x.shape.dropFirst()))
        let difference = try x - b
        let (nodes, weights) = GaussLegendre.rule(steps)
        // A first layer that is affine (every LinearMap: dense, convolution, pooling) is evaluated
        // at the two ends of the path only: along the straight path its output is exactly the same
        // straight line, f(b + a(x - b)) = f(b) + a(f(x) - f(b)). Being linear, its transpose
        // also commutes with the weighted sum over the steps, so the summed gradient goes through
        // it once. For the tutorial CNN this is the costliest layer per FLOP (one input channel).
        if sources == nil, layers.count > 1, let first = layers[0] as? any LinearMap {
            let (start, end) = try (first.forward(b), first.forward(x))
            let rise = try end - start
            let rest = Network(Array(layers.dropFirst()))
            let summed = try rest.summedGradient(nodes: nodes, weights: weights, targets: t) { alpha in
                let a = Float(alpha)
                return Tensor(unchecked: start.shape, scalars: Tensor.zipped(start.scalars, rise.scalars) { $0 + a * $1 })
            }
            return try first.gradprop(summed, input: x) * difference
        }
        let summed = try summedGradient(nodes: nodes, weights: weights, targets: t) { alpha in
            // Captum's order of operations, in float32: baseline + alpha * (x - baseline).
            try b + difference * Float(alpha)
        }
        return try summed * difference
    }

    /// The sum over the quadrature's nodes of `weight * gradient at point(node)`.
    private func summedGradient(nodes: [Double], weights: [Double], targets t: Tensor,
                                point: (Double) throws -> Tensor) throws -> Tensor {
        var total: [Float]? = nil
        var shape: [Int] = []
        for (alpha, weight) in zip(nodes, weights) {
            let g = try targetGradient(point(alpha), targets: t)
            let w = Float(weight)
            if total == nil {
                total = [Float](repeating: 0, count: g.count)
                shape = g.shape
            }
            total!.withUnsafeMutableBufferPointer { sum in
                g.scalars.withUnsafeBufferPointer { g in
                    for i in 0..<sum.count { sum[i] += g[i] * w }
                }
            }
        }
        return try Tensor(shape: shape, scalars: total ?? [])
    }

    /// One sample (`x` is 1 x ...): the mean of the base method over its noisy copies.
    private func smoothGrad(_ x: Tensor, targets t: Tensor, base: AttributionMethod.Smoothed,
                            sigma: Double, samples: Int, seed: UInt32) throws -> Tensor {
        let d = x.count
        var random = RandomState(seed: seed)
        var noisy = [Float](repeating: 0, count: samples * d)
        for j in 0..<samples {
            for i in 0..<d { noisy[j * d + i] = x.scalars[i] + Float(random.gaussian() * sigma) }
        }
        let copies = try Tensor(shape: [samples] + x.shape.dropFirst(), scalars: noisy)
        let targets = try t.broadcast(to: [samples] + t.shape.dropFirst())
        var g = try targetGradient(copies, targets: targets)
        if base == .gradientTimesInput { g = try copies * g }
        var mean = [Float](repeating: 0, count: d)
        for j in 0..<samples { for i in 0..<d { mean[i] += g.scalars[j * d + i] } }
        let n = Float(samples)
        return try Tensor(shape: x.shape, scalars: mean.map { $0 / n })
    }

    /// One image (`x` is 1 x H x W x C): all window positions evaluated as one batch.
    private func occlusion(_ x: Tensor, targets t: Tensor, window: Int, stride: Int, baseline: Float) throws -> Tensor {
        let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
        func starts(_ size: Int) -> [Int] {
            let count = (size - window + stride - 1) / stride + 1   // ceil((size - window) / stride) + 1
            return (0..<count).map { $0 * stride }
        }
        let windows = starts(h).flatMap { y in starts(w).map { (y, $0) } }
        let d = x.count
        var batch = [Float]()
        batch.reserveCapacity((windows.count + 1) * d)
        batch.append(contentsOf: x.scalars)
        for (y0, x0) in windows {
            var image = x.scalars
            for y in y0..<Swift.min(y0 + window, h) {
                for xx in x0..<Swift.min(x0 + window, w) {
                    for k in 0..<c { image[(y * w + xx) * c + k] = baseline }
                }
            }
            batch.append(contentsOf: image)
        }
        let n = windows.count + 1
        let scores = try targetScores(Tensor(shape: [n] + x.shape.dropFirst(), scalars: batch),
                                      targets: t.broadcast(to: [n] + t.shape.dropFirst()))
        var total = [Float](repeating: 0, count: d), covered = [Float](repeating: 0, count: d)
        for (p, (y0, x0)) in windows.enumerated() {
            let drop = scores[0] - scores[p + 1]
            for y in y0..<Swift.min(y0 + window, h) {
                for xx in x0..<Swift.min(x0 + window, w) {
                    for k in 0..<c {
                        total[(y * w + xx) * c + k] += drop
                        covered[(y * w + xx) * c + k] += 1
                    }
                }
            }
        }
        return try Tensor(shape: x.shape, scalars: zip(total, covered).map { $0 / $1 })
    }
}
