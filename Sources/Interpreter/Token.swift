import LRPKit

/// One lexical token with where it is and whether whitespace surrounds it.
///
/// `spaceBefore` matters to the command syntax: `f (x)` passes a parenthesised argument to a
/// command while `f(x)` is an ordinary call, and `print a -b` has two arguments.
///
/// The lexer keeps comments and never stops at a mistake: a token it can't accept carries a
/// `problem`. The parser asks for the first problem (`Lexer.tokenize`); the notebook's
/// highlighter and the REPL's completion read the whole stream (`Lexer.scan`), so all three
/// agree on what a piece of source is.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case identifier(String)
        case number(Double)
        case string(String)
        /// Operators and punctuation: + - * / ^ @ == != ~= < <= > >= = , : ; ( ) [ ] { } .
        case symbol(String)
        /// `# ...` up to the line end (the text includes the `#`).
        case comment(String)
        /// A statement separator (also emitted for `;`); it has no text of its own.
        case newline
        case end
    }

    public internal(set) var kind: Kind
    public internal(set) var line: Int
    public internal(set) var column: Int
    /// The line the token ends on (a string may span lines).
    public internal(set) var endLine: Int
    /// Where the token's text is in the source, in `Character`s from the start.
    public internal(set) var range: Range<Int>
    public internal(set) var spaceBefore: Bool
    /// Whether whitespace (not a line end) follows the token on the same line.
    public internal(set) var spaceAfter: Bool = false
    /// Why the token is not valid lrps (an unterminated string, `**`, ...), where it is reported.
    public internal(set) var problem: Problem?

    public struct Problem: Equatable, Sendable {
        public var message: String
        public var line: Int
        public var column: Int
    }

    /// A string that reaches the end of the input (the REPL reads another line; completion
    /// offers file paths).
    public internal(set) var isUnterminatedString = false

    init(kind: Kind, line: Int, column: Int, range: Range<Int>, spaceBefore: Bool) {
        self.kind = kind
        self.line = line
        self.column = column
        self.endLine = line
        self.range = range
        self.spaceBefore = spaceBefore
    }

    public func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }

    public var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    public var isComment: Bool {
        if case .comment = kind { return true }
        return false
    }

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .number(let value): return "number \(formatNumber(value))"
        case .string: return "a string"
        case .symbol(let s): return "'\(s)'"
        case .comment: return "a comment"
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }
}

/// Binary operators after which a line break continues the statement.
let binaryOperatorSymbols: Set<String> = ["+", "-", "*", "/", "^", "@", "==", "!=", "~=", "<", "<=", ">", ">=", "=", ","]
