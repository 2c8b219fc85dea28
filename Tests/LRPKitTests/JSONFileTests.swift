import Foundation
import XCTest
@testable import LRPKit

/// JSON text read back by Foundation's parser (an independent reader).
final class JSONFileTests: XCTestCase {
    func parse(_ value: JSONFile.Value) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(JSONFile.text(value).utf8), options: [.fragmentsAllowed])
    }

    func testValuesRoundTripThroughAJSONParser() throws {
        let t = try Tensor(shape: [2, 2], scalars: [0.1, 2, -3.5, 1e-7])
        let value = JSONFile.Value.object([
            (key: "errors", value: .number(76)), (key: "accuracy", value: .number(0.9924)),
            (key: "name", value: .string("say \"hi\"\n\t\\ \u{1}")), (key: "ok", value: .bool(true)),
            (key: "t", value: try JSONFile.value(of: t)), (key: "none", value: .array([])), (key: "nan", value: .number(.nan)),
        ])
        let parsed = try XCTUnwrap(try parse(value) as? [String: Any])
        XCTAssertEqual(parsed["errors"] as? Int, 76)
        XCTAssertEqual(parsed["accuracy"] as? Double, 0.9924)
        XCTAssertEqual(parsed["name"] as? String, "say \"hi\"\n\t\\ \u{1}")
        XCTAssertEqual(parsed["ok"] as? Bool, true)
        let rows = try XCTUnwrap(parsed["t"] as? [[Double]])
        // float32 values written in their shortest form read back to the same float32
        XCTAssertEqual(rows.flatMap { $0 }.map(Float.init), t.scalars)
        XCTAssertTrue(parsed["nan"] is NSNull)
        XCTAssertEqual((parsed["none"] as? [Any])?.count, 0)
        // Keys stay in the order given.
        let text = JSONFile.text(value)
        XCTAssertLessThan(text.range(of: "errors")!.lowerBound, text.range(of: "accuracy")!.lowerBound)
    }

    func testTooLargeTensorsAreRefusedWithAHint() throws {
        let big = try Tensor.zeros([JSONFile.maximumTensorValues + 1])
        XCTAssertThrowsError(try JSONFile.value(of: big)) { error in
            XCTAssertTrue("\(error)".contains(".npy"), "\(error)")
        }
        XCTAssertEqual(try parse(try JSONFile.value(of: Tensor(scalar: 2.5))) as? Double, 2.5)
    }
}
