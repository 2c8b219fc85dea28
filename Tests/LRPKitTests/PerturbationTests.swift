import Foundation
import XCTest
@testable import LRPKit

/// Pixel flipping against the numpy implementation in Tests/oracle/make_pixelflip.py (vectors in
/// Fixtures/pixelflip/): the same curves (within 1e-5 relative) and AOPC, on the tutorial's nets.
final class PerturbationTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pixelflip")

    static func array(_ file: String) throws -> Tensor {
        try NumpyFile.read(fixtures.appendingPathComponent(file).path)
    }

    func testCurvesMatchNumpy() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("manifest.json"))
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let targets = try Tensor.oneHot(try XCTUnwrap(manifest["labels"] as? [Int]), classes: 10)
        let cases = try XCTUnwrap(manifest["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 6)
        let nets = ["mlp": try MethodsTests.network("mlp"), "cnn": try MethodsTests.network("cnn")]
        for c in cases {
            func number(_ key: String) -> Double? { (c[key] as? NSNumber)?.doubleValue }
            let net = try XCTUnwrap(nets[c["net"] as? String ?? ""])
            let x = try Self.array(try XCTUnwrap(c["input"] as? String))
            let replacement: Perturbation.Replacement = try number("low").map {
                .uniform(low: Float($0), high: Float(try XCTUnwrap(number("high"))), seed: UInt32(try XCTUnwrap(number("seed"))))
            } ?? .constant(Float(try XCTUnwrap(number("value"))))
            let settings = Perturbation(patch: Int(try XCTUnwrap(number("patch"))), steps: Int(try XCTUnwrap(number("steps"))),
                                        replacement: replacement)
            let order: Perturbation.Order = try number("random").map { .random(seed: UInt32($0)) }
                ?? .relevance(try Self.array(try XCTUnwrap(c["heatmap"] as? String)))
            let curves = try net.perturbationCurves(x, targets: targets, order: order, settings: settings)
            let expected = try Self.array(try XCTUnwrap(c["curves"] as? String))
            assertClose(curves, expected, within: 1e-5, "\(c)")
            let aopc = PerturbationSummary(curves: [PerturbationSummary.mean(of: curves)]).aopc[0]
            let expectedAOPC = Float(try XCTUnwrap(number("aopc")))
            XCTAssertEqual(aopc, expectedAOPC, accuracy: 1e-5 * max(1, abs(expectedAOPC)), "\(c)")
            // The scores really fall: the curve is not flat (a constant curve would prove nothing).
            XCTAssertGreaterThan(expected.maximumMagnitude(), 1)
        }
    }

    func testRelevanceOrderBeatsRandomOnTheCNN() throws {
        // Gradient x input of the CNN ranks pixels better than chance: higher AOPC than random.
        let x = try Self.array("cnn-input.npy"), r = try Self.array("cnn-heatmap.npy")
        let t = try Tensor.oneHot([2, 1, 0], classes: 10)
        let net = try MethodsTests.network("cnn")
        let settings = Perturbation(patch: 2, steps: 40, replacement: .constant(-1))
        let byRelevance = try net.perturbationCurves(x, targets: t, order: .relevance(r), settings: settings)
        let byChance = try net.perturbationCurves(x, targets: t, order: .random(seed: 1), settings: settings)
        let summary = PerturbationSummary(curves: [PerturbationSummary.mean(of: byRelevance), PerturbationSummary.mean(of: byChance)])
        XCTAssertGreaterThan(summary.aopc[0], summary.aopc[1])
    }

    func testBadSettingsNameTheParameter() throws {
        let net = try MethodsTests.network("mlp")
        let x = try Tensor.zeros([1, 28, 28, 1]), t = try Tensor.oneHot([3], classes: 10)
        func parameter(_ s: Perturbation, _ order: Perturbation.Order = .random(seed: 0)) -> String? {
            do { _ = try net.perturbationCurves(x, targets: t, order: order, settings: s); return nil }
            catch let e as ParameterError { return e.parameter } catch { return "other: \(error)" }
        }
        XCTAssertEqual(parameter(Perturbation(patch: 0, steps: 1, replacement: .constant(0))), "patch")
        XCTAssertEqual(parameter(Perturbation(patch: 29, steps: 1, replacement: .constant(0))), "patch")
        XCTAssertEqual(parameter(Perturbation(patch: 4, steps: 50, replacement: .constant(0))), "steps")  // 49 patches
        XCTAssertEqual(parameter(Perturbation(patch: 1, steps: 0, replacement: .constant(0))), "steps")
        XCTAssertEqual(parameter(Perturbation(patch: 1, steps: 3, replacement: .uniform(low: 1, high: 1, seed: 0))), "low")
        XCTAssertEqual(parameter(Perturbation(patch: 1, steps: 3, replacement: .constant(0)), .relevance(try Tensor.zeros([1, 5]))), "explanations")
        XCTAssertNil(parameter(Perturbation(patch: 4, steps: 49, replacement: .constant(0))))
    }
}
