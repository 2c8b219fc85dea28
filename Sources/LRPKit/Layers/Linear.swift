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
        var out = try flattened(input).matmul(weight)
        if let bias { out = try out + bias }
        return out
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
