import Foundation

/// The model randomisation check of Adebayo et al. (2018, "Sanity checks for saliency maps"): the
/// weights are re-drawn at random layer by layer from the top (cascading: each stage keeps the
/// layers randomised before it), and each explanation of the randomised network is compared with
/// the original's. An explanation that stays similar does not depend on what the network learnt.
public enum Randomization {
    /// `network` with its top `count` weighted layers (Linear, Convolution) re-drawn: the weighted
    /// layer at position j from the top (j = 0 is the last) gets weights
    /// `std(W) * RandomState(seed + j).randn(*W.shape)` and then, from the same generator, a bias
    /// `std(b) * randn(*b.shape)` (the learnt scale kept, the learnt values gone).
    public static func randomized(_ network: Network, top count: Int, seed: UInt32) throws -> Network {
        let weighted = network.layers.indices.filter { network.layers[$0].isWeighted }
        guard count >= 0, count <= weighted.count else {
            throw ParameterError("layers", "can randomise 0...\(weighted.count) weighted layers, not \(count)")
        }
        var layers = network.layers
        for (j, index) in weighted.reversed().prefix(count).enumerated() {
            var random = RandomState(seed: seed &+ UInt32(j))
            func redraw(_ t: Tensor) throws -> Tensor {
                let scale = standardDeviation(t.scalars)
                return try Tensor(shape: t.shape, scalars: t.scalars.map { _ in Float(random.gaussian() * scale) })
            }
            if let linear = layers[index] as? Linear {
                let w = try redraw(linear.weight)
                layers[index] = try Linear(weight: w, bias: try redraw(linear.bias ?? Tensor.zeros([linear.outputCount])))
            } else if let conv = layers[index] as? Convolution {
                let w = try redraw(conv.weight)
                layers[index] = try Convolution(weight: w, bias: try redraw(conv.bias ?? Tensor.zeros([conv.outputChannels])),
                                                stride: conv.stride, pads: conv.pads, padValue: conv.padValue)
            } else {
                throw LRPError.invalidArgument("randomisation: layer \(index + 1) (\(layers[index].description)) has weights of a kind it cannot re-draw")
            }
        }
        return Network(layers)
    }

    static func standardDeviation(_ values: [Float]) -> Double {
        guard !values.isEmpty else { return 0 }
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        return (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)).squareRoot()
    }
}

/// Similarity of two explanations of one image.
public enum Similarity {
    /// Spearman's rank correlation of the values (ties get their average rank, as scipy's spearmanr).
    public static func spearman(_ a: [Float], _ b: [Float]) -> Double {
        pearson(ranks(a), ranks(b))
    }

    /// The mean structural similarity of two H x W maps with the defaults of scikit-image's
    /// `structural_similarity`: a 7 x 7 uniform window, sample covariance, K1 0.01, K2 0.03, the
    /// mean taken over the windows inside the image. `range` is the data range (`data_range`).
    public static func ssim(_ a: [Float], _ b: [Float], height h: Int, width w: Int, range: Double) -> Double {
        let win = 7, half = 3
        guard h >= win, w >= win else { return .nan }
        let n = Double(win * win), covarianceNorm = n / (n - 1)
        let c1 = (0.01 * range) * (0.01 * range), c2 = (0.03 * range) * (0.03 * range)
        var total = 0.0, count = 0
        for i in half..<(h - half) {
            for j in half..<(w - half) {
                var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
                for y in (i - half)...(i + half) {
                    for x in (j - half)...(j + half) {
                        let u = Double(a[y * w + x]), v = Double(b[y * w + x])
                        sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v
                    }
                }
                let ux = sx / n, uy = sy / n
                let vx = covarianceNorm * (sxx / n - ux * ux), vy = covarianceNorm * (syy / n - uy * uy)
                let vxy = covarianceNorm * (sxy / n - ux * uy)
                total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
                count += 1
            }
        }
        return total / Double(count)
    }

    static func ranks(_ v: [Float]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] || (v[$0] == v[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: v.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && v[order[end + 1]] == v[order[start]] { end += 1 }
            let average = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = average }
            start = end + 1
        }
        return ranks
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return saa == 0 || sbb == 0 ? .nan : sab / (saa * sbb).squareRoot()
    }
}

extension Similarity {
    /// Mean Spearman and SSIM over the samples of two N x H x W x C explanations (see `perSample`).
    public static func mean(_ original: Tensor, _ other: Tensor) throws -> (spearman: Double, ssim: Double) {
        let each = try perSample(original, other)
        let n = Double(each.count)
        return (each.reduce(0) { $0 + $1.spearman } / n, each.reduce(0) { $0 + $1.ssim } / n)
    }

    /// Spearman and SSIM of each sample of two N x H x W x C explanations. Each map is first
    /// summed over channels and divided by its largest magnitude (so SSIM's data range is 2).
    /// A data set's check sums these slice by slice instead of holding every explanation.
    public static func perSample(_ original: Tensor, _ other: Tensor) throws -> [(spearman: Double, ssim: Double)] {
        guard original.shape == other.shape, original.rank == 4 else {
            throw LRPError.shapeMismatch(operation: "similarity",
                "explanations of shapes \(describe(shape: original.shape)) and \(describe(shape: other.shape)); both must be N x H x W x C")
        }
        let (n, h, w, c) = (original.shape[0], original.shape[1], original.shape[2], original.shape[3])
        func map(_ t: Tensor, _ i: Int) -> [Float] {
            var m = [Float](repeating: 0, count: h * w)
            for p in 0..<(h * w) { for k in 0..<c { m[p] += t.scalars[(i * h * w + p) * c + k] } }
            let scale = m.map { Swift.abs($0) }.max() ?? 0
            return scale > 0 ? m.map { $0 / scale } : m
        }
        return (0..<n).map { i in
            let a = map(original, i), b = map(other, i)
            return (spearman(a, b), ssim(a, b, height: h, width: w, range: 2))
        }
    }
}
