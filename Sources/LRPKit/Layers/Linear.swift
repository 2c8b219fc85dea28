/// A fully connected layer: `Y = X . W + B` with `W` of shape `in x out` (the tutorial's layout).
public struct Linear: LinearMap {
    public let weight: Tensor
    public let bias: Tensor?

    public init(weight: Tensor, bias: Tensor) throws {
        guard weight.rank == 2 else {
            throw LRPError.shapeMismatch(operation: "linear",
                "weight must be a matrix (in x out), got \(describe(shape: weight.shape))")
        }
        guard bias.count == weight.shape[1] else {
            throw LRPError.shapeMismatch(operation: "linear",
                "bias of \(bias.count) values does not fit weight \(describe(shape: weight.shape))")
        }
        self.weight = weight
        self.bias = try bias.reshaped([weight.shape[1]])
    }

    public var inputCount: Int { weight.shape[0] }
    public var outputCount: Int { weight.shape[1] }
    public var kind: String { "linear" }
    public var isWeighted: Bool { true }
    public var description: String { "linear \(inputCount)->\(outputCount)" }

    /// Accepts N x in, or any N x ... whose trailing axes hold `in` values (e.g. N x 28 x 28 x 1).
    private func flattened(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.shape[0] > 0 || input.count == 0,
              input.rank >= 2 ? input.count == input.shape[0] * inputCount : input.count == inputCount else {
            throw LRPError.shapeMismatch(operation: "linear \(inputCount)->\(outputCount)",
                "expects N x \(inputCount) input, got \(describe(shape: input.shape))")
        }
        return try input.reshaped(input.rank >= 2 ? [input.shape[0], inputCount] : [1, inputCount])
    }

    public func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        try apply(input, weight: weight, bias: bias, rectifying: false)
    }

    /// `max(0, forward(input))` in one buffer (a Network's forward pass fuses a following ReLU).
    func forwardRectified(_ input: Tensor) throws -> Tensor {
        try apply(input, weight: weight, bias: bias, rectifying: true)
    }

    /// The product seeded with the bias rows (no separate broadcast pass), rectified in place if asked.
    private func apply(_ input: Tensor, weight: Tensor, bias: Tensor?, rectifying: Bool) throws -> Tensor {
        let x = try flattened(input)
        guard weight.rank == 2, weight.shape[0] == inputCount, inputCount > 0, let bias, bias.count == weight.shape[1] else {
            var out = try x.matmul(weight)
            if let bias { out = try out + bias }
            return rectifying ? out.maximum(0) : out
        }
        let (rows, n, k) = (x.shape[0], weight.shape[1], inputCount)
        let count = try Tensor.allocationCount(of: [rows, n])
        guard count > 0 else { return Tensor(unchecked: [rows, n], scalars: []) }
        let result = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let c = buffer.baseAddress!
            bias.scalars.withUnsafeBufferPointer { b in
                for row in 0..<rows { (c + row * n).update(from: b.baseAddress!, count: n) }
            }
            x.scalars.withUnsafeBufferPointer { a in
                weight.scalars.withUnsafeBufferPointer { w in
                    BLAS.gemm(a.baseAddress!, w.baseAddress!, c, m: rows, n: n, k: k, accumulate: true)
                }
            }
            if rectifying { rectifyInPlace(c, count: count) }
            initialized = count
        }
        try Interruption.check()  // an interrupted product is incomplete (see BLAS.gemm)
        return Tensor(unchecked: [rows, n], scalars: result)
    }

    public func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor {
        let rows = inputShape.count >= 2 ? inputShape[0] : 1
        guard gradient.count == rows * outputCount else {
            throw LRPError.shapeMismatch(operation: "linear \(inputCount)->\(outputCount)",
                "output gradient or relevance of shape \(describe(shape: gradient.shape)) does not fit input \(describe(shape: inputShape))")
        }
        return try gradient.reshaped([rows, outputCount])
            .matmul(weight, transposingOther: true).reshaped(inputShape)
    }
}
