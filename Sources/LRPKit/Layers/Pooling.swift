/// Sum pooling over k x k windows with a stride, scaled: `y = scale * sum(window)`.
/// The tutorial's is 2x2, stride 2, scale 0.5. A linear map whose "weight" is the scale, so the
/// LRP rules apply to it unchanged (z+ on it is the tutorial's z rule).
public struct SumPooling: LinearMap {
    public let size: Int
    public let stride: Int
    public let scale: Float
    /// Zero padding per side (top, left, bottom, right): padded positions add nothing.
    public let pads: [Int]

    public init(size: Int, stride: Int, scale: Float, pads: [Int] = [0, 0, 0, 0]) throws {
        try checkPooling(size: size, stride: stride, pads: pads)
        self.size = size
        self.stride = stride
        self.scale = scale
        self.pads = pads
    }

    public var weight: Tensor { Tensor([scale]) }
    public var bias: Tensor? { nil }
    public var kind: String { "sumpool" }
    public var description: String { "sumpool \(size)x\(size) stride \(stride) scale \(formatNumber(scale))" + padText(pads) }

    public func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let grid = try PoolingGrid(input.shape, size: size, stride: stride, pads: pads, layer: description)
        let w = weight.scalars[0]
        let count = grid.outputCount
        let out = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if !grid.isHalving { buffer.initialize(repeating: 0) }
            input.scalars.withUnsafeBufferPointer { x in
                grid.sumWindows(x.baseAddress!, into: buffer.baseAddress!, scale: w)
            }
            initialized = count
        }
        return Tensor(unchecked: grid.outputShape, scalars: out)
    }

    public func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor {
        let grid = try PoolingGrid(inputShape, size: size, stride: stride, pads: pads, layer: description)
        try grid.check(gradient: gradient)
        let w = weight.scalars[0]
        let count = inputShape.reduce(1, *)
        let out = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if !grid.isHalving || grid.h % 2 != 0 || grid.w % 2 != 0 { buffer.initialize(repeating: 0) }
            gradient.scalars.withUnsafeBufferPointer { g in
                grid.spreadWindows(g.baseAddress!, into: buffer.baseAddress!, scale: w)
            }
            initialized = count
        }
        return Tensor(unchecked: inputShape, scalars: out)
    }
}

/// Average pooling: sum pooling scaled by 1 / (k * k).
public struct AveragePooling: LinearMap {
    private let sum: SumPooling

    /// Padded positions count as zeros (ONNX's count_include_pad=1, torch's default).
    public init(size: Int, stride: Int, pads: [Int] = [0, 0, 0, 0]) throws {
        sum = try SumPooling(size: size, stride: stride, scale: 1 / Float(size * size), pads: pads)
    }

    public var size: Int { sum.size }
    public var stride: Int { sum.stride }
    public var pads: [Int] { sum.pads }
    public var weight: Tensor { sum.weight }
    public var bias: Tensor? { nil }
    public var kind: String { "avgpool" }
    public var description: String { "avgpool \(size)x\(size) stride \(stride)" + padText(pads) }

    public func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        try sum.apply(input, weight: weight, bias: bias)
    }

    public func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor {
        try sum.applyTransposed(gradient, weight: weight, inputShape: inputShape)
    }
}

/// Max pooling: the gradient and, by winner-take-all, the relevance of a window go to its first
/// largest input (row-major within the window).
public struct MaxPooling: Layer {
    public let size: Int
    public let stride: Int
    /// Padding per side (top, left, bottom, right); padded positions never win.
    public let pads: [Int]

    public init(size: Int, stride: Int, pads: [Int] = [0, 0, 0, 0]) throws {
        try checkPooling(size: size, stride: stride, pads: pads)
        self.size = size
        self.stride = stride
        self.pads = pads
    }

    public var kind: String { "maxpool" }
    public var description: String { "maxpool \(size)x\(size) stride \(stride)" + padText(pads) }
    public var defaultRule: Rule { .winnerTakeAll }

    public func forward(_ input: Tensor) throws -> Tensor {
        let grid = try PoolingGrid(input.shape, size: size, stride: stride, pads: pads, layer: description)
        var out = [Float](repeating: -.infinity, count: grid.outputCount)
        input.scalars.withUnsafeBufferPointer { x in
            grid.forEachWindow { o, i in out[o] = Swift.max(out[o], x[i]) }
        }
        return Tensor(unchecked: grid.outputShape, scalars: out)
    }

    /// Sends each output value to its window's winner.
    private func route(_ values: Tensor, input: Tensor) throws -> Tensor {
        let grid = try PoolingGrid(input.shape, size: size, stride: stride, pads: pads, layer: description)
        try grid.check(gradient: values)
        var best = [Float](repeating: -.infinity, count: grid.outputCount)
        var winner = [Int](repeating: -1, count: grid.outputCount)
        input.scalars.withUnsafeBufferPointer { x in
            grid.forEachWindow { o, i in
                if x[i] > best[o] || winner[o] < 0 { best[o] = x[i]; winner[o] = i }
            }
        }
        var out = [Float](repeating: 0, count: input.count)
        for (o, i) in winner.enumerated() where i >= 0 { out[i] += values.scalars[o] }
        return Tensor(unchecked: input.shape, scalars: out)
    }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        try route(gradient, input: input)
    }

    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        guard rule == .winnerTakeAll else {
            throw LRPError.invalidArgument("rule \(rule) does not apply to \(description); it takes wta")
        }
        return try route(relevance, input: input)
    }
}

/// The window geometry shared by the pooling layers (NHWC, optionally padded: windows start at
/// `-padTop`, `-padLeft`; positions outside the input are skipped).
struct PoolingGrid {
    let n, h, w, c, size, stride, oh, ow, padTop, padLeft: Int
    let isPadded: Bool
    let layer: String

    init(_ shape: [Int], size: Int, stride: Int, pads: [Int] = [0, 0, 0, 0], layer: String) throws {
        guard shape.count == 4, shape[1] + pads[0] + pads[2] >= size, shape[2] + pads[1] + pads[3] >= size else {
            throw LRPError.shapeMismatch(operation: layer,
                "expects N x H x W x C input with H, W (padded) >= \(size), got \(describe(shape: shape))")
        }
        (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        (self.size, self.stride, self.layer) = (size, stride, layer)
        (padTop, padLeft) = (pads[0], pads[1])
        isPadded = pads.contains { $0 != 0 }
        oh = (h + pads[0] + pads[2] - size) / stride + 1
        ow = (w + pads[1] + pads[3] - size) / stride + 1
    }

    var outputShape: [Int] { [n, oh, ow, c] }
    var outputCount: Int { n * oh * ow * c }

    func check(gradient: Tensor) throws {
        guard gradient.shape == outputShape else {
            throw LRPError.shapeMismatch(operation: layer,
                "output gradient or relevance of shape \(describe(shape: gradient.shape)) does not fit (expected \(describe(shape: outputShape)))")
        }
    }

    /// Calls `body(outputIndex, inputIndex)` for every input of every window, row-major in the window.
    func forEachWindow(_ body: (Int, Int) -> Void) {
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
            let o = ((b * oh + oy) * ow + ox) * c
            for ky in 0..<size { for kx in 0..<size {
                let (iy, ix) = (oy * stride - padTop + ky, ox * stride - padLeft + kx)
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                let i = ((b * h + iy) * w + ix) * c
                for ch in 0..<c { body(o + ch, i + ch) }
            } }
        } } }
    }

    /// The tutorial's 2x2 windows at stride 2: no overlap, specialised loops.
    var isHalving: Bool { size == 2 && stride == 2 && !isPadded }

    /// `out[o] = scale * sum of window o` (out zeroed by the caller unless `isHalving`). Sums a window in row-major
    /// order, as `forEachWindow` visits it, over contiguous channel runs.
    func sumWindows(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, scale: Float) {
        if isHalving {
            // The common 2x2 / 2 window, same summation order: ((x00 + x01) + x10) + x11.
            for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
                let o = out + ((b * oh + oy) * ow + ox) * c
                let i00 = x + ((b * h + oy * 2) * w + ox * 2) * c
                let i01 = i00 + c, i10 = i00 + w * c, i11 = i10 + c
                for ch in 0..<c { o[ch] = (((i00[ch] + i01[ch]) + i10[ch]) + i11[ch]) * scale }
            } } }
            return
        }
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
            let o = out + ((b * oh + oy) * ow + ox) * c
            for ky in 0..<size { for kx in 0..<size {
                let (iy, ix) = (oy * stride - padTop + ky, ox * stride - padLeft + kx)
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                let i = x + ((b * h + iy) * w + ix) * c
                for ch in 0..<c { o[ch] += i[ch] }
            } }
            for ch in 0..<c { o[ch] *= scale }
        } } }
    }

    /// `out[i] += scale * g[o]` for every input i of window o (out zeroed by the caller, except
    /// the inputs that `isHalving` windows cover: those are assigned).
    func spreadWindows(_ g: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, scale: Float) {
        if isHalving {
            // Non-overlapping windows: each covered input gets exactly one term.
            for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
                let o = g + ((b * oh + oy) * ow + ox) * c
                let i00 = out + ((b * h + oy * 2) * w + ox * 2) * c
                let i01 = i00 + c, i10 = i00 + w * c, i11 = i10 + c
                for ch in 0..<c {
                    let v = scale * o[ch]
                    i00[ch] = v; i01[ch] = v; i10[ch] = v; i11[ch] = v
                }
            } } }
            return
        }
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
            let o = g + ((b * oh + oy) * ow + ox) * c
            for ky in 0..<size { for kx in 0..<size {
                let (iy, ix) = (oy * stride - padTop + ky, ox * stride - padLeft + kx)
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                let i = out + ((b * h + iy) * w + ix) * c
                for ch in 0..<c { i[ch] += scale * o[ch] }
            } }
        } } }
    }
}

/// Size and stride >= 1; four pads (top, left, bottom, right), each below the window size, so
/// every window holds at least one input position.
private func checkPooling(size: Int, stride: Int, pads: [Int]) throws {
    guard size >= 1, stride >= 1 else {
        throw LRPError.invalidArgument("pooling: size and stride must be >= 1 (got \(size), \(stride))")
    }
    guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 < size }) else {
        throw LRPError.invalidArgument("pooling: pads \(pads) must be four values from 0 to \(size - 1) (below the window size)")
    }
}

/// " pad T,L,B,R" for a padded pooling layer's description, "" without padding.
func padText(_ pads: [Int]) -> String {
    pads.allSatisfy { $0 == 0 } ? "" : " pad \(pads.map(String.init).joined(separator: ","))"
}
