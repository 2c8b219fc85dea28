import Foundation

/// Turns source text into tokens. Line breaks inside brackets, after a binary operator or after a
/// trailing `\` are not statement separators; `;` is one.
///
/// One scanner serves everyone: `tokenize` for the parser (comments dropped, the first problem
/// thrown), `scan` for tools that show or complete source (comments kept, problems attached to
/// their tokens, never an early stop).
public struct Lexer {
    let file: String
    let lines: [String]
    private let chars: [Character]
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    /// What the lexer saw at the end of the input; the REPL uses it to ask for more lines.
    private(set) var endsInsideBrackets = false
    private(set) var endsWithContinuation = false

    init(source: String, file: String) {
        let source = Lexer.normalized(source)
        self.file = file
        self.chars = Array(source)
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Every token of `source`, comments included, up to and including `.end`. Ranges count
    /// `Character`s of the `normalized` text (the same as `source` without a byte-order mark or
    /// CR LF line ends); a token the language rejects carries its `problem`.
    public static func scan(_ source: String) -> [Token] {
        var lexer = Lexer(source: source, file: "")
        return lexer.scan()
    }

    /// Script text as the lexer reads it: a leading UTF-8 byte-order mark dropped and Windows line
    /// ends (CR LF) made LF, so scripts saved by Windows editors run. (Swift reads "\r\n" as one
    /// Character, which matched neither "\r" nor "\n".) Every consumer of the text (the
    /// evaluator's error lines too) must see this same text, so positions agree.
    static func normalized(_ source: String) -> String {
        var text = Substring(source)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        guard text.contains("\r\n") else { return String(text) }
        return text.replacingOccurrences(of: "\r\n", with: "\n")
    }

    func error(_ message: String, line: Int, column: Int) -> ScriptError {
        ScriptError(location: SourceLocation(file: file, line: line, column: column), message: message,
                    sourceLine: line - 1 < lines.count ? lines[line - 1] : "")
    }

    /// The tokens the parser reads (without comments unless asked); the first problem is thrown.
    mutating func tokenize(keepingComments: Bool = false) throws(ScriptError) -> [Token] {
        let tokens = scan()
        if let problem = tokens.lazy.compactMap(\.problem).first {
            throw error(problem.message, line: problem.line, column: problem.column)
        }
        return keepingComments ? tokens : tokens.filter { !$0.isComment }
    }

    private var current: Character? { index < chars.count ? chars[index] : nil }
    private func peek(_ offset: Int = 1) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private mutating func advance() {
        if chars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    private static func continuesStatement(_ token: Token?) -> Bool {
        guard let token, case .symbol(let s) = token.kind else { return false }
        return binaryOperatorSymbols.contains(s)
    }

    mutating func scan() -> [Token] {
        var tokens: [Token] = []
        var lastCode: Token? { tokens.last { !$0.isComment } }
        var sawSpace = true
        var continuation = false  // a `\` before the line end
        func problem(_ message: String, _ line: Int, _ column: Int) -> Token.Problem {
            Token.Problem(message: message, line: line, column: column)
        }
        while let c = current {
            let (startLine, startColumn, start) = (line, column, index)
            if c == " " || c == "\t" || c == "\r" {
                advance(); sawSpace = true
                if !tokens.isEmpty, tokens[tokens.count - 1].kind != .newline { tokens[tokens.count - 1].spaceAfter = true }
                continue
            }
            if c == "#" {
                tokens.append(comment())
                continue
            }
            if c == "\\" {
                // A line continuation: only whitespace or a comment may follow on this line.
                advance()
                while let d = current, d == " " || d == "\t" || d == "\r" { advance() }
                if current == "#" { tokens.append(comment()) }
                guard current == "\n" || current == nil else {
                    var token = Token(kind: .symbol("\\"), line: startLine, column: startColumn,
                                      range: start..<start + 1, spaceBefore: sawSpace)
                    token.problem = problem("'\\' continues a line and must end it", startLine, startColumn)
                    tokens.append(token)
                    sawSpace = false
                    continue
                }
                if current == "\n" { advance() }
                continuation = current == nil
                sawSpace = true
                continue
            }
            if c == "\n" {
                let previous = lastCode
                let continues = depth > 0 || previous == nil || previous?.kind == .newline || Self.continuesStatement(previous)
                if !continues {
                    tokens.append(Token(kind: .newline, line: line, column: column, range: start..<start, spaceBefore: sawSpace))
                }
                advance(); sawSpace = true
                continue
            }
            var trouble: Token.Problem?
            var open = false
            let kind: Token.Kind
            if c.isLetter || c == "_" {
                var name = ""
                while let d = current, d.isLetter || d.isNumber || d == "_" { name.append(d); advance() }
                kind = .identifier(name)
            } else if c.isNumber || (c == "." && (peek()?.isNumber ?? false)) {
                kind = .number(number(&trouble))
            } else if c == "\"" {
                kind = .string(string(&trouble, open: &open))
            } else {
                kind = .symbol(symbol(&trouble))
            }
            var token = Token(kind: kind, line: startLine, column: startColumn, range: start..<index, spaceBefore: sawSpace)
            token.problem = trouble
            token.isUnterminatedString = open
            token.endLine = line
            if case .symbol(";") = kind {
                if let last = lastCode, last.kind != .newline {
                    token.kind = .newline
                    tokens.append(token)
                }
            } else {
                tokens.append(token)
            }
            sawSpace = false
        }
        endsInsideBrackets = depth > 0
        endsWithContinuation = continuation || Self.continuesStatement(lastCode)
        if let last = lastCode, last.kind != .newline {
            tokens.append(Token(kind: .newline, line: line, column: column, range: index..<index, spaceBefore: true))
        }
        tokens.append(Token(kind: .end, line: line, column: column, range: index..<index, spaceBefore: true))
        return tokens
    }

    private mutating func comment() -> Token {
        let (l, col, start) = (line, column, index)
        var text = ""
        while let d = current, d != "\n" { text.append(d); advance() }
        return Token(kind: .comment(text), line: l, column: col, range: start..<index, spaceBefore: true)
    }

    private mutating func number(_ problem: inout Token.Problem?) -> Double {
        let (l, col) = (line, column)
        var text = ""
        while let d = current, d.isNumber || d == "_" { if d != "_" { text.append(d) }; advance() }
        if current == ".", !(peek().map { $0.isLetter || $0 == "_" } ?? false) {
            // `1.` and `1.5` are numbers; `1.e3` is not (write 1e3).
            text.append("."); advance()
            while let d = current, d.isNumber { text.append(d); advance() }
        }
        if current == "e" || current == "E" {
            let sign = peek() == "-" || peek() == "+"
            if let digit = peek(sign ? 2 : 1), digit.isNumber {
                text.append("e"); advance()
                if sign { text.append(current!); advance() }
                while let d = current, d.isNumber { text.append(d); advance() }
            }
        }
        if let d = current, d.isLetter || d == "_" {
            var rest = ""
            while let e = current, e.isLetter || e.isNumber || e == "_" || e == "." { rest.append(e); advance() }
            problem = Token.Problem(message: "malformed number '\(text)\(rest)'", line: l, column: col)
            return .nan
        }
        guard let value = Double(text) else {
            problem = Token.Problem(message: "malformed number '\(text)'", line: l, column: col)
            return .nan
        }
        if !value.isFinite { problem = Token.Problem(message: "number '\(text)' is too large", line: l, column: col) }
        return value
    }

    private mutating func string(_ problem: inout Token.Problem?, open: inout Bool) -> String {
        let (l, col) = (line, column)
        advance()
        var text = ""
        func unterminated() -> String {
            problem = problem ?? Token.Problem(message: "unterminated string", line: l, column: col)
            open = true
            return text
        }
        while true {
            guard let d = current else { return unterminated() }
            advance()
            if d == "\"" { return text }
            if d == "\\" {
                guard let e = current else { return unterminated() }
                switch e {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                default:
                    problem = problem ?? Token.Problem(message: "unknown escape '\\\(e)' in string (use \\\" \\\\ \\n \\t)",
                                                       line: line, column: column - 1)
                }
                advance()
            } else {
                text.append(d)
            }
        }
    }

    /// Operators other languages have, and what lrps writes instead.
    private static let foreignOperators: [String: String] = [
        "**": "'**' is not an operator; write '^' for a power: x^2",
        "&&": "'&&' is not an operator; write 'and'",
        "||": "'||' is not an operator; write 'or'",
    ]

    private mutating func symbol(_ problem: inout Token.Problem?) -> String {
        let c = current!
        let (l, col) = (line, column)
        let two = peek().map { String(c) + String($0) }
        if let two, ["==", "!=", "<=", ">=", "~="].contains(two) || Self.foreignOperators[two] != nil {
            advance(); advance()
            if let hint = Self.foreignOperators[two] { problem = Token.Problem(message: hint, line: l, column: col) }
            return two
        }
        switch c {
        case "(", "[", "{": depth += 1
        case ")", "]", "}": depth = max(0, depth - 1)
        case "+", "-", "*", "/", "^", "@", "<", ">", "=", ",", ":", ";", ".": break
        case "!":
            problem = Token.Problem(message: "'!' is not an operator; write 'not' (or '!=' for not equal)", line: l, column: col)
        default:
            problem = Token.Problem(message: "unexpected character '\(c)'", line: l, column: col)
        }
        advance()
        return String(c)
    }
}
