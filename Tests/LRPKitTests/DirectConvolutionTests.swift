import XCTest
@testable import LRPKit

/// The direct kernel for one input channel at stride 1 (`PlanarKernel.direct`, CKernels) against
/// a naive double-precision loop and against the im2col + BLAS path, at every vector width this
/// CPU runs: odd sizes, padding that differs per side (and a pad value that is not 0), 1 to 30
/// output channels (one group of channels or several), with and without bias and ReLU.
final class DirectConvolutionTests: XCTestCase {
    struct Case {
        var images, height, width, kernelHeight, kernelWidth, outputs: Int
        var pads: [Int]
        var padValue: Float
    }

    static let cases: [Case] = [
        Case(images: 1, height: 32, width: 32, kernelHeight: 5, kernelWidth: 5, outputs: 10, pads: [0, 0, 0, 0], padValue: 0),
        Case(images: 3, height: 28, width: 28, kernelHeight: 5, kernelWidth: 5, outputs: 10, pads: [2, 2, 2, 2], padValue: -1),
        Case(images: 2, height: 9, width: 13, kernelHeight: 3, kernelWidth: 4, outputs: 7, pads: [1, 0, 2, 3], padValue: 0.5),
        Case(images: 1, height: 7, width: 5, kernelHeight: 7, kernelWidth: 1, outputs: 1, pads: [0, 2, 0, 1], padValue: 0),
        Case(images: 4, height: 6, width: 41, kernelHeight: 2, kernelWidth: 3, outputs: 13, pads: [0, 0, 1, 0], padValue: -0.25),
        Case(images: 2, height: 11, width: 37, kernelHeight: 3, kernelWidth: 3, outputs: 30, pads: [1, 1, 1, 1], padValue: 0),
        Case(images: 1, height: 3, width: 2, kernelHeight: 4, kernelWidth: 4, outputs: 12, pads: [1, 2, 0, 1], padValue: 2),
        Case(images: 3, height: 17, width: 16, kernelHeight: 1, kernelWidth: 2, outputs: 25, pads: [0, 0, 0, 0], padValue: 0),
    ]

    /// Every level up to the CPU's: a level the CPU lacks would silently run a lower one.
    static var levels: [Int32] { Array(0...PlanarKernel.cpuLevel) }

    func testDirectKernelMatchesNaiveLoopsAndIm2col() throws {
        for (index, spec) in Self.cases.enumerated() {
            let seed = UInt64(index) * 10
            let weight = LayerTests.random([spec.kernelHeight, spec.kernelWidth, 1, spec.outputs], seed: seed)
            let bias = LayerTests.random([spec.outputs], seed: seed + 1)
            let layer = try Convolution(weight: weight, bias: bias, pads: spec.pads, padValue: spec.padValue)
            let x = LayerTests.random([spec.images, spec.height, spec.width, 1], seed: seed + 2)
            XCTAssertTrue(ConvolutionGeometry(layer, x.shape).isDirect, "case \(index)")
            for withBias in [true, false] {
                for rectifying in [false, true] {
                    let b = withBias ? bias : nil
                    let expected = Self.naive(x, spec, weight: weight, bias: b, rectifying: rectifying)
                    let im2col = try layer.apply(x, weight: weight, bias: b, rectifying: rectifying, planar: .im2col)
                    assertClose(im2col, expected, within: 1e-5, "im2col, case \(index)")
                    for level in Self.levels {
                        let direct = try layer.apply(x, weight: weight, bias: b, rectifying: rectifying,
                                                     planar: .direct(level: level))
                        let what = "\(PlanarKernel.name(of: level)), case \(index), bias \(withBias), ReLU \(rectifying)"
                        assertClose(direct, expected, within: 1e-5, what)
                        assertClose(direct, im2col, within: 1e-5, what)
                    }
                }
            }
        }
    }

    func testForwardAndRectifiedForwardUseTheLayersBiasAndReLU() throws {
        // The public entry points (forward, a network's fused conv + ReLU) against the naive loop.
        let spec = Self.cases[1]
        let weight = LayerTests.random([5, 5, 1, 10], seed: 3)
        let bias = LayerTests.random([10], seed: 4)
        let layer = try Convolution(weight: weight, bias: bias, pads: spec.pads, padValue: spec.padValue)
        let x = LayerTests.random([spec.images, spec.height, spec.width, 1], seed: 5)
        assertClose(try layer.forward(x), Self.naive(x, spec, weight: weight, bias: bias, rectifying: false), within: 1e-5)
        let fused = try Network([layer, ReLU()]).forward(x)
        let expected = Self.naive(x, spec, weight: weight, bias: bias, rectifying: true)
        assertClose(fused, expected, within: 1e-5)
        XCTAssertGreaterThan(expected.scalars.filter { $0 == 0 }.count, 1000, "ReLU zeroes about half of the outputs")
    }

    func testReLUKeepsNaNAndInfinitiesAsSwiftsMax() throws {
        // max(v, 0) as ReLU computes it: NaN stays NaN, +inf stays, -inf becomes 0.
        // 1x1 with a column of padding on the right (unpadded 1x1 kernels take the pointwise path).
        let weight = try Tensor(shape: [1, 1, 1, 2], scalars: [1, -1])
        let layer = try Convolution(weight: weight, bias: Tensor([0, 0]), pads: [0, 0, 0, 1])
        let x = try Tensor(shape: [1, 1, 3, 1], scalars: [.nan, .infinity, -2])
        XCTAssertTrue(ConvolutionGeometry(layer, x.shape).isDirect)
        for level in Self.levels {
            let y = try layer.apply(x, weight: weight, bias: layer.bias, rectifying: true, planar: .direct(level: level))
            let name = PlanarKernel.name(of: level)
            XCTAssertTrue(y.scalars[0].isNaN && y.scalars[1].isNaN, "\(name): \(y.scalars)")
            XCTAssertEqual(Array(y.scalars[2...]), [.infinity, 0, 0, 2, 0, 0], name)
        }
    }

    /// Cross-correlation of the padded images in Double, then the bias and ReLU.
    static func naive(_ x: Tensor, _ spec: Case, weight: Tensor, bias: Tensor?, rectifying: Bool) -> Tensor {
        let (n, h, w, o) = (spec.images, spec.height, spec.width, spec.outputs)
        let (kh, kw, pads) = (spec.kernelHeight, spec.kernelWidth, spec.pads)
        let oh = h + pads[0] + pads[2] - kh + 1, ow = w + pads[1] + pads[3] - kw + 1
        var out = [Float](repeating: 0, count: n * oh * ow * o)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for c in 0..<o {
            var sum = Double(bias?.scalars[c] ?? 0)
            for ky in 0..<kh { for kx in 0..<kw {
                let (iy, ix) = (oy + ky - pads[0], ox + kx - pads[1])
                let v = iy >= 0 && iy < h && ix >= 0 && ix < w ? x.scalars[(b * h + iy) * w + ix] : spec.padValue
                sum += Double(v) * Double(weight.scalars[(ky * kw + kx) * o + c])
            } }
            out[((b * oh + oy) * ow + ox) * o + c] = rectifying ? Float(max(sum, 0)) : Float(sum)
        } } } }
        return try! Tensor(shape: [n, oh, ow, o], scalars: out)
    }
}
