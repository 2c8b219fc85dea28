import CKernels
import Foundation

/// Which code computes a convolution of one input channel at stride 1 (a network's pixel layer).
/// `direct` (Sources/CKernels/ConvolutionPlanar.c) computes the NHWC output straight from the
/// image: for the tutorial CNN's 5x5 -> 10 layer about 4x the rate of im2col + sgemm, whose
/// product (25 deep, 10 wide) BLAS kernels run far below their peak. Tests compare both paths and
/// every vector width the CPU runs.
enum PlanarKernel: Equatable, Sendable {
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

    /// The kernel every convolution uses, and why: the CPU's widest, or `LRPS_CONV_KERNEL`
    /// (im2col, sse2, avx2, avx512), which benchmarks and the test matrix use to run the narrower
    /// widths (or the BLAS path) on a wide CPU, as `OPENBLAS_CORETYPE` does for BLAS.
    static let chosen: (kernel: PlanarKernel, reason: String) = {
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

    static var best: PlanarKernel { chosen.kernel }
}

/// What `lrps --version` and the benchmark report about LRPKit's own kernels.
public enum ConvolutionKernel {
    /// E.g. "pixel-layer convolution: direct, avx512 (the CPU's widest)".
    public static var report: String {
        switch PlanarKernel.chosen.kernel {
        case .direct(let level):
            return "pixel-layer convolution: direct, \(PlanarKernel.name(of: level)) (\(PlanarKernel.chosen.reason))"
        case .im2col:
            return "pixel-layer convolution: im2col + sgemm (\(PlanarKernel.chosen.reason))"
        }
    }
}

extension ConvolutionGeometry {
    /// The direct kernel handles one input channel at stride 1, with any padding.
    var isDirect: Bool { isPlanar && stride == 1 }

    /// The NHWC output of all images by the direct kernel, bias added and rectified as asked, in
    /// chunks of about `BLAS.operationsPerBlock` so a long call notices `Interruption` (it then
    /// stops early, leaving the output partly written: callers check and discard it). Returns
    /// false, with nothing written, if the kernel's scratch memory could not be allocated.
    func convolveDirectly(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputs: Int,
                          bias: UnsafePointer<Float>?, pads: [Int], padValue: Float, rectify: Bool,
                          level: Int32, into y: UnsafeMutablePointer<Float>) -> Bool {
        let perImage = Swift.max(1, 2 * rowsPerImage * outputs * kh * kw)
        let chunk = Swift.max(1, BLAS.operationsPerBlock / perImage)
        var first = 0
        while first < n {
            if first > 0, Interruption.isRequested { return true }
            let count = Swift.min(chunk, n - first)
            let status = pads.withUnsafeBufferPointer { pads in
                lrps_conv_planar(x + first * h * w, count, h, w, weight, kh, kw, outputs, bias,
                                 pads.baseAddress!, padValue, rectify ? 1 : 0, level,
                                 y + first * rowsPerImage * outputs)
            }
            if status != 0 { return false }
            first += count
        }
        return true
    }
}
