import Foundation
import XCTest

/// The REPL driven through a pseudo-terminal with real key presses. Like a person, the tests wait
/// for the prompt before typing: keys typed while a statement runs meet the terminal in cooked
/// mode, where a Ctrl-D is consumed by the line discipline.
final class InteractiveTests: ScratchFolderTestCase {
    private var historyFile: URL { directory.appendingPathComponent("history") }

    private func startREPL() throws -> PseudoTerminal {
        let environment = [
            "TERM": "xterm", "HOME": directory.path, "LRPS_HISTFILE": historyFile.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        let terminal = try PseudoTerminal(executable: try LRPSBinary.url, environment: environment)
        terminal.expect("[1]> ")
        return terminal
    }

    func testNumberedCellsErrorsAndEndOfInput() throws {
        let terminal = try startREPL()
        terminal.type("x = 1\r")
        terminal.expect("[2]> ")
        terminal.type("print x + 1\r")
        terminal.expect("\r\n2\r\n")
        terminal.expect("[3]> ")
        terminal.type("print nosuchname\r")
        terminal.expect("<cell 3>:1:7: error: ")
        terminal.expect("    print nosuchname\r\n          ^\r\n")
        terminal.expect("[4]> ")  // the session survives an error
        terminal.type("print x + 6\r")
        terminal.expect("\r\n7\r\n")
        terminal.expect("[5]> ")
        terminal.type("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testContinuationPromptWhileStatementIsUnfinished() throws {
        let terminal = try startREPL()
        terminal.type("y = (1 +\r")
        terminal.expect("...> ")
        terminal.type("2)\r")
        terminal.expect("[2]> ")
        terminal.type("print y\r")
        terminal.expect("\r\n3\r\n")
        terminal.expect("[3]> ")
        terminal.type("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testTabCompletesCommandsAndVariables() throws {
        let terminal = try startREPL()
        terminal.type("long_variable_name = 40\r")
        terminal.expect("[2]> ")
        // A command: "pri" + Tab must become "print", or the line below would be an error.
        terminal.type("pri\t")
        terminal.expect("nt")
        terminal.type(" long_var\t")
        terminal.expect("iable_name")
        terminal.type(" + 2\r")
        terminal.expect("\r\n42\r\n")
        terminal.expect("[3]> ")

        // Ambiguous: the first Tab completes the shared part, the next lists the candidates.
        terminal.type("qq_one = 1\r")
        terminal.expect("[4]> ")
        terminal.type("qq_two = 2\r")
        terminal.expect("[5]> ")
        terminal.type("print q\t")
        terminal.expect("q_")
        terminal.type("\t")
        terminal.expect("qq_one")
        terminal.expect("qq_two")
        terminal.type("two\r")
        terminal.expect("\r\n2\r\n")
        terminal.expect("[6]> ")
        XCTAssertFalse(terminal.transcript.contains("error:"), terminal.transcript)
        terminal.type("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testHistoryRecallWithinAndAcrossSessions() throws {
        let first = try startREPL()
        first.type("print 11 + 22\r")
        first.expect("\r\n33\r\n")
        first.expect("[2]> ")
        first.type("\u{1B}[A")  // up arrow brings back the last line
        first.expect("print 11 + 22")
        first.type("\r")
        first.expect("\r\n33\r\n")
        first.expect("[3]> ")
        first.type("\u{4}")
        XCTAssertEqual(first.waitForExit(), 0)

        let saved = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertTrue(saved.contains("print"), saved)

        let second = try startREPL()
        second.type("\u{1B}[A")
        second.expect("print 11 + 22")
        second.type("\r")
        second.expect("\r\n33\r\n")
        second.expect("[2]> ")
        second.type("\u{4}")
        XCTAssertEqual(second.waitForExit(), 0)
    }

    func testControlCAbandonsTheLineAndKeepsTheSession() throws {
        let terminal = try startREPL()
        terminal.type("print nosuchname")
        terminal.expect("nosuchname")  // echoed: the editor has the text before Ctrl-C arrives
        terminal.type("\u{3}")
        terminal.expect("[1]> ")  // same cell number: nothing was run
        terminal.type("print 5 + 5\r")
        terminal.expect("\r\n10\r\n")
        terminal.expect("[2]> ")

        // Ctrl-C in a continuation line drops the whole unfinished cell.
        terminal.type("z = (1 +\r")
        terminal.expect("...> ")
        terminal.type("\u{3}")
        terminal.expect("[2]> ")
        terminal.type("print 1 + 1\r")
        terminal.expect("\r\n2\r\n")
        terminal.expect("[3]> ")
        XCTAssertFalse(terminal.transcript.contains("error:"), terminal.transcript)
        terminal.type("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }
}
