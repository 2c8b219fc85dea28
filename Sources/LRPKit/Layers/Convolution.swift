/// A 2-D convolution (cross-correlation, no kernel flip) over NHWC input with weights
/// `kh x kw x in x out`, a stride, and optional padding with a constant value.
///
/// Computed as im2col + one matrix product: the columns' order (ky, kx, c) matches the weight's C
/// order, so the weight is used as a `(kh*kw*in) x out` matrix without copying.
public struct Convolution: LinearMap {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let padValue: Float

    public init(weight: Tensor, bias: Tensor, stride: Int = 1, padding: Int = 0, padValue: Float = 0) throws {
        guard weight.rank == 4 else {
            throw LRPError.shapeMismatch(operation: "conv",
                "weight must be kh x kw x in x out, got \(describe(shape: weight.shape))")
        }
        guard bias.count == weight.shape[3] else {
            throw LRPError.shapeMismatch(operation: "conv",
                "bias of \(bias.count) values does not fit weight \(describe(shape: weight.shape))")
        }
        guard stride >= 1, padding >= 0 else {
            throw LRPError.invalidArgument("conv: stride must be >= 1 and padding >= 0 (got \(stride), \(padding))")
        }
        self.weight = weight
        self.bias = try bias.reshaped([weight.shape[3]])
        self.stride = stride
        self.padding = padding
        self.padValue = padValue
    }

    public var kernelHeight: Int { weight.shape[0] }
    public var kernelWidth: Int { weight.shape[1] }
    public var inputChannels: Int { weight.shape[2] }
    public var outputChannels: Int { weight.shape[3] }
    public var kind: String { "conv" }
    public var description: String {
        var text = "conv \(describe(shape: weight.shape))"
        if stride != 1 { text += " stride \(stride)" }
        if padding != 0 { text += " pad \(padding) value \(formatScalar(padValue))" }
        return text
    }

    /// Output spatial size for a padded input of `height x width`.
    private func outputSize(_ height: Int, _ width: Int) -> (Int, Int) {
        ((height - kernelHeight) / stride + 1, (width - kernelWidth) / stride + 1)
    }

    private func checkInput(_ shape: [Int]) throws {
        guard shape.count == 4, shape[3] == inputChannels,
              shape[1] + 2 * padding >= kernelHeight, shape[2] + 2 * padding >= kernelWidth else {
            throw LRPError.shapeMismatch(operation: description,
                "expects N x H x W x \(inputChannels) input with H, W >= the kernel, got \(describe(shape: shape))")
        }
    }

    public func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        try checkInput(input.shape)
        let x = padding > 0 ? try input.paddedSpatially(padding, value: padValue) : input
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = outputSize(h, w)
        let patch = kernelHeight * kernelWidth * c
        let rows = n * oh * ow
        var columns = [Float](repeating: 0, count: try Tensor.elementCount(of: [rows, patch]))
        x.scalars.withUnsafeBufferPointer { src in
            columns.withUnsafeMutableBufferPointer { dst in
                let run = kernelWidth * c  // one kernel row of one patch is contiguous in NHWC
                var row = 0
                for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
                    for ky in 0..<kernelHeight {
                        let from = ((b * h + oy * stride + ky) * w + ox * stride) * c
                        let to = row * patch + ky * run
                        (dst.baseAddress! + to).update(from: src.baseAddress! + from, count: run)
                    }
                    row += 1
                } } }
            }
        }
        var out = try Tensor(unchecked: [rows, patch], scalars: columns)
            .matmul(weight.reshaped([patch, outputChannels]))
        if let bias { out = try out + bias }
        return try out.reshaped([n, oh, ow, outputChannels])
    }

    public func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor {
        try checkInput(inputShape)
        let (n, h, w, c) = (inputShape[0], inputShape[1] + 2 * padding, inputShape[2] + 2 * padding, inputShape[3])
        let (oh, ow) = outputSize(h, w)
        guard gradient.shape == [n, oh, ow, outputChannels] else {
            throw LRPError.shapeMismatch(operation: description,
                "output gradient or relevance of shape \(describe(shape: gradient.shape)) does not fit input \(describe(shape: inputShape)) (expected \(describe(shape: [n, oh, ow, outputChannels])))")
        }
        let patch = kernelHeight * kernelWidth * c
        let columns = try gradient.reshaped([n * oh * ow, outputChannels])
            .matmul(weight.reshaped([patch, outputChannels]), transposingOther: true)
        var out = [Float](repeating: 0, count: try Tensor.elementCount(of: [n, h, w, c]))
        columns.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let run = kernelWidth * c
                var row = 0
                for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
                    for ky in 0..<kernelHeight {
                        let to = ((b * h + oy * stride + ky) * w + ox * stride) * c
                        let from = row * patch + ky * run
                        for k in 0..<run { dst[to + k] += src[from + k] }
                    }
                    row += 1
                } } }
            }
        }
        let full = Tensor(unchecked: [n, h, w, c], scalars: out)
        guard padding > 0 else { return full }
        let inner = AxisSelection.range(start: padding, end: -padding, step: 1)
        return try full.sliced([.all, inner, inner])
    }
}
