import Foundation
import Interpreter
import XCTest
@testable import LRPScript

/// The REPL with a real session: a block continues over lines until its `end` and is one
/// history entry; `help` lists what only a session has; `exit N` leaves with status N.
final class REPLBlockTests: XCTestCase {
    private final class ScriptedReader: LineReader {
        var inputs: [LineInput]
        var prompts: [String] = []
        var history: [String] = []
        init(_ lines: [String]) { inputs = lines.map { .line($0) } }
        func readLine(prompt: String) -> LineInput {
            prompts.append(prompt)
            return inputs.isEmpty ? .endOfInput : inputs.removeFirst()
        }
        func addToHistory(_ line: String) { history.append(line) }
    }

    private func run(_ lines: [String]) throws -> (status: Int32, output: String, errors: String, reader: ScriptedReader) {
        let reader = ScriptedReader(lines)
        let outputPipe = Pipe(), errorPipe = Pipe()
        let output = OutputSink(fileDescriptor: outputPipe.fileHandleForWriting.fileDescriptor)
        let errors = OutputSink(fileDescriptor: errorPipe.fileHandleForWriting.fileDescriptor)
        let session = Session(host: TerminalHost(output: output, environment: [:], columns: { 80 }))
        let status = REPL(session: session, reader: reader, output: output, errors: errors).run()
        output.flush(); errors.flush()
        try outputPipe.fileHandleForWriting.close()
        try errorPipe.fileHandleForWriting.close()
        return (status, String(decoding: outputPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), reader)
    }

    func testABlockContinuesUntilItsEndAndIsOneHistoryEntry() throws {
        let result = try run(["for i in range(2)", "  if i > 0", "    print i * 10", "  end", "end", "print 5"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.reader.prompts, ["[1]> ", "...> ", "...> ", "...> ", "...> ", "[2]> ", "[3]> "])
        XCTAssertEqual(result.output, "10\n5\n")
        XCTAssertEqual(result.reader.history, ["for i in range(2)\n  if i > 0\n    print i * 10\n  end\nend", "print 5"])
        // A recalled entry comes back as one line holding line breaks, and runs as the block.
        let recalled = try run([result.reader.history[0]])
        XCTAssertEqual(recalled.output, "10\n")
        XCTAssertEqual(recalled.reader.prompts, ["[1]> ", "[2]> "])
    }

    func testHelpListsTheSessionsOwnCommandsAndExitLeaves() throws {
        let result = try run(["help", "x = 1", "vars", "exit 4", "print 2"])
        XCTAssertEqual(result.status, 4)
        XCTAssertTrue(result.output.contains("notebook save FILE.html|FILE.md"), result.output)
        XCTAssertTrue(result.output.contains("exit, or Ctrl-D"), result.output)
        XCTAssertTrue(result.output.hasSuffix("x = 1\n"), result.output)
        XCTAssertEqual(result.reader.prompts.count, 4)  // nothing read after exit
        XCTAssertEqual(result.errors, "")
    }
}
