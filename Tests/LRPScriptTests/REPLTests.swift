import Foundation
import Glibc
import Interpreter
import LRPKit
import XCTest
@testable import LRPScript

/// The REPL's loop with a scripted reader and session: numbering, continuation, cancelling.
final class REPLTests: XCTestCase {
    private final class ScriptedReader: LineReader {
        var inputs: [LineInput]
        var prompts: [String] = []
        var history: [String] = []
        init(_ inputs: [LineInput]) { self.inputs = inputs }
        func readLine(prompt: String) -> LineInput {
            prompts.append(prompt)
            return inputs.isEmpty ? .endOfInput : inputs.removeFirst()
        }
        func addToHistory(_ line: String) { history.append(line) }
    }

    private final class RecordingSession: ScriptSession {
        var runs: [(source: String, file: String)] = []
        func run(_ source: String, file: String) throws(ScriptError) -> Int32? {
            runs.append((source, file))
            if source == "bad" {
                throw ScriptError(location: SourceLocation(file: file, line: 1, column: 1),
                                  message: "boom", sourceLine: source)
            }
            return source == "leave" ? 3 : nil
        }
        func needsMoreInput(_ source: String) -> Bool {
            source.filter { $0 == "(" }.count > source.filter { $0 == ")" }.count
        }
        func completions(forLine line: String) -> [String] { [] }
        func cancel() {}
    }

    func testCellsContinuationInterruptsAndErrors() throws {
        let reader = ScriptedReader([.line("x"), .line("("), .interrupted, .line("("), .line("y)"),
                                     .line("   "), .line("bad"), .endOfInput])
        let session = RecordingSession()
        let (output, errorText) = try withPipes { output, errors in
            REPL(session: session, reader: reader, output: output, errors: errors).run()
        }
        XCTAssertEqual(reader.prompts, ["[1]> ", "[2]> ", "...> ", "[2]> ", "...> ", "[3]> ", "[3]> ", "[4]> "])
        XCTAssertEqual(session.runs.map(\.source), ["x", "(\ny)", "bad"])
        XCTAssertEqual(session.runs.map(\.file), ["<cell 1>", "<cell 2>", "<cell 3>"])
        XCTAssertEqual(reader.history, ["x", "(\ny)", "bad"])
        XCTAssertEqual(output, "")
        XCTAssertEqual(errorText, "<cell 3>:1:1: error: boom\n    bad\n    ^\n")
    }

    func testTerminalHostCaptionWhenNotATerminal() throws {
        let image = try Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3])
        let (output, _) = try withPipes { output, _ in
            let host = TerminalHost(output: output, environment: ["TERM": "xterm-kitty"], columns: { 80 })
            host.write("before\n")
            host.show(image, caption: "digit 3, 2x2")
            return 0
        }
        XCTAssertEqual(output, "before\n[image] digit 3, 2x2\n")
    }

    func testTerminalHostDrawsOnATerminal() throws {
        let image = try Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3])
        let halfBlocks = try onTerminal { sink in
            TerminalHost(output: sink, environment: ["TERM": "xterm-256color"], columns: { 80 })
                .show(image, caption: "small")
        }
        let expected = HalfBlockRenderer(maximumColumns: 80).render(image) + "small\n"
        XCTAssertEqual(halfBlocks, expected.replacingOccurrences(of: "\n", with: "\r\n"))

        let kitty = try onTerminal { sink in
            let host = TerminalHost(output: sink, environment: ["TERM": "xterm-kitty"], columns: { 80 })
            host.pngEncoder = { _ in [1, 2, 3] }
            host.show(image, caption: "small")
        }
        XCTAssertEqual(kitty, "\u{1B}_Gf=100,a=T,m=0;AQID\u{1B}\\\r\nsmall\r\n")
    }

    /// Runs `body` with output and error sinks on pipes; returns what each received.
    private func withPipes(_ body: (OutputSink, OutputSink) -> Int32) throws -> (String, String) {
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        let output = OutputSink(fileDescriptor: outputPipe.fileHandleForWriting.fileDescriptor)
        let errors = OutputSink(fileDescriptor: errorPipe.fileHandleForWriting.fileDescriptor)
        XCTAssertEqual(body(output, errors), 0)
        output.flush()
        errors.flush()
        try outputPipe.fileHandleForWriting.close()
        try errorPipe.fileHandleForWriting.close()
        return (String(decoding: outputPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// Runs `body` with a sink on a pseudo-terminal; returns what the terminal received.
    private func onTerminal(_ body: (OutputSink) -> Void) throws -> String {
        var master: Int32 = -1
        var slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw XCTSkip("no pseudo-terminals") }
        defer { close(master) }
        let sink = OutputSink(fileDescriptor: slave)
        XCTAssertTrue(sink.isTerminal)
        body(sink)
        sink.flush()
        close(slave)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 200) > 0 else { break }
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
