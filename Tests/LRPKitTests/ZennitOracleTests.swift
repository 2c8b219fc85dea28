import Foundation
import XCTest
@testable import LRPKit

/// Rules taken from zennit (zplussigned, alphabetasigned, gammasigned) against zennit itself: vectors written by Tests/oracle/make_zennit_vectors.py
/// (zennit in float64 on float32 inputs), compared within 1e-4 of the largest value.
final class ZennitOracleTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/oracle/zennit").path

    func array(_ name: Any?) throws -> Tensor {
        try NumpyFile.read("\(Self.folder)/\(try XCTUnwrap(name as? String))")
    }

    func testSignedRulesMatchZennitsZPlusAlphaBetaAndGamma() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.folder)/manifest.json"))
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try XCTUnwrap(manifest["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 9)
        // zennit's rule -> LRPKit's, and the tutorial's rule of the same name, which must differ.
        let rules: [String: (Rule, tutorial: Rule)] = [
            "zplussigned": (.zPlusSigned, .zPlus),
            "alphabetasigned(2, 1)": (.alphaBetaSigned(alpha: 2, beta: 1), .alphaBeta(alpha: 2, beta: 1)),
            "gammasigned(0.25)": (.gammaSigned(0.25), .gamma(0.25)),
        ]
        var seen = Set<String>()
        for entry in cases {
            let name = entry["name"] as? String ?? "?"
            let ruleName = try XCTUnwrap((entry["rule"] as? [String: Any])?["name"] as? String)
            let (rule, tutorial) = try XCTUnwrap(rules[ruleName], "\(name): unknown rule \(ruleName)")
            XCTAssertEqual(rule.description, ruleName)
            seen.insert(ruleName)
            let spec = try XCTUnwrap(entry["layer"] as? [String: Any])
            let layer: any LinearMap
            if spec["kind"] as? String == "linear" {
                layer = try Linear(weight: array(spec["weight"]), bias: array(spec["bias"]))
            } else {
                layer = try Convolution(weight: array(spec["weight"]), bias: array(spec["bias"]),
                                        stride: try XCTUnwrap(spec["stride"] as? Int), padding: try XCTUnwrap(spec["padding"] as? Int))
            }
            let x = try array(entry["input"]), r = try array(entry["relevance"])
            XCTAssertLessThan(x.scalars.min()!, 0, "\(name): the inputs must have both signs")
            let expected = try array(entry["relprop"])
            assertClose(try layer.relprop(r, input: x, rule: rule), expected, within: 1e-4, name)
            assertClose(try layer.relprop(r, input: x, output: layer.forward(x), rule: rule), expected, within: 1e-4, "\(name) given the output")
            // Not the tutorial's rule of the same name, which assumes inputs >= 0.
            XCTAssertGreaterThan(relativeError(try layer.relprop(r, input: x, rule: tutorial), expected), 1e-2, name)
        }
        XCTAssertEqual(seen, Set(rules.keys))
    }
}
