import XCTest
@testable import LRPKit

/// Network-level behaviour shared by every layer: how errors name layers, whole-set passes.
final class NetworkTests: XCTestCase {
    func testALayerIsNamedOnceInItsErrors() throws {
        let net = try LayerTests.smallNetwork(bias: true)
        XCTAssertThrowsError(try net.forward(Tensor(shape: [2, 5, 5, 2], repeating: 0))) { error in
            XCTAssertEqual("\(error)", "layer 1 (conv 3x3x1x4): expects N x H x W x 1 input with H, W >= the kernel, got 2x5x5x2")
        }
        let linear = Network([try Linear(weight: LayerTests.random([4, 2], seed: 1), bias: Tensor([0, 0]))])
        XCTAssertThrowsError(try linear.forward(Tensor(shape: [2, 3], repeating: 0))) { error in
            XCTAssertEqual("\(error)", "layer 1 (linear 4->2): expects N x 4 input, got 2x3")
        }
    }

    func testSensitivityIsTheSquaredGradientOfTheTargets() throws {
        let net = try LayerTests.smallNetwork(bias: true)
        let x = LayerTests.random([5, 14, 14, 1], seed: 3)
        let t = try Tensor.oneHot([0, 1, 2, 3, 4], classes: 5)
        let g = try net.gradients(x, targets: t, batchSize: 2)
        assertClose(g, try net.gradprop(t, input: x))
        assertClose(try net.sensitivity(x, targets: t, batchSize: 3), try g * g)
    }
}
