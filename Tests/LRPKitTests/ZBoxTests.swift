import XCTest
@testable import LRPKit

/// z^B with a box per channel (`Rule.zBox`, zennit's `ZBox` with tensors): against zennit on the
/// residual CNN with normalised inputs, against the recipe run as written on every kind of linear
/// map, and its errors.
final class ZBoxTests: XCTestCase {
    /// torchvision's ImageNet normalisation, as in Tests/oracle/onnx/make_zbox_fixture.py.
    static let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]

    func fixture(_ name: String) -> String { "\(ONNXTests.folder)/\(name)" }

    /// The oracle's composite with ZBox((0 - mean) / std, (1 - mean) / std) on the first convolution.
    func testPerChannelZBoxMatchesZennit() throws {
        let x = ONNXTests.channelsLast(try NumpyFile.read(fixture("rescnn-zbox-x.npy")))
        let expected = ONNXTests.channelsLast(try NumpyFile.read(fixture("rescnn-zbox-r.npy")))
        let box = try Rule.zBox(normalisedFrom: Self.mean, std: Self.std)
        for exporter in ONNXTests.exporters {
            let (network, _, _) = try ONNXModel.read(fixture("rescnn-\(exporter).onnx"))
            var rules = ONNXTests.zennitRules(network)
            let first = try XCTUnwrap(network.layers.firstIndex { $0.isWeighted })
            XCTAssertEqual(rules.perLayer[first], .zB(low: -1, high: 1))
            rules.perLayer[first] = box
            let y = try network.forward(x)
            let t = try Network.oneHotOfArgmax(y)
            let r = try network.relprop(y * t, input: x, rules: rules)
            assertClose(r, expected, within: 1e-5, "rescnn-\(exporter) with per-channel zB")
            // The box matters: the scalar box [-1, 1] gives other relevance (inputs reach 2.6).
            rules.perLayer[first] = .zB(low: -1, high: 1)
            XCTAssertGreaterThan(relativeError(try network.relprop(y * t, input: x, rules: rules), expected), 1e-2)
        }
    }

    func testNormalisedBoxIsZeroAndOneThroughTheNormalisation() throws {
        guard case .zBox(let low, let high) = try Rule.zBox(normalisedFrom: [0.5, 0.25], std: [0.5, 0.125]) else {
            return XCTFail("not a per-channel box")
        }
        XCTAssertEqual(low, [-1, -2])
        XCTAssertEqual(high, [1, 6])
        XCTAssertEqual(Rule.zBox(low: [-1, -2], high: [1, 6]).description, "zB([-1, -2], [1, 6])")
    }

    /// The fast engine (per-channel constant terms: one backward run each) against the recipe run
    /// as written, with channel counts above one, with and without the layer's output.
    func testPerChannelBoxMatchesItsRecipeOnEveryLinearMap() throws {
        func check(_ layer: some LinearMap, _ x: Tensor, _ what: String) throws {
            let c = x.shape.last!
            let rule = Rule.zBox(low: (0..<c).map { -1 - Float($0) * 0.25 }, high: (0..<c).map { 0.5 + Float($0) * 0.5 })
            let y = try layer.forward(x)
            let r = try y * LayerTests.random(y.shape, seed: 5, in: 0...1)
            let expected = try layer.referenceRelprop(r, input: x, rule: rule)
            XCTAssertGreaterThan(expected.maximumMagnitude(), 0, what)
            assertClose(try layer.relprop(r, input: x, rule: rule), expected, what)
            assertClose(try layer.relprop(r, input: x, output: y, rule: rule), expected, "\(what) given the output")
            // Per channel differs from the first channel's box everywhere (the test can fail).
            let scalar = try layer.relprop(r, input: x, rule: .zB(low: -1, high: 0.5))
            XCTAssertGreaterThan(relativeError(scalar, expected), 1e-3, what)
        }
        try check(try Linear(weight: LayerTests.random([12, 5], seed: 1), bias: LayerTests.random([5], seed: 2)),
                  LayerTests.random([4, 12], seed: 3), "linear")
        for (index, spec) in FastPathTests.convolutions.enumerated() where spec.input > 1 {
            let conv = try FastPathTests.convolution(spec, seed: 70 + UInt64(index))
            try check(conv, LayerTests.random([2, 7, 9, spec.input], seed: 80 + UInt64(index)), "\(spec)")
        }
        try check(try AveragePooling(size: 2, stride: 1), LayerTests.random([2, 6, 7, 3], seed: 100), "avgpool")
    }

    /// One value per channel for every channel equals the scalar box.
    func testEqualChannelsAreTheScalarBox() throws {
        let conv = try FastPathTests.convolution((3, 3, 4, 1, 1, 0), seed: 9)
        let x = LayerTests.random([2, 6, 6, 3], seed: 10)
        let r = try conv.forward(x).map(abs)
        assertClose(try conv.relprop(r, input: x, rule: .zBox(low: [-1, -1, -1], high: [2, 2, 2])),
                    try conv.relprop(r, input: x, rule: .zB(low: -1, high: 2)), within: 1e-6)
    }

    func testBadBoxesAreErrors() throws {
        let linear = try Linear(weight: LayerTests.random([4, 2], seed: 1), bias: Tensor([0, 0]))
        let x = LayerTests.random([1, 4], seed: 2)
        XCTAssertThrowsError(try linear.relprop(Tensor(shape: [1, 2], repeating: 1), input: x, rule: .zBox(low: [-1, -1, -1], high: [1, 1, 1]))) {
            XCTAssertTrue("\($0)".contains("bounds for 3 channels do not fit an input of shape 1x4"), "\($0)")
        }
        for (rule, phrase) in [(Rule.zBox(low: [-1, 2], high: [1, 1]), "channel 1: the low bound 2 must be below the high bound 1"),
                               (.zBox(low: [-1], high: [1, 2]), "got 1 and 2 values"),
                               (.zBox(low: [], high: []), "got 0 and 0 values"),
                               (.zBox(low: [-.infinity], high: [1]), "must be finite")] {
            XCTAssertThrowsError(try rule.validate()) { XCTAssertTrue("\($0)".contains(phrase), "\($0)") }
        }
        XCTAssertThrowsError(try Rule.zBox(normalisedFrom: [0.5], std: [0])) { XCTAssertTrue("\($0)".contains("std must be positive"), "\($0)") }
        XCTAssertThrowsError(try Rule.zBox(normalisedFrom: [0.5, 0.5], std: [1])) { XCTAssertTrue("\($0)".contains("one value per channel"), "\($0)") }
    }
}
