import Foundation
import XCTest

/// Ties the numbers that tutorial.lrps and networks.lrps expect to the numpy oracle, so that an
/// expectation cannot be blessed from lrps's own output: `Tests/oracle/golden_numbers.py` computes
/// each printed value in float64 and writes `Fixtures/oracle/golden/numbers.json`.
///
/// Each printed number must lie within half a unit of its last printed digit, plus 1e-5 relative
/// (Float32 arithmetic), of the oracle's value. Every expectation in those scripts that shows a
/// decimal number must have an oracle entry.
final class GoldenOracleTests: XCTestCase {
    typealias Oracle = [String: [String: [Double]]]

    func testGoldenNumbersAgreeWithTheOracle() throws {
        let url = URL(fileURLWithPath: GoldenTests.packageRoot + "/Tests/LRPKitTests/Fixtures/oracle/golden/numbers.json")
        let oracle = try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
        XCTAssertEqual(Set(oracle.keys), ["tutorial.lrps", "networks.lrps"])
        for (script, entries) in oracle {
            let lines = try String(contentsOfFile: GoldenTests.goldenDirectory + "/" + script, encoding: .utf8)
                .components(separatedBy: "\n")
            for (key, expected) in entries {
                let line = try XCTUnwrap(Int(key), "\(script): line \(key)")
                let printed = Self.printedNumbers(in: Self.expectation(on: lines[line - 1]) ?? "")
                guard printed.count == expected.count else {
                    XCTFail("\(script):\(line): the expectation shows \(printed.count) numbers, the oracle has \(expected.count)")
                    continue
                }
                for (shown, value) in zip(printed, expected) where !Self.agrees(shown, value) {
                    XCTFail("\(script):\(line): the expectation shows \(shown.text), the oracle computes \(value)")
                }
            }
            // Every expectation that shows a decimal number is tied to the oracle (layer listings,
            // "  3. sumpool 2x2 stride 2 scale 0.5", show parameters, not results).
            for (index, text) in lines.enumerated() {
                guard let expectation = Self.expectation(on: text),
                      expectation.range(of: #"^\s+\d+\. "#, options: .regularExpression) == nil,
                      Self.printedNumbers(in: expectation).contains(where: { $0.text.contains(".") && !$0.text.hasSuffix(".") }) else { continue }
                XCTAssertNotNil(entries[String(index + 1)], "\(script):\(index + 1): `\(expectation)` has no oracle value in numbers.json")
            }
        }
    }

    func testTheComparisonCanFail() {
        XCTAssertTrue(Self.agrees(Self.printedNumbers(in: "21.4398")[0], 21.439749))
        XCTAssertFalse(Self.agrees(Self.printedNumbers(in: "21.4401")[0], 21.439749))
        XCTAssertFalse(Self.agrees(Self.printedNumbers(in: "0.00177")[0], 0.00177689 * 1.01))
        XCTAssertEqual(Self.printedNumbers(in: "tensor 3x28x28x1 float32 min -0.888482 max 0.936555").map(\.value),
                       [-0.888482, 0.936555])
        XCTAssertEqual(Self.printedNumbers(in: "[image eebbbad3] min -0.2 max 0.5, 768x64 pixels").map(\.value), [-0.2, 0.5])
        XCTAssertEqual(Self.printedNumbers(in: "[2 1 0] [2 1 0]").map(\.value), [2, 1, 0, 2, 1, 0])
    }

    /// The text after `# expect:` on a golden line (not `# expect error`).
    static func expectation(on line: String) -> String? {
        guard let range = line.range(of: "# expect: ") else { return nil }
        return String(line[range.upperBound...])
    }

    /// The numbers in `text` that stand alone (between spaces, brackets and commas), not parts of
    /// shapes (`3x28x28x1`), type names (`float32`) or checksums.
    static func printedNumbers(in text: String) -> [(value: Double, text: String)] {
        let pieces = PrintedText.pieces(text)
        var numbers: [(value: Double, text: String)] = []
        for (i, piece) in pieces.enumerated() {
            guard case .number(let value, let shown) = piece else { continue }
            let before = i == 0 ? " " : pieces[i - 1].text
            let after = i + 1 == pieces.count ? " " : pieces[i + 1].text
            guard let last = before.last, " [".contains(last), let first = after.first, " ],".contains(first) else { continue }
            numbers.append((value, shown))
        }
        return numbers
    }

    /// Within half a unit of the last printed digit, plus 1e-5 relative.
    static func agrees(_ shown: (value: Double, text: String), _ oracle: Double) -> Bool {
        var mantissa = Substring(shown.text)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(mantissa[mantissa.index(after: e)...]) ?? 0
            mantissa = mantissa[..<e]
        }
        let decimals = mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
        let unit = pow(10, Double(exponent - decimals))
        return abs(shown.value - oracle) <= unit / 2 + 1e-5 * abs(oracle)
    }
}
