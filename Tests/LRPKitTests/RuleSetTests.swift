import XCTest
@testable import LRPKit

/// Which rule each layer gets, and which rules LRPKit refuses, without the interpreter.
final class RuleSetTests: XCTestCase {
    /// conv, relu, sumpool, flatten, linear, relu: two weighted layers.
    let network = try! LayerTests.smallNetwork(bias: true)

    func testOnlyLinearAndConvolutionAreWeighted() throws {
        XCTAssertEqual(network.layers.map(\.isWeighted), [true, false, false, false, true, false])
        XCTAssertFalse(try AveragePooling(size: 2, stride: 2).isWeighted)
        XCTAssertFalse(try MaxPooling(size: 2, stride: 2).isWeighted)
    }

    func testWeightedListGoesToWeightedLayersAndTheLastRepeats() throws {
        XCTAssertEqual(try RuleSet(weighted: [.flat, .epsilon(0.25)]).rules(for: network),
                       [.flat, .identity, .zPlus, .identity, .epsilon(0.25), .identity])
        XCTAssertEqual(try RuleSet(weighted: [.lrp0]).rules(for: network),
                       [.lrp0, .identity, .zPlus, .identity, .lrp0, .identity])
        let deeper = Network(network.layers + [try Linear(weight: LayerTests.random([5, 3], seed: 20), bias: Tensor([0, 0, 0]))])
        XCTAssertEqual(try RuleSet(weighted: [.flat, .gamma(0.5)]).rules(for: deeper).filter { $0 != .identity && $0 != .zPlus },
                       [.flat, .gamma(0.5), .gamma(0.5)])
        XCTAssertEqual(try RuleSet.deepTaylor.rules(for: network), [.zB(low: -1, high: 1), .identity, .zPlus, .identity, .zPlus, .identity])
    }

    func testPerLayerOverridesAndCountsAreChecked() throws {
        XCTAssertEqual(try RuleSet(perLayer: [nil, nil, .flat]).rules(for: network),
                       [.zPlus, .identity, .flat, .identity, .zPlus, .identity])
        XCTAssertThrowsError(try RuleSet(weighted: [.flat, .lrp0, .zPlus]).rules(for: network)) { error in
            XCTAssertEqual("\(error)", "3 rules given but the network has 2 weighted layers")
        }
        XCTAssertThrowsError(try RuleSet(perLayer: Array(repeating: nil, count: 7)).rules(for: network))
        // A preset's unused rules are fine: deep Taylor on a one-layer network is z^B alone.
        let one = Network([try Linear(weight: LayerTests.random([4, 2], seed: 21), bias: Tensor([0, 0]))])
        XCTAssertEqual(try RuleSet.deepTaylor.rules(for: one), [.zB(low: -1, high: 1)])
    }

    func testRuleParametersAreValidatedWithTypedErrors() throws {
        let bad: [(Rule, String, Int?)] = [
            (.zB(low: 1, high: -1), "zB", nil), (.zB(low: 0, high: 0), "zB", nil), (.zB(low: -.infinity, high: 1), "zB", 0),
            (.epsilon(-0.1), "epsilon", 0), (.epsilon(.nan), "epsilon", 0), (.gamma(-1), "gamma", 0),
            (.alphaBeta(alpha: -1, beta: 0), "alphabeta", 0), (.alphaBeta(alpha: 2, beta: -1), "alphabeta", 1),
        ]
        for (rule, name, parameter) in bad {
            XCTAssertThrowsError(try rule.validate(), "\(rule)") { error in
                guard case LRPError.invalidRule(let r, let p, _) = error else { return XCTFail("\(rule): \(error)") }
                XCTAssertEqual(r, name)
                XCTAssertEqual(p, parameter, "\(rule)")
            }
        }
        for rule: Rule in [.lrp0, .epsilon(0), .gamma(0.25), .zPlus, .zB(low: -1, high: 1), .alphaBeta(alpha: 1, beta: 0), .wSquare, .flat] {
            XCTAssertNoThrow(try rule.validate(), "\(rule)")
        }
        // Every way in checks: a layer's relprop and a rule set.
        let linear = try Linear(weight: LayerTests.random([4, 2], seed: 22), bias: Tensor([0, 0]))
        let x = LayerTests.random([1, 4], seed: 23)
        XCTAssertThrowsError(try linear.relprop(linear.forward(x), input: x, rule: .zB(low: 1, high: -1))) { error in
            XCTAssertEqual("\(error)", "zB: the low bound 1 must be below the high bound -1")
        }
        XCTAssertThrowsError(try RuleSet(weighted: [.epsilon(-1)]).rules(for: network))
    }

    /// A network passes each layer its forward output: the same relevance as without it.
    func testNetworkRelpropMatchesLayerByLayerWithoutOutputs() throws {
        let x = LayerTests.random([2, 14, 14, 1], seed: 24)
        let activations = try network.activations(x)
        let rules = try RuleSet.deepTaylor.rules(for: network)
        var r = activations.last!
        for i in network.layers.indices.reversed() { r = try network.layers[i].relprop(r, input: activations[i], rule: rules[i]) }
        assertClose(try network.relprop(activations.last!, activations: activations, rules: .deepTaylor), r)
    }
}
