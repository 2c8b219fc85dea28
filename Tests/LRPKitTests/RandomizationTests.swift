import Foundation
import XCTest
@testable import LRPKit

/// The model randomisation check's parts against numpy / scipy (Tests/oracle/make_randomization.py,
/// values in Fixtures/randomization.json): Spearman with ties, SSIM, the seeded re-drawn weights.
final class RandomizationTests: XCTestCase {
    static func fixture() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/randomization.json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func testSpearmanAndSSIMMatchScipyAndSkimageDefinitions() throws {
        let f = try Self.fixture()
        let a = try XCTUnwrap(f["a"] as? [Double]).map(Float.init), b = try XCTUnwrap(f["b"] as? [Double]).map(Float.init)
        let (h, w) = (try XCTUnwrap(f["height"] as? Int), try XCTUnwrap(f["width"] as? Int))
        XCTAssertEqual(Similarity.spearman(a, b), try XCTUnwrap(f["spearman"] as? Double), accuracy: 1e-9)
        XCTAssertEqual(Similarity.ssim(a, b, height: h, width: w, range: 2), try XCTUnwrap(f["ssim_range2"] as? Double), accuracy: 1e-9)
        XCTAssertEqual(Similarity.ssim(a, b, height: h, width: w, range: 5), try XCTUnwrap(f["ssim_range5"] as? Double), accuracy: 1e-9)
        XCTAssertEqual(Similarity.spearman(a, a), 1, accuracy: 1e-12)
        XCTAssertEqual(Similarity.ssim(a, a, height: h, width: w, range: 2), 1, accuracy: 1e-12)
    }

    func testRandomizedWeightsAreNumpysSeededDraws() throws {
        let f = try Self.fixture()
        let seed = UInt32(try XCTUnwrap(f["seed"] as? Int))
        let net = try MethodsTests.network("mlp")
        let randomized = try Randomization.randomized(net, top: 2, seed: seed)
        // MLP layers: linear, relu, linear, relu, linear; from the top: layer 5 (l3), then layer 3 (l2).
        for (entry, index) in zip(try XCTUnwrap(f["mlp_layers_from_top"] as? [[String: Any]]), [4, 2]) {
            let layer = try XCTUnwrap(randomized.layers[index] as? Linear)
            let head = try XCTUnwrap(entry["weight_head"] as? [Double]).map(Float.init)
            XCTAssertEqual(Array(layer.weight.scalars.prefix(head.count)), head, "\(entry["name"]!)")
            XCTAssertEqual(layer.bias?.scalars, try XCTUnwrap(entry["bias"] as? [Double]).map(Float.init))
            XCTAssertEqual(layer.weight.scalars.reduce(0.0) { $0 + Double($1) }, try XCTUnwrap(entry["weight_sum"] as? Double), accuracy: 1e-3)
        }
        // The first layer is untouched.
        XCTAssertEqual((randomized.layers[0] as? Linear)?.weight, (net.layers[0] as? Linear)?.weight)
        XCTAssertThrowsError(try Randomization.randomized(net, top: 4, seed: 0))
    }

    func testLRPDeepTaylorStaysSimilarWhenTheTopIsRandomisedButGradientDoesNot() throws {
        // The known finding (Adebayo et al.; Sixt et al. 2020): z+ heatmaps change little when the top
        // layers are re-drawn, gradients change completely. Four tutorial digits on the CNN.
        let x = try MethodsTests.array("cnn-input.npy")
        let t = try Tensor.oneHot([2, 1, 0, 6], classes: 10)
        let net = try MethodsTests.network("cnn")
        let all = try Randomization.randomized(net, top: 4, seed: 1)
        let dt = try Similarity.mean(try net.explain(x, targets: t, rules: .deepTaylor), try all.explain(x, targets: t, rules: .deepTaylor))
        let g = try Similarity.mean(try net.attribute(x, targets: t, method: .gradient(absolute: false)),
                                    try all.attribute(x, targets: t, method: .gradient(absolute: false)))
        XCTAssertGreaterThan(dt.spearman, 0.5)
        XCTAssertLessThan(abs(g.spearman), 0.3)
    }
}
