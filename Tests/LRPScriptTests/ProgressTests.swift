import Foundation
import XCTest
@testable import LRPScript

/// Progress bars on standard error for work over a data set: drawn in place on a terminal,
/// cleared when the work is done, and absent when standard error is not a terminal.
final class ProgressTests: XCTestCase {
    func testBarShowsCountRateAndTimeLeft() {
        let line = ProgressBar.line(task: "scoring", completed: 2000, total: 10000, elapsed: 2, columns: 80)
        XCTAssertTrue(line.hasPrefix("scoring  "), line)
        XCTAssertTrue(line.hasSuffix("  2000/10000  1000/s  8 s left"), line)
        XCTAssertEqual(line.filter { $0 == "█" }.count, 6)  // a fifth of 30 cells
        XCTAssertEqual(line.filter { $0 == "░" }.count, 24)
        XCTAssertLessThan(line.count, 80)
        let start = ProgressBar.line(task: "explaining", completed: 0, total: 500, elapsed: 0, columns: 80)
        XCTAssertTrue(start.hasSuffix("  0/500"), start)
        let narrow = ProgressBar.line(task: "explaining", completed: 10, total: 500, elapsed: 1, columns: 30)
        XCTAssertLessThan(narrow.count, 30, narrow)
        XCTAssertEqual(ProgressBar.formatRemaining(125), "2 min 05 s")
        XCTAssertEqual(ProgressBar.formatRemaining(3725), "1 h 02 min")
    }

    private static let setup = """
        mnist = load mnist "\(InterruptTests.root)/data/mnist"
        mlp = load network "\(InterruptTests.root)/models/tutorial/mlp"
        print errors(mlp, mnist)
        """

    func testProgressOnATerminal() throws {
        let directory = try NotebookTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/score.lrps"
        try Self.setup.write(toFile: script, atomically: true, encoding: .utf8)
        let terminal = try PseudoTerminal(executable: try LRPSBinary.url, arguments: [script],
                                          environment: ["TERM": "xterm", "HOME": directory])
        terminal.expect("\rscoring  ", timeout: 30)
        terminal.expect("0/10000")
        terminal.expect("2000/10000  ", timeout: 30)
        terminal.expect("/s  ")
        terminal.expect(" s left")
        terminal.expect("\r\u{1B}[K", timeout: 60)  // cleared before the result is printed
        terminal.expect("105\r\n", timeout: 30)
        XCTAssertEqual(terminal.waitForExit(timeout: 30), 0)
        XCTAssertFalse(terminal.transcript.contains("10000/10000"), "the finished bar is cleared, not drawn")
    }

    func testNoProgressWhenPiped() throws {
        let directory = try NotebookTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/score.lrps"
        try Self.setup.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try runLRPS([script, "--notebook", directory + "/score.html"], timeout: 120)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "105\n")
        XCTAssertEqual(result.standardError, "")
        let html = try String(contentsOfFile: directory + "/score.html", encoding: .utf8)
        XCTAssertFalse(html.contains("scoring"), "no progress in the notebook")
        XCTAssertTrue(html.contains("<pre class=\"output\">105\n</pre>"))
    }
}
