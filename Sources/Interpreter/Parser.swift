/// Recursive-descent parser: tokens -> statements.
///
/// Precedence, loosest first: comparisons, `+ -`, `* / @`, unary `-`, `^` (right-associative and
/// tighter than unary minus, as Python's `**`), then postfix call `f(...)`, index `x[...]`, member `x.name`.
/// A builtin name followed on the same line by an argument-start token is a command call whose
/// arguments are separated by whitespace (commas optional): `relprop mlp Y*T rules=deeptaylor`.
struct Parser {
    /// Where an expression sits; it decides whether command calls may start and what ends it.
    enum Context {
        /// The right side of a statement or the inside of `( )`: a command call may start here.
        case open
        /// An argument of a command call: whitespace-separated, no nested command calls.
        case argument
        /// A list item or a call argument: a command call may start here, its arguments end at `,`.
        case nested
    }

    let tokens: [Token]
    /// The comments the lexer found, which the grammar skips.
    private let comments: [Token]
    private let source: String
    var index = 0
    private let lexer: Lexer
    /// Grows by each `def` parsed, so later statements may call the function as a command.
    var commands: Set<String>
    /// Nesting depth of the expression being parsed. Parser and evaluator recurse on nesting, so
    /// a bound keeps a pathological script ("((((...") an error instead of a stack overflow.
    /// Each operator of a chain like `1+1+1` counts as a level too: the evaluator recurses on it.
    /// Blocks (`if`, `for`, `def`) count here too: the evaluator recurses on them.
    var depth = 0
    static let maximumDepth = 128
    /// Enclosing `for` loops (for `break`), and whether a `def` body is being parsed (for `return`).
    var loopDepth = 0
    var inFunction = false

    /// `commands` are the names that may be called with command syntax.
    init(source: String, file: String, commands: Set<String>) throws(ScriptError) {
        var lexer = Lexer(source: source, file: file)
        let all = try lexer.tokenize(keepingComments: true)
        self.tokens = all.filter { !$0.isComment }
        self.comments = all.filter(\.isComment)
        self.source = Lexer.normalized(source)  // what the token ranges count in
        self.lexer = lexer
        self.commands = commands
    }

    var current: Token { tokens[index] }
    func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }
    func position(_ token: Token) -> Position { Position(line: token.line, column: token.column) }

    func error(_ message: String, at token: Token) -> ScriptError {
        lexer.error(message, line: token.line, column: token.column)
    }

    mutating func expect(_ symbol: String, _ what: String) throws(ScriptError) -> Token {
        guard current.isSymbol(symbol) else {
            throw error("expected '\(symbol)' \(what), found \(current.display)", at: current)
        }
        return advance()
    }

    // MARK: Statements

    mutating func parseProgram() throws(ScriptError) -> Program {
        var statements: [Located] = []
        while current.kind != .end {
            if current.kind == .newline { _ = advance(); continue }
            statements.append(try located())
        }
        return Program(statements: statements, comments: comments, source: source)
    }

    /// One statement, which must end the line, with its span.
    mutating func located() throws(ScriptError) -> Located {
        let first = current
        let statement = try statement()
        guard current.kind == .newline || current.kind == .end else {
            if case .expression(.name(let name, _)) = statement, current.spaceBefore, current.line == first.line,
               let problem = unknownCommand(name) {
                throw error(problem, at: first)
            }
            throw error("unexpected \(current.display) after the end of the statement", at: current)
        }
        return Located(statement: statement, span: span(from: first))
    }

    /// `shwo R`: a name followed by arguments, so meant as a command; nil unless a likely one.
    private func unknownCommand(_ name: String) -> String? {
        if let hint = pythonHabits[name] { return "unknown command '\(name)'; \(hint)" }
        guard !commands.contains(name), let command = closestName(to: name, in: Array(commands)) else { return nil }
        return "unknown command '\(name)'; did you mean '\(command)'?"
    }

    /// From `first` to the last token consumed.
    func span(from first: Token) -> Span {
        let last = tokens[max(0, index - 1)]
        return Span(start: position(first), lastLine: last.endLine,
                    range: first.range.lowerBound..<max(first.range.upperBound, last.range.upperBound))
    }

    mutating func statement() throws(ScriptError) -> Statement {
        // `a = ...` or `a, b = ...`: identifiers separated by commas, then a single `=`.
        var look = 0
        var targets: [String] = []
        while let name = peek(look).identifier {
            targets.append(name)
            if peek(look + 1).isSymbol(",") { look += 2; continue }
            if peek(look + 1).isSymbol("=") {
                let start = current
                for target in targets where target == "true" || target == "false" {
                    throw error("cannot assign to '\(target)'", at: start)
                }
                for target in targets where Parser.keywords.contains(target) {
                    throw error("cannot assign to '\(target)': it is a keyword", at: start)
                }
                index += look + 2
                if current.kind == .newline || current.kind == .end {
                    throw error("expected an expression after '='", at: current)
                }
                return .assignment(targets: targets, try expression(.open), position(start))
            }
            break
        }
        if let word = current.identifier, Parser.keywords.contains(word), let statement = try keywordStatement(word) {
            return statement
        }
        return .expression(try expression(.open))
    }

    // MARK: Expressions

    mutating func expression(_ context: Context) throws(ScriptError) -> Expr {
        try nested { (p: inout Parser) throws(ScriptError) in try p.logical(context, "or") }
    }

    /// `a or b`, `a and b` (`and` binds tighter), `not a`: on single truth values, loosest of all.
    private mutating func logical(_ context: Context, _ word: String) throws(ScriptError) -> Expr {
        var left = word == "or" ? try logical(context, "and") : try negation(context)
        let outerDepth = depth
        defer { depth = outerDepth }
        while current.identifier == word {
            guard depth < Parser.maximumDepth else {
                throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", at: current)
            }
            depth += 1
            let opToken = advance()
            let right = word == "or" ? try logical(context, "and") : try negation(context)
            left = .binary(op: word, left, right, position(opToken))
        }
        return left
    }

    private mutating func negation(_ context: Context) throws(ScriptError) -> Expr {
        guard current.identifier == "not" else { return try comparison(context) }
        let opToken = advance()
        let operand = try nested { (p: inout Parser) throws(ScriptError) in try p.negation(context) }
        return .unary(op: "not", operand, position(opToken))
    }

    /// Runs `body` one nesting level deeper, refusing to go past `maximumDepth`.
    private mutating func nested(_ body: (inout Parser) throws(ScriptError) -> Expr) throws(ScriptError) -> Expr {
        guard depth < Parser.maximumDepth else {
            throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", at: current)
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// In a command argument, `-` or `+` with a space before and none after starts the next argument.
    private func endsArgument(_ context: Context) -> Bool {
        context == .argument && current.spaceBefore && !current.spaceAfter
            && (current.isSymbol("-") || current.isSymbol("+"))
    }

    private mutating func binaryLevel(_ context: Context, _ symbols: [String],
                                      _ operand: (inout Parser, Context) throws(ScriptError) -> Expr)
    throws(ScriptError) -> Expr {
        var left = try operand(&self, context)
        let outerDepth = depth
        defer { depth = outerDepth }
        while case .symbol(let s) = current.kind, symbols.contains(s), !endsArgument(context) {
            guard depth < Parser.maximumDepth else {
                throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", at: current)
            }
            depth += 1
            let opToken = advance()
            let right = try operand(&self, context)
            left = .binary(op: s, left, right, position(opToken))
        }
        return left
    }

    private mutating func comparison(_ context: Context) throws(ScriptError) -> Expr {
        try binaryLevel(context, ["==", "!=", "~=", "<", "<=", ">", ">="]) { (p: inout Parser, c: Context) throws(ScriptError) in try p.additive(c) }
    }

    private mutating func additive(_ context: Context) throws(ScriptError) -> Expr {
        try binaryLevel(context, ["+", "-"]) { (p: inout Parser, c: Context) throws(ScriptError) in try p.multiplicative(c) }
    }

    private mutating func multiplicative(_ context: Context) throws(ScriptError) -> Expr {
        try binaryLevel(context, ["*", "/", "@"]) { (p: inout Parser, c: Context) throws(ScriptError) in try p.unary(c) }
    }

    private mutating func unary(_ context: Context) throws(ScriptError) -> Expr {
        if current.isSymbol("-") || current.isSymbol("+") {
            let opToken = advance()
            let operand = try nested { (p: inout Parser) throws(ScriptError) in try p.unary(context) }
            if opToken.isSymbol("+") { return operand }
            // Fold `-3` into a literal so `pad x -1` and `[-1, 1]` read as numbers.
            if case .number(let v, _) = operand { return .number(-v, position(opToken)) }
            return .unary(op: "-", operand, position(opToken))
        }
        return try power(context)
    }

    private mutating func power(_ context: Context) throws(ScriptError) -> Expr {
        let base = try postfix(context)
        guard current.isSymbol("^") else { return base }
        let opToken = advance()
        // Right-associative; the exponent may carry its own sign: `x ^ -1`.
        let exponent = try nested { (p: inout Parser) throws(ScriptError) in try p.unary(context) }
        return .binary(op: "^", base, exponent, position(opToken))
    }

    private mutating func postfix(_ context: Context) throws(ScriptError) -> Expr {
        var expr = try primary(context)
        // Each postfix operation wraps the expression once more (`x[0][0]...`, `x.shape.shape`):
        // the evaluator recurses on it, so it counts as a nesting level like an operator chain.
        let outerDepth = depth
        defer { depth = outerDepth }
        while true {
            // In command arguments a space before `(` or `[` starts a new argument.
            if context == .argument && current.spaceBefore { break }
            if current.isSymbol("(") || current.isSymbol("[") || current.isSymbol(".") {
                guard depth < Parser.maximumDepth else {
                    throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", at: current)
                }
                depth += 1
            }
            if current.isSymbol("("), case .name(let name, let p) = expr {
                let open = advance()
                let args = try arguments(closing: ")", opener: open)
                expr = .call(name: name, args, command: false, p)
            } else if current.isSymbol("(") {
                throw error("only builtin functions can be called", at: current)
            } else if current.isSymbol("[") {
                let open = advance()
                expr = .index(expr, try indexItems(opener: open), position(open))
            } else if current.isSymbol(".") {
                let dot = advance()
                guard let member = current.identifier else {
                    throw error("expected a name after '.', found \(current.display)", at: current)
                }
                _ = advance()
                expr = .member(expr, member, position(dot))
            } else {
                break
            }
        }
        return expr
    }

    /// Whether the current token can begin a command argument.
    private func startsArgument(after name: Token) -> Bool {
        let token = current
        guard token.spaceBefore, token.line == name.line else { return false }
        switch token.kind {
        case .identifier:
            // `name = ...` would be an assignment, handled before; `name == x` is a comparison.
            return true
        case .number, .string: return true
        case .symbol(let s):
            if s == "(" || s == "[" { return true }
            if s == "-" { return !token.spaceAfter }
            return false
        case .newline, .end, .comment: return false
        }
    }

    private mutating func primary(_ context: Context) throws(ScriptError) -> Expr {
        let token = current
        switch token.kind {
        case .number(let value):
            _ = advance()
            return .number(value, position(token))
        case .string(let text):
            _ = advance()
            return .string(text, position(token))
        case .identifier(let name):
            _ = advance()
            if name == "true" || name == "false" { return .boolean(name == "true", position(token)) }
            if context != .argument, commands.contains(name), startsArgument(after: token) {
                return .call(name: name, try commandArguments(stopAtComma: context == .nested), command: true, position(token))
            }
            return .name(name, position(token))
        case .symbol("("):
            _ = advance()
            if current.isSymbol(")") { throw error("empty parentheses", at: current) }
            let inner = try expression(.open)
            if current.kind == .newline || current.kind == .end {
                throw error("'(' is never closed", at: token)
            }
            _ = try expect(")", "to close '(' from line \(token.line) column \(token.column)")
            return inner
        case .symbol("["):
            _ = advance()
            var items: [Expr] = []
            while !current.isSymbol("]") {
                items.append(try expression(.nested))
                if current.isSymbol(",") { _ = advance(); continue }
                guard current.isSymbol("]") else {
                    if current.kind == .newline || current.kind == .end { throw error("'[' is never closed", at: token) }
                    throw error("expected ',' or ']' in list from line \(token.line) column \(token.column), found \(current.display)", at: current)
                }
            }
            _ = advance()
            return .list(items, position(token))
        case .newline, .end, .comment:
            throw error("expected an expression, found \(token.display)", at: token)
        case .symbol(let s):
            throw error("expected an expression, found '\(s)'", at: token)
        }
    }

    /// Whitespace-separated arguments of a command call, up to the end of the statement or the
    /// closing bracket around it (or, inside a list or call, the next comma).
    private mutating func commandArguments(stopAtComma: Bool) throws(ScriptError) -> [Argument] {
        var args: [Argument] = []
        while true {
            switch current.kind {
            case .newline, .end: return args
            case .symbol(")"), .symbol("]"), .symbol("}"): return args
            case .symbol(","):
                if stopAtComma { return args }
                _ = advance()
                continue
            default: break
            }
            args.append(try argument(.argument))
        }
    }

    private mutating func argument(_ context: Context) throws(ScriptError) -> Argument {
        let start = current
        if let label = current.identifier, peek().isSymbol("=") {
            _ = advance(); _ = advance()
            if current.kind == .newline || current.kind == .end || current.isSymbol(")") || current.isSymbol(",") {
                throw error("expected a value after '\(label)='", at: current)
            }
            return Argument(label: label, value: try expression(context), position: position(start))
        }
        return Argument(label: nil, value: try expression(context), position: position(start))
    }

    /// `(a, b, key=value)` after the opening parenthesis.
    private mutating func arguments(closing: String, opener: Token) throws(ScriptError) -> [Argument] {
        var args: [Argument] = []
        while !current.isSymbol(closing) {
            args.append(try argument(.nested))
            if current.isSymbol(",") { _ = advance(); continue }
            guard current.isSymbol(closing) else {
                if current.kind == .newline || current.kind == .end { throw error("'(' is never closed", at: opener) }
                throw error("expected ',' or '\(closing)' in the call from line \(opener.line) column \(opener.column), found \(current.display)", at: current)
            }
        }
        _ = advance()
        return args
    }

    /// `[i, a:b, ::2]` after the opening bracket.
    private mutating func indexItems(opener: Token) throws(ScriptError) -> [IndexItem] {
        var items: [IndexItem] = []
        func isEnd(_ t: Token) -> Bool { t.isSymbol(",") || t.isSymbol("]") || t.isSymbol(":") }
        while true {
            var start: Expr? = nil
            if !isEnd(current) { start = try expression(.nested) }
            if current.isSymbol(":") {
                _ = advance()
                var end: Expr? = nil, step: Expr? = nil
                if !isEnd(current) { end = try expression(.nested) }
                if current.isSymbol(":") {
                    _ = advance()
                    if !isEnd(current) { step = try expression(.nested) }
                }
                items.append(.slice(start: start, end: end, step: step))
            } else if let start {
                items.append(.index(start))
            } else {
                throw error("expected an index or a slice, found \(current.display)", at: current)
            }
            if current.isSymbol(",") { _ = advance(); continue }
            if current.kind == .newline || current.kind == .end {
                throw error("'[' is never closed", at: opener)
            }
            _ = try expect("]", "to close '[' from line \(opener.line) column \(opener.column)")
            return items
        }
    }
}
