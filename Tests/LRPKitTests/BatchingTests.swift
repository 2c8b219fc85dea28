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
}
