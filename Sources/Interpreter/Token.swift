import LRPKit

/// One lexical token with where it starts and whether whitespace preceded it.
///
/// `spaceBefore` matters to the command syntax: `f (x)` passes a parenthesised argument to a
/// command while `f(x)` is an ordinary call, and `print a -b` has two arguments.
struct Token: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String)
        case number(Double)
        case string(String)
        case symbol(String)   // operators and punctuation: + - * / ^ @ == != < <= > >= = , : ; ( ) [ ] { } .
        case newline          // a statement separator (also emitted for `;`)
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int
    var spaceBefore: Bool
    /// Whether whitespace (not a line end) follows the token on the same line.
    var spaceAfter: Bool = false

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }

    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .number(let value): return "number \(formatNumber(value))"
        case .string: return "a string"
        case .symbol(let s): return "'\(s)'"
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }
}

/// Binary operators after which a line break continues the statement.
let binaryOperatorSymbols: Set<String> = ["+", "-", "*", "/", "^", "@", "==", "!=", "<", "<=", ">", ">=", "=", ","]
