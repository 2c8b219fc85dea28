import Foundation
import XCTest
@testable import Interpreter

/// `save VALUE "x.json"` read back by Foundation's JSON parser.
final class SaveJSONTests: XCTestCase {
    func testAScriptsMetricsReadBackAsJSON() throws {
        let scratch = NSTemporaryDirectory() + "lrps-json-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let script = """
            P = tensor([1, 2, 3, 3])
            L = tensor([1, 2, 0, 3])
            wrong = P != L
            save record(errors=sum(wrong), accuracy=mean(P == L), wrong=wrong, where=nonzero(wrong), \\
                        name="toy", rows=[tensor([[0.5, 1], [2, 3]]), "x"]) "results/metrics.json"
            """
        try Session(host: RecordingHost(), workingDirectory: scratch).run(script, file: "json.lrps")
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch + "/results/metrics.json"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["errors"] as? Int, 1)
        XCTAssertEqual(try XCTUnwrap(object["accuracy"] as? Double), 0.75, accuracy: 1e-12)
        XCTAssertEqual(object["wrong"] as? [Bool], [false, false, true, false])
        XCTAssertEqual(object["where"] as? [Int], [2])
        XCTAssertEqual(object["name"] as? String, "toy")
        let rows = try XCTUnwrap(object["rows"] as? [Any])
        XCTAssertEqual(rows[0] as? [[Double]], [[0.5, 1], [2, 3]])
        XCTAssertEqual(rows[1] as? String, "x")
        // Keys in the order written.
        let text = String(decoding: data, as: UTF8.self)
        let order = ["errors", "accuracy", "wrong", "where", "name", "rows"].map { text.range(of: "\"\($0)\"")!.lowerBound }
        XCTAssertEqual(order, order.sorted())
    }
}
