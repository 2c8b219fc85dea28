import XCTest
@testable import LRPKit

/// The BLAS kernel choice (issue 16): the CPU's vector features map to OpenBLAS kernel sets, the
/// kernels in use are never narrower than the CPU allows, and an explicit OPENBLAS_CORETYPE wins.
final class BLASKernelTests: XCTestCase {
    func testFeaturesMapToKernelSets() {
        let avx512: Set = ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
        XCTAssertEqual(BLASKernel.wantedCore(cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLASKernel.wantedCore(cpuFlags: avx512.subtracting(["avx512bw"])), "Haswell")
        XCTAssertEqual(BLASKernel.wantedCore(cpuFlags: ["avx", "avx2", "fma"]), "Haswell")
        XCTAssertEqual(BLASKernel.wantedCore(cpuFlags: ["avx", "avx2"]), "SandyBridge")
        XCTAssertNil(BLASKernel.wantedCore(cpuFlags: ["sse3", "ssse3", "sse4_2"]))
        XCTAssertEqual(BLASKernel.level(ofCore: "Prescott"), 1)
        XCTAssertEqual(BLASKernel.level(ofCore: "SandyBridge"), 2)
        XCTAssertEqual(BLASKernel.level(ofCore: "Zen"), 3)
        XCTAssertEqual(BLASKernel.level(ofCore: "COOPERLAKE"), 4)
    }

    func testKernelsInUseMatchTheCPUUnlessForced() throws {
        let choice = BLASKernel.prepare()
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
            XCTAssertEqual(choice, .environment(forced))
            return
        }
        guard choice != .notApplicable else { throw XCTSkip("not a dynamic-architecture OpenBLAS") }
        let wanted = BLASKernel.wantedCore(cpuFlags: BLASKernel.cpuFlags()) ?? "Prescott"
        XCTAssertGreaterThanOrEqual(BLASKernel.level(ofCore: BLASKernel.corename), BLASKernel.level(ofCore: wanted),
                                    "kernels \(BLASKernel.corename) on a CPU that allows \(wanted)")
        // The product still computes the right thing after the switch.
        let a = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [2, 2], scalars: [1, 0, 0.5, -1])
        XCTAssertEqual(try a.matmul(b).scalars, [2, -2, 5, -4, 8, -6])
    }
}
