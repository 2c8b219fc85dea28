import Foundation
import XCTest
@testable import LRPKit

/// Issue 9: hostile input found by a reliability review — each test reproduces one finding.
final class HostileInputTests: XCTestCase {
    private func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    // MARK: 9.1 reductions along an empty axis (crashed with "Illegal instruction")

    func testReducingAnEmptyAxisGivesValuesNotACrash() throws {
        let sum = try Tensor.zeros([0, 5]).sum(axis: 0)
        XCTAssertEqual(sum.shape, [5])
        XCTAssertEqual(sum.scalars, [0, 0, 0, 0, 0])
        let middle = try Tensor.zeros([2, 0, 3]).sum(axis: 1)
        XCTAssertEqual(middle.shape, [2, 3])
        XCTAssertEqual(middle.scalars, [Float](repeating: 0, count: 6))
        XCTAssertEqual(try Tensor.zeros([3, 0]).sum(axis: 1, keepingDimension: true).shape, [3, 1])
    }

    func testExtremesOfAnEmptyAxisAreAnErrorNamingTheOperation() {
        let max = message { try Tensor.zeros([0, 5]).max(axis: 0) }
        XCTAssertEqual(max?.hasPrefix("max: axis 0 of shape 0x5 is empty"), true, max ?? "no error")
        let min = message { try Tensor.zeros([0, 5]).min(axis: 0) }
        XCTAssertEqual(min?.hasPrefix("min: axis 0 of shape 0x5 is empty"), true, min ?? "no error")
    }

    func testMinAlongAnAxis() throws {
        let t = try Tensor(shape: [2, 3], scalars: [3, -1, 2, 0, 5, -7])
        XCTAssertEqual(try t.min(axis: 1).scalars, [-1, -7])
        XCTAssertEqual(try t.min(axis: 0).scalars, [0, -1, -7])
        XCTAssertTrue(try Tensor(shape: [2], scalars: [1, .nan]).min(axis: 0).scalars[0].isNaN)
    }

    // MARK: 9.2 zero-element tensors with huge other dimensions (allocated 34 GB when sliced)

    func testZeroElementShapesStillBoundTheirOtherDimensions() {
        XCTAssertNotNil(message { try Tensor.zeros([0, 4294967296, 4294967296]) })
        XCTAssertNotNil(message { try Tensor.zeros([4294967296, 0]) })
        XCTAssertEqual(try Tensor.elementCount(of: [0, 5, 7]), 0)
    }

    func testNpyWithAZeroAxisAndHugeOthersIsRefused() throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
            + Array(header.utf8)
        XCTAssertLessThanOrEqual(bytes.count, 128)
        let text = message { try NumpyFile.decode(bytes, path: "huge.npy") }
        XCTAssertEqual(text?.contains("huge.npy"), true, text ?? "loaded")
    }

    func testSlicingEmptyTensorsAndNegativeSteps() throws {
        let empty = try Tensor.zeros([0, 4, 5])
        XCTAssertEqual(try empty.sliced([.all, .range(start: nil, end: nil, step: -1)]).shape, [0, 4, 5])
        XCTAssertEqual(try empty.sliced([.all, .all, .index(2)]).shape, [0, 4])
        XCTAssertEqual(try empty.sliced([.range(start: 0, end: 0, step: 1)]).shape, [0, 4, 5])
        let t = Tensor((0..<7).map(Float.init))
        XCTAssertEqual(try t.sliced([.range(start: nil, end: nil, step: -2)]).scalars, [6, 4, 2, 0])
        XCTAssertEqual(try t.sliced([.range(start: 5, end: 1, step: -1)]).scalars, [5, 4, 3, 2])
        XCTAssertEqual(try t.sliced([.range(start: 1, end: nil, step: 3)]).scalars, [1, 4])
        XCTAssertEqual(try t.sliced([.range(start: 5, end: 1, step: 1)]).scalars, [])
        XCTAssertEqual(try t.sliced([.range(start: -3, end: nil, step: 1)]).scalars, [4, 5, 6])
    }

    // MARK: 9.7 a NUL byte ended a number silently

    func testNulInsideANumberIsRefused() {
        for text in ["0.25\u{0}garbage\n", "0\u{0}5\n", "1 2\n3 4\u{0}\n"] {
            let error = message {
                try TutorialWeights.parse(weights: Array(text.utf8), biases: Array("0 0\n".utf8), name: "l1",
                                          weightPath: "l1-W.txt", biasPath: "l1-B.txt")
            }
            XCTAssertEqual(error?.contains("is not a number"), true, "\(text.debugDescription): \(error ?? "loaded")")
            XCTAssertEqual(error?.contains("\u{0}"), false, error ?? "")
        }
        XCTAssertNotNil(message { try ToolboxModel.parse(Array("Linear 1 1\n0.5\u{0}9\n0\n".utf8), path: "m.txt") })
    }

    // MARK: 9.8 CR line ends and byte-order marks in text files

    func testWeightFilesWithCROnlyCRLFAndBOMLoad() throws {
        let expected: [Float] = [1, 2, 3, 4, 5, 6]
        for weights in ["1 2\r3 4\r5 6\r", "1 2\r\n3 4\r\n5 6\r\n", "\u{FEFF}1 2\n3 4\n5 6\n", "\u{FEFF}1 2\r3 4\r5 6"] {
            let (w, b) = try TutorialWeights.parse(weights: Array(weights.utf8), biases: Array("\u{FEFF}0 1\r".utf8),
                                                   name: "l1", weightPath: "l1-W.txt", biasPath: "l1-B.txt")
            XCTAssertEqual(w.shape, [3, 2], weights.debugDescription)
            XCTAssertEqual(w.scalars, expected, weights.debugDescription)
            XCTAssertEqual(b.scalars, [0, 1])
        }
    }

    func testToolboxModelsWithCROnlyCRLFAndBOMLoad() throws {
        for separator in ["\r", "\r\n", "\n"] {
            let text = "\u{FEFF}" + ["Linear 2 1", "1 2", "0.5", "Rect"].joined(separator: separator) + separator
            let network = try ToolboxModel.parse(Array(text.utf8), path: "m.txt")
            XCTAssertEqual(network.layers.count, 2, separator.debugDescription)
            let y = try network.forward(try Tensor(shape: [1, 2], scalars: [1, 1]))
            XCTAssertEqual(y.scalars, [3.5])
        }
    }

    // MARK: 9.10 an empty batch through a network ending in a flatten

    func testFlattenOfAnEmptyBatch() throws {
        XCTAssertEqual(try Flatten().forward(try Tensor.zeros([0, 1, 1, 10])).shape, [0, 10])
    }

    // MARK: 9.15 file contents in messages, control characters

    func testLoadingAnUnrelatedFileDoesNotQuoteItsContent() throws {
        let secret = "ghp_SECRETTOKEN123 rest of line\nsecond line\n"
        let asModel = message { try ToolboxModel.parse(Array(secret.utf8), path: "creds") } ?? ""
        XCTAssertFalse(asModel.contains("SECRET"), asModel)
        XCTAssertTrue(asModel.contains("creds: line 1: not an LRP Toolbox model"), asModel)
        let asWeights = message {
            try TutorialWeights.parse(weights: Array(secret.utf8), biases: [], name: "x", weightPath: "creds", biasPath: "b")
        } ?? ""
        XCTAssertFalse(asWeights.contains("SECRET"), asWeights)
        XCTAssertTrue(asWeights.contains("creds: line 1, value 1 is not a number"), asWeights)
        // Once the file is recognisably numbers, a bad token is quoted (a short excerpt).
        let later = message {
            try TutorialWeights.parse(weights: Array("1 2\n3 \(String(repeating: "x", count: 100))\n".utf8), biases: [],
                                      name: "x", weightPath: "w", biasPath: "b")
        } ?? ""
        XCTAssertTrue(later.contains("line 2, value 2: '\(String(repeating: "x", count: 24))...' is not a number"), later)
    }

    func testControlCharactersInPathsAndContentAreEscaped() {
        let error = LRPError.file(path: "a\u{1B}[31mred\u{7}.npy", "bad \u{9B}thing\r\n")
        XCTAssertEqual(error.description, "a\\x1b[31mred\\x07.npy: bad \\x9bthing\\r\\n")
        XCTAssertEqual(escapingControlCharacters("tab\there\u{FEFF}"), "tab\there\\u{feff}")
        XCTAssertEqual(escapingControlCharacters("a\nb", keepingNewlines: true), "a\nb")
    }
}
