import Foundation
import XCTest
@testable import LRPKit

/// The attribution methods against Captum (vectors by Tests/oracle/make_methods.py in
/// Fixtures/methods/) on the tutorial's MLP and CNN, within 1e-5 relative (max-norm).
final class MethodsTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/methods")

    static func network(_ name: String) throws -> Network {
        try NetworkLoader.load(path: TutorialTests.path("models/tutorial/\(name)")).network
    }

    static func array(_ file: String) throws -> Tensor {
        try NumpyFile.read(fixtures.appendingPathComponent(file).path)
    }

    static func method(_ c: [String: Any]) throws -> AttributionMethod {
        func number(_ key: String) -> Double { (c[key] as? NSNumber)?.doubleValue ?? .nan }
        switch c["method"] as? String {
        case "gradient": return .gradient(absolute: c["abs"] as? Bool ?? false)
        case "gradxinput": return .gradientTimesInput
        case "integrated":
            let baseline: Baseline = try (c["baseline"] as? String).map { .tensor(try array($0)) } ?? .value(Float(number("baseline")))
            return .integratedGradients(baseline: baseline, steps: Int(number("steps")))
        case "smoothgrad":
            return .smoothGrad(base: c["of"] as? String == "gradxinput" ? .gradientTimesInput : .gradient,
                               sigma: number("sigma"), samples: Int(number("samples")), seed: UInt32(number("seed")))
        case "occlusion":
            return .occlusion(window: Int(number("window")), stride: Int(number("stride")), baseline: Float(number("baseline")))
        default: throw LRPError.invalidArgument("unknown case \(c)")
        }
    }

    func testMethodsMatchCaptum() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("manifest.json"))
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let labels = try XCTUnwrap(manifest["labels"] as? [Int])
        let targets = try Tensor.oneHot(labels, classes: 10)
        let cases = try XCTUnwrap(manifest["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 22)
        let nets = ["mlp": try Self.network("mlp"), "cnn": try Self.network("cnn")]
        var seen = Set<String>()
        for c in cases {
            let net = try XCTUnwrap(nets[c["net"] as? String ?? ""])
            let method = try Self.method(c)
            let x = try Self.array(try XCTUnwrap(c["input"] as? String))
            let expected = try Self.array(try XCTUnwrap(c["expected"] as? String))
            // Slices of 3 make the 4 digits two slices, so the noise's per-sample seeding is exercised.
            let a = try net.attribute(x, targets: targets, method: method, batchSize: 3)
            assertClose(a, expected, within: 1e-5, "\(c["net"]!) \(method)")
            XCTAssertGreaterThan(expected.maximumMagnitude(), 1e-3, "a case of all zeros proves nothing")
            seen.insert(c["method"] as? String ?? "")
        }
        XCTAssertEqual(seen, ["gradient", "gradxinput", "integrated", "smoothgrad", "occlusion"])
    }

    func testGaussLegendreMatchesNumpy() {
        // numpy.polynomial.legendre.leggauss(3), mapped to [0, 1] as Captum does.
        let (nodes, weights) = GaussLegendre.rule(3)
        let expectedNodes = [0.1127016653792583, 0.5, 0.8872983346207417]
        let expectedWeights = [0.2777777777777778, 0.4444444444444444, 0.2777777777777778]
        for (a, b) in zip(nodes, expectedNodes) { XCTAssertEqual(a, b, accuracy: 1e-14) }
        for (a, b) in zip(weights, expectedWeights) { XCTAssertEqual(a, b, accuracy: 1e-14) }
        for n in [1, 2, 7, 32, 50, 200] {
            let (x, w) = GaussLegendre.rule(n)
            XCTAssertEqual(w.reduce(0, +), 1, accuracy: 1e-12, "weights of \(n)")
            XCTAssertEqual(x, x.sorted(), "nodes of \(n) ascend")
            // Exact for polynomials up to degree 2n - 1: integral of t^(2n-1) on [0, 1] is 1/(2n).
            let integral = zip(x, w).map { pow($0, Double(2 * n - 1)) * $1 }.reduce(0, +)
            XCTAssertEqual(integral, 1 / Double(2 * n), accuracy: 1e-12, "degree \(2 * n - 1) with \(n) points")
        }
    }

    func testBadParametersNameTheParameter() throws {
        let net = try Self.network("mlp")
        let x = try Tensor.zeros([2, 28, 28, 1]), t = try Tensor.oneHot([1, 2], classes: 10)
        func parameter(_ m: AttributionMethod) -> String? {
            do { _ = try net.attribute(x, targets: t, method: m); return nil } catch let e as ParameterError { return e.parameter } catch { return "other: \(error)" }
        }
        XCTAssertEqual(parameter(.integratedGradients(baseline: .value(0), steps: 0)), "steps")
        XCTAssertEqual(parameter(.integratedGradients(baseline: .tensor(try Tensor.zeros([3, 3])), steps: 4)), "baseline")
        XCTAssertEqual(parameter(.smoothGrad(base: .gradient, sigma: -0.1, samples: 2, seed: 0)), "sigma")
        XCTAssertEqual(parameter(.smoothGrad(base: .gradient, sigma: 0.1, samples: 0, seed: 0)), "samples")
        XCTAssertEqual(parameter(.occlusion(window: 29, stride: 2, baseline: 0)), "window")
        XCTAssertEqual(parameter(.occlusion(window: 4, stride: 5, baseline: 0)), "stride")
        XCTAssertNil(parameter(.integratedGradients(baseline: .tensor(try Tensor.zeros([28, 28, 1])), steps: 2)))
    }
}
