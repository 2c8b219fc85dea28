import XCTest
@testable import LRPKit

final class TensorTests: XCTestCase {
    func testBroadcastingFollowsNumpy() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let row = Tensor([10, 20, 30])
        XCTAssertEqual(try (a + row).scalars, [11, 22, 33, 14, 25, 36])
        let column = try Tensor(shape: [2, 1], scalars: [1, -1])
        XCTAssertEqual(try (a * column).scalars, [1, 2, 3, -4, -5, -6])
        XCTAssertThrowsError(try a + Tensor([1, 2])) { error in
            XCTAssertTrue("\(error)".contains("2x3") && "\("\(error)")".contains("2"), "\(error)")
        }
    }

    func testSlicingMatchesPythonSemantics() throws {
        let x = try Tensor(shape: [2, 4, 4, 1], scalars: (0..<32).map(Float.init))
        let inner = try x.sliced([.all, .range(start: 1, end: -1, step: 1), .range(start: 1, end: -1, step: 1)])
        XCTAssertEqual(inner.shape, [2, 2, 2, 1])
        XCTAssertEqual(inner.scalars, [5, 6, 9, 10, 21, 22, 25, 26])
        XCTAssertEqual(try x.sliced([.index(-1)]).shape, [4, 4, 1])
        XCTAssertEqual(try x.sliced([.index(0), .range(start: nil, end: nil, step: -1)]).scalars.prefix(4), [12, 13, 14, 15])
        XCTAssertThrowsError(try x.sliced([.index(2)]))
    }

    func testPaddingAndReductions() throws {
        let x = try Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4])
        let p = try x.paddedSpatially(1, value: -1)
        XCTAssertEqual(p.shape, [1, 4, 4, 1])
        XCTAssertEqual(p.sum(), 10 - 12)
        let m = try Tensor(shape: [2, 3], scalars: [1, 5, 2, 7, 0, 7])
        XCTAssertEqual(try m.argmax(axis: 1).scalars, [1, 0])
        XCTAssertEqual(try m.sum(axis: 0).scalars, [8, 5, 9])
        XCTAssertEqual(try m.max(axis: -1, keepingDimension: true).shape, [2, 1])
    }

    func testMatmulAgreesWithNaiveProduct() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(try a.matmul(b).scalars, [58, 64, 139, 154])
        XCTAssertEqual(try a.matmul(a, transposingOther: true).scalars, [14, 32, 32, 77])
        XCTAssertThrowsError(try a.matmul(a))
    }

    func testAbsurdShapesAreRejected() {
        XCTAssertThrowsError(try Tensor.zeros([1 << 20, 1 << 20, 1 << 20]))
        XCTAssertThrowsError(try Tensor.zeros([-1, 3]))
    }
}
