import Foundation
import XCTest

/// Ctrl-C during a long statement: the REPL returns to its prompt with the session intact; a
/// script stops with status 130. The long statement explains all 10,000 test digits with the CNN,
/// which takes seconds (it is checked for interrupts between slices of 2,000 digits).
final class InterruptTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let setup = """
        mnist = load mnist "\(root)/data/mnist"
        cnn = load network "\(root)/models/tutorial/cnn"
        """

    func testCtrlCCancelsARunningCellAndKeepsTheSession() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-int-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let terminal = try PseudoTerminal(executable: try LRPSBinary.url, environment: [
            "TERM": "xterm", "HOME": directory.path, "LRPS_HISTFILE": directory.appendingPathComponent("h").path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ])
        terminal.expect("[1]> ")
        terminal.type(Self.setup.replacingOccurrences(of: "\n", with: "; ") + "\r")
        terminal.expect("[2]> ", timeout: 30)
        terminal.type(Array(repeating: "R = relprop cnn mnist pad=2 batch=100", count: 6).joined(separator: "; ") + "\r")
        // The progress bar ("... 2000/10000 ...") shows that the work is under way: interrupt it then.
        terminal.expect("/10000", timeout: 30)
        terminal.type("\u{3}")
        terminal.expect("interrupted", timeout: 30)
        terminal.expect("[3]> ", timeout: 10)
        terminal.type("print count(mnist)\r")
        terminal.expect("\r\n10000\r\n")
        terminal.expect("[4]> ")
        terminal.type("R\r")  // never assigned: the interrupted statement left no partial value
        terminal.expect("unknown name 'R'")
        terminal.expect("[5]> ")
        terminal.type("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0, terminal.transcript.suffix(3000).description)
    }

    func testCtrlCStopsAScriptWithStatus130() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-int-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("long.lrps")
        let long = String(repeating: "R = relprop cnn mnist pad=2 batch=100\n", count: 6)
        try Data((Self.setup + "\n" + long + "print \"finished\"\n").utf8).write(to: script)
        // In a terminal, so that the script draws its progress bar and Ctrl-C sends SIGINT.
        let terminal = try PseudoTerminal(executable: try LRPSBinary.url, arguments: [script.path], environment: [
            "TERM": "xterm", "HOME": directory.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ])
        // Wait until the work is under way (its progress bar), not for a guessed time.
        terminal.expect("/10000", timeout: 30)
        terminal.type("\u{3}")
        XCTAssertEqual(terminal.waitForExit(timeout: 30), 130, terminal.transcript.suffix(2000).description)
        XCTAssertTrue(terminal.transcript.contains("interrupted"), terminal.transcript.suffix(2000).description)
        XCTAssertFalse(terminal.transcript.contains("finished"))
    }

    func testCtrlCStopsTheRandomisationCheckOverADataSet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-int-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("randomize.lrps")
        let long = "A = randomize cnn mnist pad=2 methods=[\"gradient\", \"alphabeta\"]\n"
        try Data((Self.setup + "\n" + long + "print \"finished\"\n").utf8).write(to: script)
        let terminal = try PseudoTerminal(executable: try LRPSBinary.url, arguments: [script.path], environment: [
            "TERM": "xterm", "HOME": directory.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ])
        terminal.expect("/10000", timeout: 30)  // randomize's progress over the 10,000 digits
        terminal.type("\u{3}")
        XCTAssertEqual(terminal.waitForExit(timeout: 30), 130, terminal.transcript.suffix(2000).description)
        XCTAssertTrue(terminal.transcript.contains("interrupted"), terminal.transcript.suffix(2000).description)
        XCTAssertFalse(terminal.transcript.contains("finished"))
    }
}
