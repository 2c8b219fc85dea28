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
        usleep(1_500_000)
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
        let process = Process()
        process.executableURL = try LRPSBinary.url
        process.arguments = [script.path]
        let errors = Pipe(), output = Pipe()
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        usleep(2_500_000)
        XCTAssertTrue(process.isRunning, "the script finished before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate(); XCTFail("the script did not stop after Ctrl-C") }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(text.contains("interrupted"), text)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertFalse(printed.contains("finished"))
    }
}
