import XCTest
@testable import LRPKit

final class BatchingTests: XCTestCase {
    func testBatchedExplanationEqualsOneShot() throws {
        let net = try LayerTests.smallNetwork(bias: true)
        let x = LayerTests.random([23, 14, 14, 1], seed: 21)
        let t = try Tensor.oneHot((0..<23).map { $0 % 5 }, classes: 5)
        let y = try net.forward(x)
        let whole = try net.relprop(y * t, input: x, rules: .deepTaylor)
        for batchSize in [1, 4, 23, 100] {
            let batched = try net.explain(x, targets: t, rules: .deepTaylor, batchSize: batchSize)
            assertClose(batched, whole, "batch size \(batchSize)")
        }
        assertClose(try net.forward(x, batchSize: 5), y)
        let s = try net.sensitivity(x, targets: t, batchSize: 7)
        assertClose(s, try net.gradprop(t, input: x).raised(to: 2))
    }

    func testPredictionsAreArgmaxOfOutputs() throws {
        let net = try LayerTests.smallNetwork(bias: true)
        let x = LayerTests.random([9, 14, 14, 1], seed: 22)
        let expected = try net.forward(x).argmax(axis: 1).scalars.map { Int($0) }
        XCTAssertEqual(try net.predictions(x, batchSize: 2), expected)
        XCTAssertThrowsError(try net.explain(x, targets: Tensor.oneHot([1], classes: 5), rules: .deepTaylor))
    }

    func testSlicesAreEvenAndCoverEverySampleOnce() {
        func sizes(_ count: Int, _ batch: Int, _ threads: Int) -> [Int] {
            let slices = Batching.evenSlices(count: count, batchSize: batch, threads: threads)
            XCTAssertEqual(slices.first?.lowerBound, 0)
            XCTAssertEqual(slices.last?.upperBound, count)
            for (a, b) in zip(slices, slices.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            return slices.map(\.count)
        }
        XCTAssertEqual(sizes(100, 64, 2), [50, 50])        // not 64 + 36
        XCTAssertEqual(sizes(10, 64, 2), [10])
        XCTAssertEqual(sizes(3, 1, 2), [1, 1, 1])
        XCTAssertEqual(sizes(2000, 64, 2), Array(repeating: 63, count: 16) + Array(repeating: 62, count: 16))
        XCTAssertEqual(sizes(7, 2, 4), [2, 2, 2, 1])
        XCTAssertEqual(sizes(5, 1, 1), [1, 1, 1, 1, 1])
    }
}
