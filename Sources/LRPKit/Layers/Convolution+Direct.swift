import CKernels
import Foundation

/// Which code computes a stride-1 convolution that `ConvolutionGeometry.runsDirectly` accepts.
/// `direct` (Sources/CKernels: ConvolutionDirect.c for one input channel, ConvolutionChannels.c for
/// several) computes the NHWC output straight from a padded copy of the image, without im2col: for
/// the tutorial CNN's pixel layer (1 -> 10 channels, 5x5) about 3x the rate of im2col + sgemm,
/// whose product (25 deep, 10 wide) BLAS kernels run far below their peak, for its second layer
/// about 2x (docs/performance.md). Tests compare both paths at every vector width the CPU
/// runs.
enum ConvolutionPath: Equatable, Sendable {
    /// The direct kernel at a vector-width level (`LRPS_LEVEL_*`, lowered to what the CPU runs).
    case direct(level: Int32)
    case im2col

    /// The widest level this CPU runs.
    static let cpuLevel = lrps_cpu_level()

    static let levelNames: [(name: String, level: Int32)] = [
        ("sse2", Int32(LRPS_LEVEL_SSE2)), ("avx2", Int32(LRPS_LEVEL_AVX2)), ("avx512", Int32(LRPS_LEVEL_AVX512)),
    ]

    static func name(of level: Int32) -> String {
        levelNames.first { $0.level == level }?.name ?? "level \(level)"
    }

    /// The path every convolution takes, and why: the CPU's widest direct kernel, or
    /// `LRPS_CONV_KERNEL` (im2col, sse2, avx2, avx512), which benchmarks and the test matrix use to
    /// run the narrower widths (or the BLAS path) on a wide CPU, as `OPENBLAS_CORETYPE` does for BLAS.
    static let chosen: (path: ConvolutionPath, reason: String) = {
        guard let asked = ProcessInfo.processInfo.environment["LRPS_CONV_KERNEL"] else {
            return (.direct(level: cpuLevel), "the CPU's widest")
        }
        if asked == "im2col" { return (.im2col, "LRPS_CONV_KERNEL=\(asked)") }
        guard let level = levelNames.first(where: { $0.name == asked })?.level else {
            return (.direct(level: cpuLevel), "LRPS_CONV_KERNEL=\(asked) is not one of im2col, sse2, avx2, avx512: the CPU's widest")
        }
        guard level <= cpuLevel else {
            return (.direct(level: cpuLevel), "LRPS_CONV_KERNEL=\(asked) is wider than the CPU runs: its widest")
        }
        return (.direct(level: level), "LRPS_CONV_KERNEL=\(asked)")
    }()

    static var best: ConvolutionPath { chosen.path }
}

/// What `lrps --info` and the benchmark report about LRPKit's own convolution kernel.
public enum ConvolutionKernel {
    /// E.g. "direct convolution: avx512 (the CPU's widest)".
    public static var report: String {
        switch ConvolutionPath.chosen.path {
        case .direct(let level):
            return "direct convolution: \(ConvolutionPath.name(of: level)) (\(ConvolutionPath.chosen.reason))"
        case .im2col:
            return "direct convolution: off, im2col + sgemm everywhere (\(ConvolutionPath.chosen.reason))"
        }
    }
}

extension ConvolutionGeometry {
    /// Whether the direct kernel at `level` computes this convolution (else im2col + sgemm):
    /// stride 1 and not an unpadded 1x1 kernel (whose input already is the column matrix), and
    /// either one input channel (a pixel layer: faster at every width) or, with AVX-512, at most
    /// 64 output channels (ConvolutionChannels.c): the CNN's second layer (10 -> 25 channels, 5x5,
    /// 10 x 10 outputs) runs about 2x faster there, while with AVX2 a direct kernel for that layer
    /// was no faster than BLAS's Haswell kernels, and wide products (its third layer, 100
    /// outputs) are what BLAS kernels do best (measurements in docs/performance.md).
    func runsDirectly(outputs: Int, at level: Int32) -> Bool {
        guard stride == 1, !isPointwise else { return false }
        if c == 1 { return true }
        return level >= Int32(LRPS_LEVEL_AVX512) && outputs <= 64
    }

    /// The NHWC output of all images by the direct kernel, bias added and rectified as asked, in
    /// chunks of about `BLAS.operationsPerBlock` so a long call notices `Interruption` (it then
    /// stops early, leaving the output partly written: callers check and discard it). Returns
    /// false, with nothing written, if the kernel's scratch memory could not be allocated.
    func convolveDirectly(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputs: Int,
                          bias: UnsafePointer<Float>?, pads: [Int], padValue: Float, rectify: Bool,
                          level: Int32, into y: UnsafeMutablePointer<Float>) -> Bool {
        let perImage = Swift.max(1, 2 * rowsPerImage * outputs * patch)
        let chunk = Swift.max(1, BLAS.operationsPerBlock / perImage)
        var first = 0
        while first < n {
            if first > 0, Interruption.isRequested { return true }
            let count = Swift.min(chunk, n - first)
            let status = pads.withUnsafeBufferPointer { pads in
                let (input, output, relu) = (x + first * h * w * c, y + first * rowsPerImage * outputs, Int32(rectify ? 1 : 0))
                return c == 1
                    ? lrps_conv_direct(input, count, h, w, weight, kh, kw, outputs, bias, pads.baseAddress!, padValue, relu, level, output)
                    : lrps_conv_nhwc(input, count, h, w, c, weight, kh, kw, outputs, bias, pads.baseAddress!, padValue, relu, level, output)
            }
            if status != 0 { return false }
            first += count
        }
        return true
    }
}
