import XCTest
@testable import LRPKit

/// scripts/test.sh runs the numeric tests again under OPENBLAS_CORETYPE=Prescott, Haswell and
/// SkylakeX, with LRPS_KERNEL naming the kernel. This checks the kernel actually in use, so that a
/// library quietly falling back to another one cannot pass the matrix unnoticed.
final class KernelMatrixTests: XCTestCase {
    func testTheKernelInUseIsTheOneAskedFor() throws {
        guard let wanted = ProcessInfo.processInfo.environment["LRPS_KERNEL"] else {
            throw XCTSkip("LRPS_KERNEL not set: not a kernel-matrix run")
        }
        // A product first: kernels are chosen before the first one (BLASKernel.prepare).
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        XCTAssertEqual(try a.matmul(a).scalars, [7, 10, 15, 22])
        XCTAssertEqual(BLASKernel.corename.lowercased(), wanted.lowercased(),
                       "OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "-") but OpenBLAS uses \(BLASKernel.corename)")
    }
}
