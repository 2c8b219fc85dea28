import XCTest
@testable import LRPKit

/// The fast rule engine against the recipes run as written (`Recipe.referenceRelprop`), for every
/// rule (`Rule.examples`, so a new rule is covered without touching this file) on every kind of
/// linear map, with and without the layer's forward output.
final class RecipeReferenceTests: XCTestCase {
    static var linearMapRules: [Rule] { Rule.examples.filter { $0.recipe != nil } }

    /// Signed inputs, except for rules written for non-negative activations.
    static func domain(of rule: Rule) -> ClosedRange<Float> {
        switch rule {
        case .zPlus, .alphaBeta: return 0...1
        default: return -1...1
        }
    }

    /// Checks `layer.relprop` against the reference for `rule` on `x`. The relevance is
    /// `u * Z * |Z| / (|Z| + 0.1)` (Z the reference's first stabilised denominator, u in [0, 1]) so
    /// rounding differences in Z near 0 are not amplified by the division.
    func check(_ layer: some LinearMap, _ rule: Rule, _ x: Tensor, seed: UInt64, _ what: String, nonZero: Bool = true,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let recipe = try XCTUnwrap(rule.recipe)
        var z: Tensor?
        let y = try layer.forward(x)
        _ = try recipe.referenceRelprop(Tensor(shape: y.shape, repeating: 0), input: x, layer: layer, firstDenominator: &z)
        let damped = z!.map { $0 * abs($0) / (abs($0) + 0.1) }
        let r = try damped * LayerTests.random(z!.shape, seed: seed, in: 0...1)
        var unused: Tensor?
        let expected = try recipe.referenceRelprop(r, input: x, layer: layer, firstDenominator: &unused)
        if nonZero { XCTAssertGreaterThan(expected.maximumMagnitude(), 0, "\(rule) on \(what)", file: file, line: line) }
        assertClose(try layer.relprop(r, input: x, rule: rule), expected, "\(rule) on \(what)", file: file, line: line)
        assertClose(try layer.relprop(r, input: x, output: y, rule: rule), expected, "\(rule) on \(what) given the output", file: file, line: line)
    }

    func testEveryRuleMatchesItsRecipeOnLinear() throws {
        XCTAssertEqual(Self.linearMapRules.count, Rule.examples.count - 2, "all but wta and identity are linear-map rules")
        for bias in [true, false] {
            let linear = try Linear(weight: LayerTests.random([12, 5], seed: 1),
                                    bias: bias ? LayerTests.random([5], seed: 2) : Tensor(shape: [5], repeating: 0))
            for (k, rule) in Self.linearMapRules.enumerated() {
                try check(linear, rule, LayerTests.random([4, 12], seed: 3 + UInt64(k), in: Self.domain(of: rule)), seed: 40, "linear bias \(bias)")
            }
        }
    }

    func testEveryRuleMatchesItsRecipeOnConvolutions() throws {
        for (index, spec) in FastPathTests.convolutions.enumerated() {
            let conv = try FastPathTests.convolution(spec, seed: 70 + UInt64(index))
            for rule in Self.linearMapRules {
                try check(conv, rule, LayerTests.random([2, 7, 9, spec.input], seed: 80 + UInt64(index), in: Self.domain(of: rule)),
                          seed: 90, "\(spec)")
            }
        }
    }

    func testEveryRuleMatchesItsRecipeOnPooling() throws {
        let pools: [any LinearMap] = [try SumPooling(size: 2, stride: 2, scale: 0.5), try SumPooling(size: 3, stride: 2, scale: -0.7),
                                      try AveragePooling(size: 2, stride: 1)]
        for pool in pools {
            for rule in Self.linearMapRules {
                // (z+ and alpha-beta's positive part see nothing through a negative scale.)
                try check(pool, rule, LayerTests.random([2, 6, 7, 3], seed: 100, in: 0.1...1), seed: 101, pool.description,
                          nonZero: pool.weight.scalars[0] > 0)
            }
        }
    }
}
