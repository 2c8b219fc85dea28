/// The syntax tree. Every node keeps the position of its first token for error messages.
struct Position: Equatable, Sendable {
    var line: Int
    var column: Int
}

indirect enum Expr: Equatable, Sendable {
    case number(Double, Position)
    case string(String, Position)
    case boolean(Bool, Position)
    case name(String, Position)
    case list([Expr], Position)
    case unary(op: String, Expr, Position)
    case binary(op: String, Expr, Expr, Position)
    /// `f(a, k=v)` (`command == false`) or `f a k=v` (`command == true`); `f` is always a builtin.
    case call(name: String, [Argument], command: Bool, Position)
    case index(Expr, [IndexItem], Position)
    /// `dataset.labels`
    case member(Expr, String, Position)

    var position: Position {
        switch self {
        case .number(_, let p), .string(_, let p), .boolean(_, let p), .name(_, let p), .list(_, let p),
             .unary(_, _, let p), .binary(_, _, _, let p), .call(_, _, _, let p), .index(_, _, let p),
             .member(_, _, let p):
            return p
        }
    }
}

struct Argument: Equatable, Sendable {
    /// The keyword of `key=value`, nil for a positional argument.
    var label: String?
    var value: Expr
    var position: Position
}

/// One entry of `x[...]`: an index or a `start:end:step` slice with optional parts.
enum IndexItem: Equatable, Sendable {
    case index(Expr)
    case slice(start: Expr?, end: Expr?, step: Expr?)
}

indirect enum Statement: Equatable, Sendable {
    case expression(Expr)
    /// `a = e` or `a, b = e` (a command with several results).
    case assignment(targets: [String], Expr, Position)
    /// `if C ... else ... end`; an `else if` is a conditional alone in `otherwise`.
    case conditional(Expr, then: [Located], otherwise: [Located])
    /// `for NAME in EXPR ... end`
    case loop(variable: String, over: Expr, body: [Located], Position)
    /// `def NAME(PARAMS) ... end`
    case function(Function)
    /// `return [EXPR]`
    case returning(Expr?, Position)
    /// `assert CONDITION [MESSAGE]`
    case assertion(Expr, message: Expr?, Position)
    /// `exit [STATUS]`
    case exit(Expr?, Position)
    case breakLoop(Position)
    case continueLoop(Position)
}

/// A function a script defines with `def`.
struct Function: Equatable, Sendable {
    struct Parameter: Equatable, Sendable {
        var name: String
        /// Evaluated at each call that leaves the parameter out.
        var defaultValue: Expr?
    }
    var name: String
    var parameters: [Parameter]
    var body: [Located]
    var position: Position
}

/// Where a statement is in its source, from its first token to its last.
struct Span: Equatable, Sendable {
    var start: Position
    /// The line its last token ends on.
    var lastLine: Int
    /// Its text, in `Character`s of the source.
    var range: Range<Int>
}

/// A statement and where it is.
struct Located: Equatable, Sendable {
    var statement: Statement
    var span: Span
    var position: Position { span.start }
}

/// A parsed source: its statements and the comments between them (for hosts that lay a run out
/// as a document).
struct Program: Sendable {
    var statements: [Located]
    var comments: [Token]
    var source: String
}
