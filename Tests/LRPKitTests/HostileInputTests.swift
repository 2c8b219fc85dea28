import Foundation
import XCTest
@testable import LRPKit

/// Issue 9: hostile input found by a reliability review — each test reproduces one finding.
final class HostileInputTests: XCTestCase {
    private func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    /// The bytes of a version 1.0 npy header holding `dictionary`, padded as numpy pads it.
    private func npyHeader(_ dictionary: String) -> [UInt8] {
        var header = dictionary
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
            + Array(header.utf8)
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
        let bytes = npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }")
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

    // MARK: 9.5 / 9.6 one memory budget for the whole process

    /// Runs `body` with the process's memory budget set to `limit` (restored afterwards).
    private func withBudget<T>(_ limit: Int, _ body: () throws -> T) rethrows -> T {
        let saved = MemoryBudget.limit
        MemoryBudget.limit = limit
        defer { MemoryBudget.limit = saved }
        return try body()
    }

    /// `bytes` zero bytes after `prefix`, gzipped by the system's gzip (no large buffer here).
    private func gzippedZeros(after prefix: [UInt8], count bytes: Int) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let head = directory.appendingPathComponent("head"), out = directory.appendingPathComponent("out.gz")
        try Data(prefix).write(to: head)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "{ cat '\(head.path)'; head -c \(bytes) /dev/zero; } | gzip -c > '\(out.path)'"]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return Array(try Data(contentsOf: out))
    }

    func testDecompressionStopsAtTheMemoryBudget() throws {
        let bomb = try gzippedZeros(after: [], count: 96 << 20)
        XCTAssertLessThan(bomb.count, 1 << 20)
        let text = withBudget(32 << 20) { message { try FileData.decompressed(bomb, path: "bomb.gz") } }
        XCTAssertEqual(text?.hasPrefix("bomb.gz: decompressing it needs"), true, text ?? "accepted")
        XCTAssertEqual(text?.contains("beyond the memory limit of 32 MiB"), true, text ?? "accepted")
        // Within the budget the same file decompresses.
        XCTAssertEqual(try withBudget(1 << 30) { try FileData.decompressed(bomb, path: "bomb.gz").count }, 96 << 20)
    }

    func testNpyValuesAndFortranReorderingCountAgainstTheBudget() throws {
        let prefix = npyHeader("{'descr': '|u1', 'fortran_order': True, 'shape': (2048, 2048), }")
        let file = try gzippedZeros(after: prefix, count: 2048 * 2048)
        // 4 MiB of bytes become 16 MiB of float32 values, then a reordered copy: 20-24 MiB (the
        // decompression buffer holds 4 or 8 MiB, by allocator) fit in 30, 36-40 do not.
        let text = withBudget(30 << 20) { message { try NumpyFile.decode(try FileData.decompressed(file, path: "f.npy"), path: "f.npy") } }
        XCTAssertEqual(text?.contains("reordering it from Fortran order needs 16 MiB more"), true, text ?? "accepted")
        XCTAssertEqual(text?.contains("beyond the memory limit of 30 MiB"), true, text ?? "accepted")
        XCTAssertEqual(text?.hasPrefix("f.npy: "), true, text ?? "accepted")
        let loaded = try withBudget(1 << 30) { try NumpyFile.decode(try FileData.decompressed(file, path: "f.npy"), path: "f.npy") }
        XCTAssertEqual(loaded.shape, [2048, 2048])
    }

    func testAnNpyHeaderOfAMegabyteIsRefusedBeforeParsing() {
        let length = 1 << 20
        var bytes = [0x93] + Array("NUMPY".utf8) + [2, 0] + (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) }
        bytes += Array("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }".utf8)
        bytes += [UInt8](repeating: 0x20, count: length - (bytes.count - 12) - 1) + [0x0A] + [0, 0, 0, 0]
        let text = message { try NumpyFile.decode(bytes, path: "h.npy") }
        XCTAssertEqual(text, "h.npy: header of 1048576 bytes is longer than the limit of 65536 (numpy's own reader refuses more than 10000)")
    }

    func testWeightTextCountsAgainstTheBudget() throws {
        // 2 million one-number lines: 8 MiB of values (and, before, 32 MiB of per-line bookkeeping).
        let lines = [UInt8](repeating: 0, count: 4_000_000).enumerated().map { $0.offset % 2 == 0 ? UInt8(ascii: "0") : 0x0A }
        let text = withBudget(4 << 20) {
            message { try TutorialWeights.parse(weights: lines, biases: Array("0\n".utf8), name: "l", weightPath: "l-W.txt", biasPath: "l-B.txt") }
        }
        XCTAssertEqual(text?.hasPrefix("l-W.txt: line "), true, text ?? "accepted")
        XCTAssertEqual(text?.contains("beyond the memory limit of 4 MiB"), true, text ?? "accepted")
        let (w, _) = try TutorialWeights.parse(weights: Array(lines[..<2000]), biases: Array("0\n".utf8), name: "l",
                                               weightPath: "l-W.txt", biasPath: "l-B.txt")
        XCTAssertEqual(w.shape, [1000, 1])
    }

    func testLiveTensorsShareOneBudget() throws {
        try withBudget(48 << 20) {
            let a = try Tensor.zeros([2048, 2048])  // 16 MiB each
            let b = try a + Tensor(scalar: 1)
            let text = message { try a + Tensor(scalar: 2) + b }
            XCTAssertEqual(text?.contains("beyond the memory limit of 48 MiB"), true, text ?? "accepted")
            XCTAssertEqual(b.count, a.count)
        }
    }
}
