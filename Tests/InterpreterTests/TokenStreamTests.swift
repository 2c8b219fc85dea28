import Foundation
import LRPKit
import XCTest
@testable import Interpreter

/// The one lexer's stream for tools (comments and ranges kept, problems attached rather than
/// thrown), statement spans from the parser, and completion derived from both.
final class TokenStreamTests: XCTestCase {
    func testScanKeepsCommentsAndRanges() {
        let source = "x = 1.5 # one\nprint \"a\" x"
        let tokens = Lexer.scan(source)
        let characters = Array(source)
        let texts = tokens.filter { !$0.range.isEmpty }.map { String(characters[$0.range]) }
        XCTAssertEqual(texts, ["x", "=", "1.5", "# one", "print", "\"a\"", "x"])
        XCTAssertEqual(tokens[3].kind, .comment("# one"))
        XCTAssertEqual(tokens[3].line, 1); XCTAssertEqual(tokens[3].column, 9)
        XCTAssertEqual(tokens.last?.kind, .end)
    }

    func testScanAttachesProblemsAndGoesOn() {
        let tokens = Lexer.scan("a = 2 ** 3; b = $ + \"open")
        let problems = tokens.compactMap(\.problem)
        XCTAssertEqual(problems.map(\.message), [
            "'**' is not an operator; write '^' for a power: x^2", "unexpected character '$'", "unterminated string"])
        XCTAssertEqual(problems.map(\.column), [7, 17, 21])
        XCTAssertTrue(tokens.contains { $0.isUnterminatedString })
        // The parser gets the first one, positioned.
        XCTAssertThrowsError(try Session(host: RecordingHost()).run("a = 2 ** 3", file: "p.lrps")) { error in
            XCTAssertEqual("\((error as! ScriptError).location)", "p.lrps:1:7")
        }
    }

    func testNumbersAgreeWithTheParser() {
        // `1.2.3` is two numbers to the lexer; the highlighter reads the same tokens.
        XCTAssertEqual(Lexer.scan("1.2.3").map(\.kind), [.number(1.2), .number(0.3), .newline, .end])
    }

    func testStatementSpans() throws {
        let source = "# intro\nx = [1,\n  2]  # two lines\n\ny = 3; print y # last\n"
        var parser = try Parser(source: source, file: "s", commands: Builtins.commandNames)
        let program = try parser.parseProgram()
        let characters = Array(source)
        XCTAssertEqual(program.statements.map { String(characters[$0.span.range]) }, ["x = [1,\n  2]", "y = 3", "print y"])
        XCTAssertEqual(program.statements.map(\.span.lastLine), [3, 5, 5])
        let sources = StatementSource.locate(program, lines: source.components(separatedBy: "\n"), file: "s")
        XCTAssertEqual(sources.map(\.text), ["x = [1,\n  2]  # two lines", "y = 3", "print y # last"])
        XCTAssertEqual(sources.map(\.linesBefore), [["# intro"], [""], []])
        XCTAssertEqual(sources.map(\.lines), [2...3, 5...5, 5...5])
    }

    func testMembersComeFromOneTable() throws {
        let data = try Dataset(name: "d", pixels: [UInt8](repeating: 0, count: 8), height: 2, width: 2, labels: [1, 2])
        let completer = Completer(variables: ["d": .dataset(data), "t": .tensor(Tensor([1, 2]))], resolve: { $0 })
        XCTAssertEqual(completer.candidates(forLine: "print d."), ["images", "labels", "targets", "count", "name"])
        XCTAssertEqual(completer.candidates(forLine: "print d.ta"), ["targets"])
        XCTAssertEqual(completer.candidates(forLine: "print t."), ["shape", "count", "rank"])
        XCTAssertEqual(completer.candidates(forLine: "print unknown.la"), ["labels", "layers"])
        // Each listed member evaluates.
        for member in Members.names(of: .dataset(data)) {
            XCTAssertNotNil(Members.of(.dataset(data))?.first { $0.name == member }?.get())
        }
    }

    func testCompletionReadsTokens() {
        let completer = Completer(variables: ["relevance": .number(1)], resolve: { $0 })
        XCTAssertEqual(completer.candidates(forLine: "print rele"), ["relevance"])
        XCTAssertEqual(completer.candidates(forLine: "x = 1 # rele"), [])
        XCTAssertTrue(completer.candidates(forLine: "a, b = relprop mlp Y ru").contains("rules="))
        XCTAssertTrue(completer.candidates(forLine: "x = 1; y = sum(R, ax").contains("axis="))
        XCTAssertFalse(completer.candidates(forLine: "x = 2 * (sum(R) + print(ax").contains("axis="))
    }
}
