/// A 2-D convolution (cross-correlation, no kernel flip) over NHWC input with weights
/// `kh x kw x in x out`, a stride, and optional padding with a constant value (the same on every
/// side, or per side: ONNX's asymmetric pads, e.g. torch's `padding='same'` with an even kernel).
///
/// Computed as im2col + one matrix product: the columns' order (ky, kx, c) matches the weight's C
/// order, so the weight is used as a `(kh*kw*in) x out` matrix without copying. Small stride-1
/// layers (a pixel layer above all) are computed by a direct kernel instead (`ConvolutionPath`).
public struct Convolution: LinearMap {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    /// Padding rows and columns per side: top, left, bottom, right.
    public let pads: [Int]
    public let padValue: Float

    /// The padding when it is the same on every side (else the top padding; see `pads`).
    public var padding: Int { pads[0] }
    public var isSymmetricallyPadded: Bool { pads.allSatisfy { $0 == pads[0] } }

    public init(weight: Tensor, bias: Tensor, stride: Int = 1, padding: Int = 0, padValue: Float = 0) throws {
        try self.init(weight: weight, bias: bias, stride: stride, pads: [padding, padding, padding, padding], padValue: padValue)
    }

    /// `pads`: top, left, bottom, right.
    public init(weight: Tensor, bias: Tensor, stride: Int = 1, pads: [Int], padValue: Float = 0) throws {
        guard weight.rank == 4 else {
            throw LRPError.shapeMismatch(operation: "conv",
                "weight must be kh x kw x in x out, got \(describe(shape: weight.shape))")
        }
        guard bias.count == weight.shape[3] else {
            throw LRPError.shapeMismatch(operation: "conv",
                "bias of \(bias.count) values does not fit weight \(describe(shape: weight.shape))")
        }
        guard stride >= 1, pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else {
            throw LRPError.invalidArgument("conv: stride must be >= 1 and padding >= 0 (got \(stride), \(pads))")
        }
        self.weight = weight
        self.bias = try bias.reshaped([weight.shape[3]])
        self.stride = stride
        self.pads = pads
        self.padValue = padValue
    }

    public var kernelHeight: Int { weight.shape[0] }
    public var kernelWidth: Int { weight.shape[1] }
    public var inputChannels: Int { weight.shape[2] }
    public var outputChannels: Int { weight.shape[3] }
    public var kind: String { "conv" }
    public var isWeighted: Bool { true }
    public var description: String {
        var text = "conv \(describe(shape: weight.shape))"
        if stride != 1 { text += " stride \(stride)" }
        if !isSymmetricallyPadded {
            text += " pad \(pads.map(String.init).joined(separator: ",")) value \(formatNumber(padValue))"
        } else if padding != 0 {
            text += " pad \(padding) value \(formatNumber(padValue))"
        }
        return text
    }

    private func checkInput(_ shape: [Int]) throws {
        guard shape.count == 4, shape[3] == inputChannels,
              shape[1] + pads[0] + pads[2] >= kernelHeight, shape[2] + pads[1] + pads[3] >= kernelWidth else {
            throw LRPError.shapeMismatch(operation: description,
                "expects N x H x W x \(inputChannels) input with H, W >= the kernel, got \(describe(shape: shape))")
        }
    }

    /// im2col + one product; padding is written straight into the columns (no padded copy), the bias
    /// is added to each block of the product while in cache, and a 1x1 stride-1 kernel uses the input itself as the columns.
    public func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        try apply(input, weight: weight, bias: bias, rectifying: false)
    }

    /// `max(0, forward(input))`, rectified block by block while the block's output is in cache
    /// (a Network's forward pass fuses a following ReLU this way).
    func forwardRectified(_ input: Tensor) throws -> Tensor {
        try apply(input, weight: weight, bias: bias, rectifying: true)
    }

    /// `path`: the direct kernel where it applies, or im2col everywhere (tests choose; see `ConvolutionPath`).
    func apply(_ input: Tensor, weight: Tensor, bias: Tensor?, rectifying: Bool,
               path: ConvolutionPath = .best) throws -> Tensor {
        try checkInput(input.shape)
        let geometry = ConvolutionGeometry(self, input.shape)
        let (rows, patch, out) = (geometry.rows, geometry.patch, outputChannels)
        guard weight.count == patch * out else {
            throw LRPError.shapeMismatch(operation: description,
                "weight \(describe(shape: weight.shape)) does not fit \(patch) x \(out)")
        }
        let count = try Tensor.allocationCount(of: [rows, out])
        let result = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let c = buffer.baseAddress!
            // The bias is added (and the output rectified) block by block right after each
            // product, while the block is in cache: one pass instead of seeding and a ReLU pass.
            let perChannel = bias.flatMap { $0.count == out ? $0.scalars : nil }
            // Bias of an unusual shape is added after the product: rectify after that instead.
            let rectify = rectifying && (bias == nil || perChannel != nil)
            func finish(_ block: UnsafeMutablePointer<Float>, rows r: Int) {
                guard let perChannel else {
                    if rectify { rectifyInPlace(block, count: r * out) }
                    return
                }
                perChannel.withUnsafeBufferPointer { b in
                    let b = b.baseAddress!
                    for row in 0..<r {
                        let d = block + row * out
                        if rectify {
                            for j in 0..<out { d[j] = Swift.max(d[j] + b[j], 0) }
                        } else {
                            for j in 0..<out { d[j] += b[j] }
                        }
                    }
                }
            }
            weight.scalars.withUnsafeBufferPointer { w in
                input.scalars.withUnsafeBufferPointer { x in
                    if case .direct(let level) = path, geometry.runsDirectly(outputs: out, at: level) {
                        let done = (perChannel ?? []).withUnsafeBufferPointer { b in
                            geometry.convolveDirectly(x.baseAddress!, weight: w.baseAddress!, outputs: out,
                                                      bias: perChannel == nil ? nil : b.baseAddress, pads: pads,
                                                      padValue: padValue, rectify: rectify, level: level, into: c)
                        }
                        if done { return }  // else (no scratch memory) im2col below
                    }
                    if geometry.isPointwise {
                        BLAS.gemm(x.baseAddress!, w.baseAddress!, c, m: rows, n: out, k: patch)
                        finish(c, rows: rows)
                        return
                    }
                    if geometry.isPlanar {
                        geometry.forEachPlanarBlock { images, columns in
                            geometry.im2colPlanar(x.baseAddress!, images: images, into: columns, padValue: padValue)
                            let block = c + images.lowerBound * geometry.rowsPerImage * out
                            BLAS.gemm(columns, w.baseAddress!, block,
                                      m: images.count * geometry.rowsPerImage, n: out, k: patch,
                                      transposeA: true)
                            finish(block, rows: images.count * geometry.rowsPerImage)
                        }
                        return
                    }
                    // A few images at a time, so the columns stay in cache between im2col and the product.
                    let block = geometry.imagesPerBlock
                    let columns = UnsafeMutablePointer<Float>.allocate(capacity: block * geometry.rowsPerImage * patch)
                    defer { columns.deallocate() }
                    for first in Swift.stride(from: 0, to: geometry.n, by: block) {
                        let images = first..<Swift.min(first + block, geometry.n)
                        geometry.im2col(x.baseAddress!, images: images, into: columns, padValue: padValue)
                        let block = c + first * geometry.rowsPerImage * out
                        BLAS.gemm(columns, w.baseAddress!, block,
                                  m: images.count * geometry.rowsPerImage, n: out, k: patch)
                        finish(block, rows: images.count * geometry.rowsPerImage)
                    }
                }
            }
            initialized = count
        }
        try Interruption.check()  // an interrupted product is incomplete (see BLAS.gemm)
        var output = Tensor(unchecked: [geometry.n, geometry.oh, geometry.ow, out], scalars: result)
        if let bias, bias.count != out {  // unusual bias: broadcast as before
            output = try output + bias
            if rectifying { output = output.maximum(0) }
        }
        return output
    }

    /// One product to columns, then col2im, which drops the padding as it scatters.
    public func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor {
        try checkInput(inputShape)
        let geometry = ConvolutionGeometry(self, inputShape)
        let expected = [geometry.n, geometry.oh, geometry.ow, outputChannels]
        guard gradient.shape == expected else {
            throw LRPError.shapeMismatch(operation: description,
                "output gradient or relevance of shape \(describe(shape: gradient.shape)) does not fit input \(describe(shape: inputShape)) (expected \(describe(shape: expected)))")
        }
        let (rows, patch, out) = (geometry.rows, geometry.patch, outputChannels)
        guard weight.count == patch * out else {
            throw LRPError.shapeMismatch(operation: description,
                "weight \(describe(shape: weight.shape)) does not fit \(patch) x \(out)")
        }
        let count = try Tensor.allocationCount(of: inputShape)
        let result = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let dst = buffer.baseAddress!
            gradient.scalars.withUnsafeBufferPointer { g in
                weight.scalars.withUnsafeBufferPointer { w in
                    if geometry.isPointwise {
                        BLAS.gemm(g.baseAddress!, w.baseAddress!, dst, m: rows, n: patch, k: out, transposeB: true)
                        return
                    }
                    dst.update(repeating: 0, count: count)
                    if geometry.isPlanar {
                        geometry.forEachPlanarBlock { images, columns in
                            BLAS.gemm(w.baseAddress!, g.baseAddress! + images.lowerBound * geometry.rowsPerImage * out, columns,
                                      m: patch, n: images.count * geometry.rowsPerImage, k: out, transposeB: true)
                            geometry.col2imPlanar(columns, images: images, into: dst)
                        }
                        return
                    }
                    let block = geometry.imagesPerBlock
                    let columns = UnsafeMutablePointer<Float>.allocate(capacity: block * geometry.rowsPerImage * patch)
                    defer { columns.deallocate() }
                    for first in Swift.stride(from: 0, to: geometry.n, by: block) {
                        let images = first..<Swift.min(first + block, geometry.n)
                        BLAS.gemm(g.baseAddress! + first * geometry.rowsPerImage * out, w.baseAddress!, columns,
                                  m: images.count * geometry.rowsPerImage, n: patch, k: out, transposeB: true)
                        geometry.col2im(columns, images: images, into: dst)
                    }
                }
            }
            initialized = count
        }
        try Interruption.check()
        return Tensor(unchecked: inputShape, scalars: result)
    }
}

/// The index arithmetic of one convolution over one input shape (unpadded input; padding virtual).
struct ConvolutionGeometry {
    /// `padTop`, `padLeft`: where the first window starts; the bottom and right padding only
    /// add output rows and columns (reads beyond the input take the pad value).
    let n, h, w, c, kh, kw, stride, padTop, padLeft, oh, ow: Int
    let isPadded: Bool

    init(_ layer: Convolution, _ shape: [Int]) {
        (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        (kh, kw, stride) = (layer.kernelHeight, layer.kernelWidth, layer.stride)
        let pads = layer.pads
        (padTop, padLeft) = (pads[0], pads[1])
        isPadded = pads.contains { $0 != 0 }
        oh = (h + pads[0] + pads[2] - kh) / stride + 1
        ow = (w + pads[1] + pads[3] - kw) / stride + 1
    }

    var patch: Int { kh * kw * c }
    var rowsPerImage: Int { oh * ow }
    var rows: Int { n * oh * ow }
    /// Images per im2col block: about 256 KB of columns (at least one image), to stay in L2.
    var imagesPerBlock: Int { Swift.max(1, Swift.min(n, (64 * 1024) / Swift.max(1, rowsPerImage * patch))) }
    /// A 1x1 kernel at stride 1 without padding: the NHWC input already is the column matrix.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && !isPadded }

    /// One input channel (a pixel layer): columns are built transposed, one plane of output
    /// positions per kernel offset, so im2col and col2im move whole output rows instead of
    /// kernel rows of a few floats.
    var isPlanar: Bool { c == 1 && !isPointwise }

    /// Calls `body` with consecutive blocks of images and a scratch buffer for their planar columns.
    func forEachPlanarBlock(_ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let block = imagesPerBlock
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: block * rowsPerImage * patch)
        defer { columns.deallocate() }
        for first in Swift.stride(from: 0, to: n, by: block) {
            body(first..<Swift.min(first + block, n), columns)
        }
    }

    /// The transposed columns of `images` (c = 1): `patch x rows`, row k = kernel offset (ky, kx).
    func im2colPlanar(_ x: UnsafePointer<Float>, images: Range<Int>, into columns: UnsafeMutablePointer<Float>, padValue: Float) {
        let rows = images.count * rowsPerImage
        for k in 0..<(kh * kw) {
            let (ky, kx) = (k / kw, k % kw)
            let inside = stride == 1 && kx - padLeft >= 0 && ow - 1 + kx - padLeft < w
            var dst = columns + k * rows
            for b in images {
                let image = x + b * h * w
                for oy in 0..<oh {
                    let iy = oy * stride - padTop + ky
                    if iy < 0 || iy >= h {
                        dst.update(repeating: padValue, count: ow)
                    } else if inside {
                        copy(image + iy * w + kx - padLeft, to: dst, count: ow)
                    } else {
                        let row = image + iy * w
                        for ox in 0..<ow {
                            let ix = ox * stride - padLeft + kx
                            dst[ox] = ix >= 0 && ix < w ? row[ix] : padValue
                        }
                    }
                    dst += ow
                }
            }
        }
    }

    /// The transpose of `im2colPlanar`: adds each plane back onto the input, dropping the padding.
    func col2imPlanar(_ columns: UnsafePointer<Float>, images: Range<Int>, into x: UnsafeMutablePointer<Float>) {
        let rows = images.count * rowsPerImage
        for k in 0..<(kh * kw) {
            let (ky, kx) = (k / kw, k % kw)
            let inside = stride == 1 && kx - padLeft >= 0 && ow - 1 + kx - padLeft < w
            var src = columns + k * rows
            for b in images {
                let image = x + b * h * w
                for oy in 0..<oh {
                    let iy = oy * stride - padTop + ky
                    if iy >= 0 && iy < h {
                        if inside {
                            add(src, to: image + iy * w + kx - padLeft, count: ow)
                        } else {
                            let row = image + iy * w
                            for ox in 0..<ow {
                                let ix = ox * stride - padLeft + kx
                                if ix >= 0 && ix < w { row[ix] += src[ox] }
                            }
                        }
                    }
                    src += ow
                }
            }
        }
    }

    /// Columns of `images` in (ky, kx, c) order, one row per output position; outside the input reads `padValue`.
    func im2col(_ x: UnsafePointer<Float>, images: Range<Int>, into columns: UnsafeMutablePointer<Float>, padValue: Float) {
        let run = kw * c
        var dst = columns
        for b in images {
            let image = x + b * h * w * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let x0 = ox * stride - padLeft
                    for ky in 0..<kh {
                        let iy = oy * stride - padTop + ky
                        if iy < 0 || iy >= h {
                            dst.update(repeating: padValue, count: run)
                        } else if x0 >= 0 && x0 + kw <= w {
                            copy(image + (iy * w + x0) * c, to: dst, count: run)
                        } else {
                            for kx in 0..<kw {
                                let ix = x0 + kx
                                if ix < 0 || ix >= w {
                                    (dst + kx * c).update(repeating: padValue, count: c)
                                } else {
                                    copy(image + (iy * w + ix) * c, to: dst + kx * c, count: c)
                                }
                            }
                        }
                        dst += run
                    }
                }
            }
        }
    }

    /// Adds each column row of `images` back onto the input positions it was read from; padding is dropped.
    func col2im(_ columns: UnsafePointer<Float>, images: Range<Int>, into x: UnsafeMutablePointer<Float>) {
        let run = kw * c
        var src = columns
        for b in images {
            let image = x + b * h * w * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let x0 = ox * stride - padLeft
                    for ky in 0..<kh {
                        let iy = oy * stride - padTop + ky
                        if iy >= 0 && iy < h {
                            if x0 >= 0 && x0 + kw <= w {
                                add(src, to: image + (iy * w + x0) * c, count: run)
                            } else {
                                for kx in 0..<kw where x0 + kx >= 0 && x0 + kx < w {
                                    add(src + kx * c, to: image + (iy * w + x0 + kx) * c, count: c)
                                }
                            }
                        }
                        src += run
                    }
                }
            }
        }
    }
}

/// `v = max(v, 0)`, as ReLU computes it.
func rectifyInPlace(_ v: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { v[i] = Swift.max(v[i], 0) }
}

/// Short runs (a kernel row is often 5-50 floats) copy faster in a loop than through memmove.
@inline(__always)
private func copy(_ from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>, count: Int) {
    if count < 128 {
        for k in 0..<count { to[k] = from[k] }
    } else {
        to.update(from: from, count: count)
    }
}

@inline(__always)
private func add(_ from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>, count: Int) {
    for k in 0..<count { to[k] += from[k] }
}
