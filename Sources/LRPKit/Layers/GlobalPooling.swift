/// Global average pooling: N x H x W x C to N x 1 x 1 x C, the mean of each channel. A linear map
/// (weight: the scale 1 / (H W), as for `AveragePooling`), so the linear-map rules apply.
public struct GlobalAveragePooling: LinearMap {
    public init() {}
    public var weight: Tensor { Tensor([1]) }
    public var bias: Tensor? { nil }
    public var kind: String { "globalavgpool" }
    public var description: String { "globalavgpool" }

    private func geometry(_ shape: [Int]) throws -> (n: Int, plane: Int, c: Int) {
        guard shape.count == 4, shape[1] > 0, shape[2] > 0 else {
            throw LRPError.shapeMismatch(operation: "globalavgpool", "expects N x H x W x C input, got \(describe(shape: shape))")
        }
        return (shape[0], shape[1] * shape[2], shape[3])
    }

    /// The mean over H and W, times the (substituted) weight.
    public func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let (n, plane, c) = try geometry(input.shape)
        let scale = weight.scalars[0] / Float(plane)
        var out = [Float](repeating: 0, count: n * c)
        input.scalars.withUnsafeBufferPointer { x in
            for b in 0..<n { for p in 0..<plane { for ch in 0..<c { out[b * c + ch] += x[(b * plane + p) * c + ch] } } }
        }
        for i in out.indices { out[i] *= scale }
        var output = Tensor(unchecked: [n, 1, 1, c], scalars: out)
        if let bias { output = try output + bias }
        return output
    }

    public func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor {
        let (n, plane, c) = try geometry(inputShape)
        guard gradient.count == n * c else {
            throw LRPError.shapeMismatch(operation: "globalavgpool",
                "output gradient or relevance of shape \(describe(shape: gradient.shape)) does not fit input \(describe(shape: inputShape))")
        }
        let scale = weight.scalars[0] / Float(plane)
        var out = [Float](repeating: 0, count: n * plane * c)
        gradient.scalars.withUnsafeBufferPointer { g in
            for b in 0..<n { for p in 0..<plane { for ch in 0..<c { out[(b * plane + p) * c + ch] = scale * g[b * c + ch] } } }
        }
        return Tensor(unchecked: inputShape, scalars: out)
    }
}
