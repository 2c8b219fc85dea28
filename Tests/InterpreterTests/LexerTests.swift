import XCTest
@testable import Interpreter

final class LexerTests: XCTestCase {
    private func kinds(_ source: String) throws -> [Token.Kind] {
        var lexer = Lexer(source: source, file: "t")
        return try lexer.tokenize().map(\.kind)
    }

    func testNumbersStringsAndSymbols() throws {
        XCTAssertEqual(try kinds("x = 1.5e-3 + .5 * 2."), [
            .identifier("x"), .symbol("="), .number(0.0015), .symbol("+"), .number(0.5), .symbol("*"),
            .number(2), .newline, .end])
        XCTAssertEqual(try kinds(#""a\"b\\c\nd""#), [.string("a\"b\\c\nd"), .newline, .end])
        XCTAssertEqual(try kinds("a==b!=c<=d>=e<f>g@h^i"), [
            .identifier("a"), .symbol("=="), .identifier("b"), .symbol("!="), .identifier("c"), .symbol("<="),
            .identifier("d"), .symbol(">="), .identifier("e"), .symbol("<"), .identifier("f"), .symbol(">"),
            .identifier("g"), .symbol("@"), .identifier("h"), .symbol("^"), .identifier("i"), .newline, .end])
    }

    func testPositionsAndSpacing() throws {
        var lexer = Lexer(source: "print a -b\n  x(1)", file: "t")
        let tokens = try lexer.tokenize()
        XCTAssertEqual(tokens[2].line, 1); XCTAssertEqual(tokens[2].column, 9)   // '-'
        XCTAssertTrue(tokens[2].spaceBefore); XCTAssertFalse(tokens[2].spaceAfter)
        XCTAssertEqual(tokens[5].kind, .identifier("x"))
        XCTAssertEqual(tokens[5].line, 2); XCTAssertEqual(tokens[5].column, 3)
        XCTAssertFalse(tokens[6].spaceBefore)  // '(' right after x
    }

    func testLineBreaksSeparateStatementsExceptInsideBracketsAfterOperatorsAndBackslash() throws {
        XCTAssertEqual(try kinds("a\nb"), [.identifier("a"), .newline, .identifier("b"), .newline, .end])
        XCTAssertEqual(try kinds("a;b"), [.identifier("a"), .newline, .identifier("b"), .newline, .end])
        XCTAssertEqual(try kinds("(a\nb)"), [.symbol("("), .identifier("a"), .identifier("b"), .symbol(")"), .newline, .end])
        XCTAssertEqual(try kinds("a +\nb"), [.identifier("a"), .symbol("+"), .identifier("b"), .newline, .end])
        XCTAssertEqual(try kinds("a \\\n b"), [.identifier("a"), .identifier("b"), .newline, .end])
        XCTAssertEqual(try kinds("# only a comment\n\n a # trailing"), [.identifier("a"), .newline, .end])
    }

    func testErrorsCarryPositions() {
        func failure(_ source: String) -> ScriptError? {
            var lexer = Lexer(source: source, file: "f.lrps")
            do { _ = try lexer.tokenize(); return nil } catch { return error }
        }
        let unterminated = failure("x = \"abc")
        XCTAssertEqual(unterminated?.message, "unterminated string")
        XCTAssertEqual(unterminated?.location, SourceLocation(file: "f.lrps", line: 1, column: 5))
        XCTAssertEqual(failure("a\n  $")?.location.line, 2)
        XCTAssertEqual(failure("a\n  $")?.location.column, 3)
        XCTAssertEqual(failure("a\n  $")?.sourceLine, "  $")
        XCTAssertEqual(failure("x = 3abc")?.message, "malformed number '3abc'")
        XCTAssertEqual(failure("x = 1e999999")?.message, "number '1e999999' is too large")
        XCTAssertEqual(failure("a \\ b")?.message, "'\\' continues a line and must end it")
    }
}
