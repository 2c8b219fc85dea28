import Foundation

/// Turns source text into tokens. Line breaks inside brackets, after a binary operator or after a
/// trailing `\` are not statement separators; `;` is one.
struct Lexer {
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

    private var current: Character? { index < chars.count ? chars[index] : nil }
    private func peek(_ offset: Int = 1) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private mutating func advance() {
        if chars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    mutating func tokenize() throws(ScriptError) -> [Token] {
        var tokens: [Token] = []
        var sawSpace = true
        var continuation = false  // a `\` before the line end
        while let c = current {
            if c == " " || c == "\t" || c == "\r" {
                advance(); sawSpace = true
                if !tokens.isEmpty, tokens[tokens.count - 1].kind != .newline { tokens[tokens.count - 1].spaceAfter = true }
                continue
            }
            if c == "#" {
                while let d = current, d != "\n" { advance() }
                continue
            }
            if c == "\\" {
                // A line continuation: only whitespace or a comment may follow on this line.
                let (l, col) = (line, column)
                advance()
                while let d = current, d == " " || d == "\t" || d == "\r" { advance() }
                if current == "#" { while let d = current, d != "\n" { advance() } }
                guard current == "\n" || current == nil else {
                    throw error("'\\' continues a line and must end it", line: l, column: col)
                }
                if current == "\n" { advance() }
                continuation = current == nil
                sawSpace = true
                continue
            }
            if c == "\n" {
                let previous = tokens.last
                let continues = depth > 0 || previous == nil || previous?.kind == .newline
                    || previous.map { tok in binaryOperatorSymbols.contains { tok.isSymbol($0) } } == true
                if !continues {
                    tokens.append(Token(kind: .newline, line: line, column: column, spaceBefore: sawSpace))
                }
                advance(); sawSpace = true
                continue
            }
            let (startLine, startColumn) = (line, column)
            let kind: Token.Kind
            if c.isLetter || c == "_" {
                var name = ""
                while let d = current, d.isLetter || d.isNumber || d == "_" { name.append(d); advance() }
                kind = .identifier(name)
            } else if c.isNumber || (c == "." && (peek()?.isNumber ?? false)) {
                kind = .number(try number())
            } else if c == "\"" {
                kind = .string(try string())
            } else {
                kind = .symbol(try symbol())
            }
            if case .symbol(let s) = kind, s == ";" {
                if tokens.last.map({ $0.kind != .newline }) ?? false {
                    tokens.append(Token(kind: .newline, line: startLine, column: startColumn, spaceBefore: sawSpace))
                }
            } else {
                tokens.append(Token(kind: kind, line: startLine, column: startColumn, spaceBefore: sawSpace))
            }
            sawSpace = false
        }
        endsInsideBrackets = depth > 0
        endsWithContinuation = continuation
            || tokens.last.map { tok in binaryOperatorSymbols.contains { tok.isSymbol($0) } } == true
        if tokens.last.map({ $0.kind != .newline }) ?? false {
            tokens.append(Token(kind: .newline, line: line, column: column, spaceBefore: true))
        }
        tokens.append(Token(kind: .end, line: line, column: column, spaceBefore: true))
        return tokens
    }

    private mutating func number() throws(ScriptError) -> Double {
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
            throw error("malformed number '\(text)\(rest)'", line: l, column: col)
        }
        guard let value = Double(text) else { throw error("malformed number '\(text)'", line: l, column: col) }
        guard value.isFinite else { throw error("number '\(text)' is too large", line: l, column: col) }
        return value
    }

    private mutating func string() throws(ScriptError) -> String {
        let (l, col) = (line, column)
        advance()
        var text = ""
        while true {
            guard let d = current else { throw error("unterminated string", line: l, column: col) }
            advance()
            if d == "\"" { return text }
            if d == "\\" {
                guard let e = current else { throw error("unterminated string", line: l, column: col) }
                switch e {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                default:
                    throw error("unknown escape '\\\(e)' in string (use \\\" \\\\ \\n \\t)", line: line, column: column - 1)
                }
                advance()
            } else {
                text.append(d)
            }
        }
    }

    private mutating func symbol() throws(ScriptError) -> String {
        let c = current!
        let two = peek().map { String(c) + String($0) }
        if let two, ["==", "!=", "<=", ">="].contains(two) {
            advance(); advance()
            return two
        }
        switch c {
        case "(", "[", "{": depth += 1
        case ")", "]", "}": depth = max(0, depth - 1)
        case "+", "-", "*", "/", "^", "@", "<", ">", "=", ",", ":", ";", ".": break
        default:
            throw error("unexpected character '\(c)'", line: line, column: column)
        }
        advance()
        return String(c)
    }
}
