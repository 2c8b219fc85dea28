import XCTest
@testable import LRPKit

/// Properties that hold for any correct implementation: gradients agree with finite differences,
/// and conservative rules conserve.
final class LayerTests: XCTestCase {
    /// A deterministic pseudo-random tensor (a linear congruential generator; tests need no quality).
    static func random(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        let count = shape.reduce(1, *)
        let values = (0..<count).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let unit = Float(state >> 40) / Float(1 << 24)
            return range.lowerBound + unit * (range.upperBound - range.lowerBound)
        }
        return try! Tensor(shape: shape, scalars: values)
    }

    /// Checks `gradprop` against central differences of `sum(forward(x) * dy)`.
    func assertGradientMatchesFiniteDifferences(_ layer: any Layer, inputShape: [Int], file: StaticString = #filePath, line: UInt = #line) throws {
        let x = Self.random(inputShape, seed: 1)
        let y = try layer.forward(x)
        let dy = Self.random(y.shape, seed: 2)
        let analytic = try layer.gradprop(dy, input: x)
        XCTAssertEqual(analytic.shape, x.shape, file: file, line: line)
        let h: Float = 1e-2
        // Stay clear of the kinks of ReLU and max pooling, where the derivative is one-sided.
        for i in stride(from: 0, to: x.count, by: max(1, x.count / 40)) where abs(x.scalars[i]) > 0.05 {
            var plus = x, minus = x
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let fPlus = try (layer.forward(plus) * dy).sum()
            let fMinus = try (layer.forward(minus) * dy).sum()
            let numeric = (fPlus - fMinus) / (2 * h)
            XCTAssertEqual(analytic.scalars[i], numeric, accuracy: 2e-2 * max(1, abs(numeric)),
                           "\(layer) at \(i)", file: file, line: line)
        }
    }

    func testGradpropMatchesFiniteDifferences() throws {
        try assertGradientMatchesFiniteDifferences(
            Linear(weight: Self.random([12, 5], seed: 3), bias: Self.random([5], seed: 4)), inputShape: [3, 12])
        try assertGradientMatchesFiniteDifferences(
            Convolution(weight: Self.random([3, 3, 2, 4], seed: 5), bias: Self.random([4], seed: 6)), inputShape: [2, 7, 6, 2])
        try assertGradientMatchesFiniteDifferences(
            Convolution(weight: Self.random([3, 2, 2, 3], seed: 7), bias: Self.random([3], seed: 8),
                        stride: 2, padding: 1, padValue: -1), inputShape: [2, 7, 6, 2])
        try assertGradientMatchesFiniteDifferences(SumPooling(size: 2, stride: 2, scale: 0.5), inputShape: [2, 6, 6, 3])
        try assertGradientMatchesFiniteDifferences(AveragePooling(size: 3, stride: 1), inputShape: [1, 5, 5, 2])
        try assertGradientMatchesFiniteDifferences(MaxPooling(size: 2, stride: 2), inputShape: [2, 4, 4, 2])
        try assertGradientMatchesFiniteDifferences(ReLU(), inputShape: [4, 9])
    }

    /// A small bias-free net: convolution, pooling, linear.
    static func smallNetwork(bias: Bool) throws -> Network {
        Network([
            try Convolution(weight: Self.random([3, 3, 1, 4], seed: 11),
                            bias: bias ? Self.random([4], seed: 12) : Tensor(shape: [4], repeating: 0)),
            ReLU(),
            try SumPooling(size: 2, stride: 2, scale: 0.5),
            Flatten(),
            try Linear(weight: Self.random([144, 5], seed: 13),
                       bias: bias ? Self.random([5], seed: 14) : Tensor(shape: [5], repeating: 0)),
            ReLU(),
        ])
    }

    func testLRP0ConservesRelevanceWithoutBias() throws {
        let net = try Self.smallNetwork(bias: false)
        let x = Self.random([3, 14, 14, 1], seed: 15)
        let y = try net.forward(x)
        let r = try net.relprop(y, input: x, rules: RuleSet(rest: .lrp0))
        for n in 0..<3 {
            let total = try r.sliced([.index(n)]).sum()
            let target = try y.sliced([.index(n)]).sum()
            XCTAssertEqual(total, target, accuracy: 1e-4 * max(1, abs(target)))
        }
    }

    func testDeepTaylorConservesRelevanceWithinTheBox() throws {
        let net = try Self.smallNetwork(bias: true)
        let x = Self.random([3, 14, 14, 1], seed: 16)
        let y = try net.forward(x)
        // Each sample explains its strongest output, which must be positive (else nothing to check).
        let classes = try y.argmax(axis: 1).scalars.map(Int.init)
        let t = try Tensor.oneHot(classes, classes: 5)
        let r = try net.relprop(y * t, input: x, rules: .deepTaylor)
        for n in 0..<3 {
            let target = try (y * t).sliced([.index(n)]).sum()
            XCTAssertGreaterThan(target, 0.01, "sample \(n) has no positive output to explain")
            // z^B and z+ hand on all of a neuron's relevance (the bias takes no share), ReLU and
            // sum pooling pass it through: the input holds exactly the explained output.
            XCTAssertEqual(try r.sliced([.index(n)]).sum(), target, accuracy: 1e-4 * target, "sample \(n)")
        }
    }

    func testRulesRefuseLayersTheyDoNotFit() throws {
        let x = Self.random([1, 4, 4, 1], seed: 17)
        XCTAssertThrowsError(try MaxPooling(size: 2, stride: 2).relprop(
            Tensor(shape: [1, 2, 2, 1], repeating: 1), input: x, rule: .zPlus))
        XCTAssertThrowsError(try ReLU().relprop(x, input: x, rule: .flat))
        let net = try Self.smallNetwork(bias: false)
        XCTAssertThrowsError(try net.relprop(Tensor(shape: [1, 4], repeating: 1), input: Self.random([1, 14, 14, 1], seed: 1), rules: .deepTaylor)) { error in
            XCTAssertTrue("\(error)".contains("1x4") && "\(error)".contains("1x5"), "\(error)")
        }
        XCTAssertThrowsError(try net.forward(Self.random([1, 14, 14, 2], seed: 1))) { error in
            XCTAssertTrue("\(error)".contains("layer 1") && "\(error)".contains("1x14x14x2"), "\(error)")
        }
    }
}
