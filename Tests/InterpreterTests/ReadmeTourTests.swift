import Foundation
import XCTest
import LRPKit
@testable import Interpreter

/// Every statement of the README's tour, run in order in one session, prints what the README shows.
final class ReadmeTourTests: XCTestCase {
    func testTourOutputIsWhatTheReadmeShows() throws {
        let root = GoldenTests.packageRoot
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let block = try XCTUnwrap(readme.components(separatedBy: "<!-- tour -->\n```\n").dropFirst().first?
            .components(separatedBy: "```\n<!-- /tour -->").first, "README.md has no tour block")
        // Cells: a prompt line "[n]> statement", then the lines it prints.
        var cells: [(statement: String, expected: [String])] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("$ ") || line.isEmpty { continue }
            if let prompt = line.range(of: #"^\[\d+\]> "#, options: .regularExpression) {
                let number = Int(line[line.index(after: line.startIndex)..<line.firstIndex(of: "]")!])!
                XCTAssertEqual(number, cells.count + 1, "prompts are numbered in order")
                cells.append((String(line[prompt.upperBound...]), []))
            } else {
                XCTAssertFalse(cells.isEmpty, "output before the first prompt: \(line)")
                cells[cells.count - 1].expected.append(line)
            }
        }
        XCTAssertGreaterThan(cells.count, 10)

        let scratch = NSTemporaryDirectory() + "lrps-tour-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for folder in ["data", "models"] {
            try FileManager.default.createSymbolicLink(atPath: "\(scratch)/\(folder)", withDestinationPath: "\(root)/\(folder)")
        }
        let host = RecordingHost()
        let session = Session(host: host, workingDirectory: scratch)
        for (number, cell) in cells.enumerated() {
            let before = host.output
            try session.run(cell.statement, file: "<cell \(number + 1)>")
            let printed = String(host.output.dropFirst(before.count)).split(separator: "\n").map(String.init)
            // "(...)" stands for a picture drawn in the terminal; the recording host notes images as "[image] ...".
            let expected = cell.expected.map { $0.hasPrefix("(") ? "[image]" : $0 }
            XCTAssertEqual(printed.count, expected.count, "cell \(number + 1): \(cell.statement)\n\(printed)")
            for (got, want) in zip(printed, expected) {
                if want == "[image]" { XCTAssertTrue(got.hasPrefix("[image] "), got) } else {
                    // Numbers as numbers: the last digit may differ between CPUs and BLAS kernels.
                    XCTAssertNil(PrintedText.mismatch(expected: want, actual: got), "cell \(number + 1): \(cell.statement)\n  README: \(want)\n  lrps:   \(got)")
                }
            }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/out/cnn-alphabeta.png"))
    }
}
