import XCTest
@testable import LRPKit

/// The direct convolution kernel (CKernels, `ConvolutionPath.direct`) against a naive
/// double-precision loop and against the im2col + BLAS path, at every vector width this CPU runs:
/// odd sizes, padding that differs per side (and pad values that are not 0), 1 to 64 output
/// channels (one group of channels or several), 1 to 33 input channels, with and without bias and
/// ReLU; and which layers take it.
final class DirectConvolutionTests: XCTestCase {
    struct Case {
        var images, height, width, kernelHeight, kernelWidth, inputs, outputs: Int
        var pads: [Int]
        var padValue: Float
        var inputShape: [Int] { [images, height, width, inputs] }
    }

    static let cases: [Case] = [
        // The tutorial CNN's first two layers (on padded digits).
        Case(images: 1, height: 32, width: 32, kernelHeight: 5, kernelWidth: 5, inputs: 1, outputs: 10, pads: [0, 0, 0, 0], padValue: 0),
        Case(images: 2, height: 14, width: 14, kernelHeight: 5, kernelWidth: 5, inputs: 10, outputs: 25, pads: [0, 0, 0, 0], padValue: 0),
        Case(images: 3, height: 28, width: 28, kernelHeight: 5, kernelWidth: 5, inputs: 1, outputs: 10, pads: [2, 2, 2, 2], padValue: -1),
        Case(images: 2, height: 9, width: 13, kernelHeight: 3, kernelWidth: 4, inputs: 1, outputs: 7, pads: [1, 0, 2, 3], padValue: 0.5),
        Case(images: 1, height: 7, width: 5, kernelHeight: 7, kernelWidth: 1, inputs: 1, outputs: 1, pads: [0, 2, 0, 1], padValue: 0),
        Case(images: 4, height: 6, width: 41, kernelHeight: 2, kernelWidth: 3, inputs: 1, outputs: 13, pads: [0, 0, 1, 0], padValue: -0.25),
        Case(images: 2, height: 11, width: 37, kernelHeight: 3, kernelWidth: 3, inputs: 1, outputs: 30, pads: [1, 1, 1, 1], padValue: 0),
        Case(images: 1, height: 3, width: 2, kernelHeight: 4, kernelWidth: 4, inputs: 1, outputs: 12, pads: [1, 2, 0, 1], padValue: 2),
        Case(images: 3, height: 17, width: 16, kernelHeight: 1, kernelWidth: 2, inputs: 1, outputs: 25, pads: [0, 0, 0, 0], padValue: 0),
        Case(images: 2, height: 8, width: 11, kernelHeight: 3, kernelWidth: 2, inputs: 3, outputs: 5, pads: [2, 1, 0, 1], padValue: -1),
        Case(images: 1, height: 5, width: 19, kernelHeight: 2, kernelWidth: 2, inputs: 2, outputs: 17, pads: [0, 0, 1, 1], padValue: 0.5),
        // Several blocks of output channels and of pixels per row (ConvolutionChannels.c).
        Case(images: 1, height: 6, width: 31, kernelHeight: 2, kernelWidth: 3, inputs: 33, outputs: 40, pads: [2, 2, 2, 2], padValue: 0.5),
        Case(images: 2, height: 5, width: 5, kernelHeight: 4, kernelWidth: 4, inputs: 25, outputs: 64, pads: [0, 0, 0, 0], padValue: 0),
        Case(images: 1, height: 3, width: 2, kernelHeight: 3, kernelWidth: 2, inputs: 2, outputs: 1, pads: [1, 0, 0, 1], padValue: 2),
    ]

    /// Every level up to the CPU's: a level the CPU lacks would silently run a lower one.
    static var levels: [Int32] { Array(0...ConvolutionPath.cpuLevel) }

    func testDirectKernelMatchesNaiveLoopsAndIm2col() throws {
        for (index, spec) in Self.cases.enumerated() {
            let seed = UInt64(index) * 10
            let weight = LayerTests.random([spec.kernelHeight, spec.kernelWidth, spec.inputs, spec.outputs], seed: seed)
            let bias = LayerTests.random([spec.outputs], seed: seed + 1)
            let layer = try Convolution(weight: weight, bias: bias, pads: spec.pads, padValue: spec.padValue)
            let x = LayerTests.random(spec.inputShape, seed: seed + 2)
            for withBias in [true, false] {
                for rectifying in [false, true] {
                    let b = withBias ? bias : nil
                    let expected = Self.naive(x, spec, weight: weight, bias: b, rectifying: rectifying)
                    let im2col = try layer.apply(x, weight: weight, bias: b, rectifying: rectifying, path: .im2col)
                    assertClose(im2col, expected, within: 1e-5, "im2col, case \(index)")
                    for level in Self.levels {
                        let direct = Self.direct(layer, x, weight: weight, bias: b, rectifying: rectifying, level: level)
                        let what = "\(ConvolutionPath.name(of: level)), case \(index), bias \(withBias), ReLU \(rectifying)"
                        assertClose(direct, expected, within: 1e-5, what)
                        assertClose(direct, im2col, within: 1e-5, what)
                    }
                }
            }
        }
    }

    func testWhichLayersRunDirectly() throws {
        func runs(_ spec: Case, stride: Int = 1, at level: Int32) throws -> Bool {
            let weight = try Tensor(shape: [spec.kernelHeight, spec.kernelWidth, spec.inputs, spec.outputs], repeating: 1)
            let layer = try Convolution(weight: weight, bias: try Tensor(shape: [spec.outputs], repeating: 0), stride: stride, pads: spec.pads)
            return ConvolutionGeometry(layer, spec.inputShape).runsDirectly(outputs: spec.outputs, at: level)
        }
        let (sse2, avx2, avx512) = (Int32(0), Int32(1), Int32(2))
        // Pixel layers at every width; stride 2 and unpadded 1x1 kernels never.
        for spec in Self.cases where spec.inputs == 1 {
            for level in [sse2, avx2, avx512] { XCTAssertTrue(try runs(spec, at: level), "\(spec)") }
            XCTAssertFalse(try runs(spec, stride: 2, at: avx512))
        }
        XCTAssertFalse(try runs(Case(images: 1, height: 4, width: 4, kernelHeight: 1, kernelWidth: 1, inputs: 1, outputs: 3,
                                     pads: [0, 0, 0, 0], padValue: 0), at: avx512))
        // Several input channels only with AVX-512 and at most 64 outputs (the CNN's second layer,
        // wide rows, deep products); wider layers (its third, 100 outputs) stay with BLAS.
        let second = Self.cases[1]
        XCTAssertTrue(try runs(second, at: avx512))
        XCTAssertFalse(try runs(second, at: avx2))
        var wide = second
        wide.width = 30
        wide.inputs = 40
        XCTAssertTrue(try runs(wide, at: avx512))
        wide.outputs = 64
        XCTAssertTrue(try runs(wide, at: avx512))
        wide.outputs = 65
        XCTAssertFalse(try runs(wide, at: avx512))
    }

    func testForwardAndRectifiedForwardMatchTheNaiveLoop() throws {
        // The public entry points (forward, a network's fused conv + ReLU), whichever path they take.
        for spec in [Self.cases[1], Self.cases[2]] {
            let weight = LayerTests.random([5, 5, spec.inputs, spec.outputs], seed: 3)
            let bias = LayerTests.random([spec.outputs], seed: 4)
            let layer = try Convolution(weight: weight, bias: bias, pads: spec.pads, padValue: spec.padValue)
            let x = LayerTests.random(spec.inputShape, seed: 5)
            assertClose(try layer.forward(x), Self.naive(x, spec, weight: weight, bias: bias, rectifying: false), within: 1e-5)
            let expected = Self.naive(x, spec, weight: weight, bias: bias, rectifying: true)
            assertClose(try Network([layer, ReLU()]).forward(x), expected, within: 1e-5)
            XCTAssertGreaterThan(expected.scalars.filter { $0 == 0 }.count, expected.count / 4, "ReLU zeroes outputs")
        }
    }

    func testReLUKeepsNaNAndInfinitiesAsSwiftsMax() throws {
        // max(v, 0) as ReLU computes it: NaN stays NaN, +inf stays, -inf becomes 0.
        // One input channel (ConvolutionDirect.c), and two with a zero second channel (ConvolutionChannels.c).
        let one = try Tensor(shape: [1, 1, 1, 2], scalars: [1, -1])
        let two = try Tensor(shape: [1, 1, 2, 2], scalars: [1, -1, 0, 0])
        let pixels: [Float] = [.nan, .infinity, -2]
        for weight in [one, two] {
            let inputs = weight.shape[2]
            let layer = try Convolution(weight: weight, bias: Tensor([0, 0]), pads: [0, 0, 0, 1])
            let x = try Tensor(shape: [1, 1, 3, inputs], scalars: pixels.flatMap { [$0] + Array(repeating: 0, count: inputs - 1) })
            for level in Self.levels {
                let y = Self.direct(layer, x, weight: weight, bias: layer.bias, rectifying: true, level: level)
                let name = "\(ConvolutionPath.name(of: level)), \(inputs) input channels"
                XCTAssertTrue(y.scalars[0].isNaN && y.scalars[1].isNaN, "\(name): \(y.scalars)")
                XCTAssertEqual(Array(y.scalars[2...]), [.infinity, 0, 0, 2, 0, 0], name)
            }
        }
    }

    /// The direct kernel at `level` whatever `runsDirectly` would choose.
    static func direct(_ layer: Convolution, _ x: Tensor, weight: Tensor, bias: Tensor?, rectifying: Bool, level: Int32) -> Tensor {
        let geometry = ConvolutionGeometry(layer, x.shape)
        let out = layer.outputChannels
        let y = [Float](unsafeUninitializedCapacity: geometry.rows * out) { buffer, initialized in
            let done = x.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    (bias?.scalars ?? []).withUnsafeBufferPointer { b in
                        geometry.convolveDirectly(x.baseAddress!, weight: w.baseAddress!, outputs: out,
                                                  bias: bias == nil ? nil : b.baseAddress, pads: layer.pads,
                                                  padValue: layer.padValue, rectify: rectifying, level: level,
                                                  into: buffer.baseAddress!)
                    }
                }
            }
            precondition(done, "no scratch memory")
            initialized = geometry.rows * out
        }
        return try! Tensor(shape: [geometry.n, geometry.oh, geometry.ow, out], scalars: y)
    }

    /// Cross-correlation of the padded images in Double, then the bias and ReLU.
    static func naive(_ x: Tensor, _ spec: Case, weight: Tensor, bias: Tensor?, rectifying: Bool) -> Tensor {
        let (n, h, w, ci, o) = (spec.images, spec.height, spec.width, spec.inputs, spec.outputs)
        let (kh, kw, pads) = (spec.kernelHeight, spec.kernelWidth, spec.pads)
        let oh = h + pads[0] + pads[2] - kh + 1, ow = w + pads[1] + pads[3] - kw + 1
        var out = [Float](repeating: 0, count: n * oh * ow * o)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for c in 0..<o {
            var sum = Double(bias?.scalars[c] ?? 0)
            for ky in 0..<kh { for kx in 0..<kw { for p in 0..<ci {
                let (iy, ix) = (oy + ky - pads[0], ox + kx - pads[1])
                let v = iy >= 0 && iy < h && ix >= 0 && ix < w ? x.scalars[((b * h + iy) * w + ix) * ci + p] : spec.padValue
                sum += Double(v) * Double(weight.scalars[((ky * kw + kx) * ci + p) * o + c])
            } } }
            out[((b * oh + oy) * ow + ox) * o + c] = rectifying ? Float(max(sum, 0)) : Float(sum)
        } } } }
        return try! Tensor(shape: [n, oh, ow, o], scalars: out)
    }
}
