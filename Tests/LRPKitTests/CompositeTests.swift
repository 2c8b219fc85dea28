import Foundation
import XCTest
@testable import LRPKit

/// zennit's four composites against zennit itself (vectors by Tests/oracle/make_composites.py in
/// Fixtures/composites/) on the tutorial's MLP and CNN, within 1e-5 relative (max-norm).
final class CompositeTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/composites")

    func testCompositesMatchZennit() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("manifest.json"))
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let targets = try Tensor.oneHot(try XCTUnwrap(manifest["labels"] as? [Int]), classes: 10)
        let cases = try XCTUnwrap(manifest["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let net = try MethodsTests.network(try XCTUnwrap(c["net"] as? String))
            let composite = try XCTUnwrap(ZennitComposite(rawValue: try XCTUnwrap(c["composite"] as? String)))
            let x = try NumpyFile.read(Self.fixtures.appendingPathComponent(try XCTUnwrap(c["input"] as? String)).path)
            let expected = try NumpyFile.read(Self.fixtures.appendingPathComponent(try XCTUnwrap(c["expected"] as? String)).path)
            let r = try net.explain(x, targets: targets, rules: RuleSet(composite: composite))
            assertClose(r, expected, within: 1e-5, "\(c["net"]!) \(composite.rawValue)")
            if c["net"] as? String == "cnn", [.epsilonPlus, .epsilonAlpha2Beta1].contains(composite) {
                // The tutorial's z+ and alpha-beta do not reproduce zennit's on the CNN's signed
                // pixels (-1 padding). (Its Gamma only acts above the first layer, where inputs are
                // >= 0 and negative outputs carry no relevance, so there the two gammas agree;
                // ZennitOracleTests shows them apart on signed inputs.)
                let tutorial = try RuleSet(composite: composite).rules(for: net).map { rule -> Rule? in
                    switch rule {
                    case .zPlusSigned: return .zPlus
                    case .alphaBetaSigned(let a, let b): return .alphaBeta(alpha: a, beta: b)
                    case .gammaSigned(let g): return .gamma(g)
                    default: return rule
                    }
                }
                let other = try net.explain(x, targets: targets, rules: RuleSet(perLayer: tutorial))
                XCTAssertGreaterThan(relativeError(other, expected), 1e-3, "\(composite.rawValue) with the tutorial's rules")
            }
        }
    }

    func testCompositesAssignZennitsRulesByLayerKind() throws {
        let cnn = try MethodsTests.network("cnn")
        // conv, relu, sumpool, conv, relu, sumpool, conv, relu, sumpool, conv, flatten
        let gammaBox = try RuleSet(composite: .epsilonGammaBox).rules(for: cnn)
        XCTAssertEqual(gammaBox[0], .zB(low: -1, high: 1))
        XCTAssertEqual(gammaBox[3], .gammaSigned(0.25))
        XCTAssertEqual(gammaBox[2], .epsilon(1e-6))   // Norm on the pooling
        XCTAssertEqual(gammaBox[1], .identity)
        let mlp = try MethodsTests.network("mlp")
        // No convolution: EpsilonGammaBox has no first layer on the MLP, every dense layer is Epsilon.
        XCTAssertEqual(try RuleSet(composite: .epsilonGammaBox).rules(for: mlp).filter { $0 != .identity },
                       [Rule](repeating: .epsilon(1e-6), count: 3))
        XCTAssertEqual(try RuleSet(composite: .epsilonPlusFlat).rules(for: mlp)[0], .flat)
        XCTAssertEqual(try RuleSet(composite: .epsilonPlus).rules(for: cnn)[9], .zPlusSigned)  // the 1x1 conv is a convolution
    }
}
