/// Statements that start with a keyword: blocks (`if`, `for`, `def`, each closed by `end`) and
/// the one-line `return`, `break`, `continue`, `assert`, `exit`.
///
/// A block's header ends its line (or a `;`), so a block reads the same typed into the REPL,
/// which keeps asking for lines while one is open (`Session.needsMoreInput`):
///
///     for i in range(3)            if x > 0              def square(x)
///         print i                      print "positive"      return x * x
///     end                          else if x < 0         end
///                                      print "negative"
///                                  else
///                                      print "zero"
///                                  end
extension Parser {
    static let keywords: Set<String> = ["if", "else", "for", "in", "end", "def", "return", "break", "continue",
                                        "assert", "exit", "and", "or", "not"]
    /// Keywords that open a block closed by `end`.
    static let blockOpeners: Set<String> = ["if", "for", "def"]

    /// The statement a keyword starts, or nil when the keyword starts an expression (`not`).
    mutating func keywordStatement(_ word: String) throws(ScriptError) -> Statement? {
        switch word {
        case "if": return try conditional()
        case "for": return try loop()
        case "def": return try function()
        case "return":
            let token = advance()
            guard inFunction else { throw error("'return' is only allowed inside a function (def ... end)", at: token) }
            return .returning(endsStatement ? nil : try expression(.open), position(token))
        case "break", "continue":
            let token = advance()
            guard loopDepth > 0 else { throw error("'\(word)' is only allowed inside a 'for' loop", at: token) }
            return word == "break" ? .breakLoop(position(token)) : .continueLoop(position(token))
        case "assert":
            let token = advance()
            if endsStatement { throw error("expected a condition after 'assert'", at: current) }
            let condition = try expression(.open)
            if current.isSymbol(",") { _ = advance() }
            let message = endsStatement ? nil : try expression(.open)
            return .assertion(condition, message: message, position(token))
        case "exit":
            let token = advance()
            if current.isSymbol("("), peek().isSymbol(")"), !current.spaceBefore { _ = advance(); _ = advance() }  // exit()
            return .exit(endsStatement ? nil : try expression(.open), position(token))
        case "else", "end":
            throw error("'\(word)' here closes no block: blocks start with if, for or def", at: current)
        case "in", "and", "or":
            throw error("'\(word)' cannot start a statement", at: current)
        default:
            return nil
        }
    }

    private var endsStatement: Bool { current.kind == .newline || current.kind == .end }

    /// After a block's header: the line (or a `;`) must end.
    private mutating func endHeader(_ what: String) throws(ScriptError) {
        guard current.kind == .newline else {
            throw error("expected a line break or ';' after \(what), found \(current.display)", at: current)
        }
        _ = advance()
    }

    /// The statements up to one of `closers` starting a statement; the closer is not consumed.
    private mutating func block(opener: Token, closers: Set<String>) throws(ScriptError) -> [Located] {
        guard depth < Parser.maximumDepth else {
            throw error("blocks nested too deeply (more than \(Parser.maximumDepth) levels)", at: opener)
        }
        depth += 1
        defer { depth -= 1 }
        var body: [Located] = []
        while true {
            if current.kind == .newline { _ = advance(); continue }
            if current.kind == .end {
                throw error("'\(opener.identifier ?? "")' from line \(opener.line) is never closed with 'end'", at: opener)
            }
            if let word = current.identifier, closers.contains(word), !peek().isSymbol("=") { return body }
            body.append(try located())
        }
    }

    private mutating func conditional() throws(ScriptError) -> Statement {
        let ifToken = advance()
        if endsStatement { throw error("expected a condition after 'if'", at: current) }
        let condition = try expression(.open)
        try endHeader("the condition of 'if'")
        let then = try block(opener: ifToken, closers: ["else", "end"])
        var otherwise: [Located] = []
        if current.identifier == "else" {
            _ = advance()
            if current.identifier == "if" {
                // `else if`: one more conditional, sharing this one's `end`.
                let first = current
                let nested = try conditional()
                return .conditional(condition, then: then, otherwise: [Located(statement: nested, span: span(from: first))])
            }
            try endHeader("'else'")
            otherwise = try block(opener: ifToken, closers: ["end"])
        }
        _ = advance()  // end
        return .conditional(condition, then: then, otherwise: otherwise)
    }

    private mutating func loop() throws(ScriptError) -> Statement {
        let forToken = advance()
        guard let name = current.identifier, !Parser.keywords.contains(name) else {
            throw error("expected a name after 'for', found \(current.display)", at: current)
        }
        _ = advance()
        guard current.identifier == "in" else {
            throw error("expected 'in' after 'for \(name)', found \(current.display)", at: current)
        }
        _ = advance()
        if endsStatement { throw error("expected what to loop over after 'in'", at: current) }
        let sequence = try expression(.open)
        try endHeader("the head of 'for'")
        loopDepth += 1
        defer { loopDepth -= 1 }
        let body = try block(opener: forToken, closers: ["end"])
        _ = advance()  // end
        return .loop(variable: name, over: sequence, body: body, position(forToken))
    }

    private mutating func function() throws(ScriptError) -> Statement {
        let defToken = advance()
        guard depth == 0, !inFunction else {
            throw error("'def' belongs at the top level of a script, not inside if, for or another def", at: defToken)
        }
        guard let name = current.identifier, !Parser.keywords.contains(name) else {
            throw error("expected the function's name after 'def', found \(current.display)", at: current)
        }
        if Builtins.table[name] != nil {
            throw error("'\(name)' is a builtin; give the function another name", at: current)
        }
        _ = advance()
        let open = try expect("(", "after 'def \(name)' (write def \(name)() for no parameters)")
        var parameters: [Function.Parameter] = []
        while !current.isSymbol(")") {
            guard let parameter = current.identifier, !Parser.keywords.contains(parameter) else {
                if endsStatement { throw error("'(' is never closed", at: open) }
                throw error("expected a parameter name, found \(current.display)", at: current)
            }
            if parameters.contains(where: { $0.name == parameter }) {
                throw error("parameter '\(parameter)' is given twice", at: current)
            }
            _ = advance()
            var defaultValue: Expr?
            if current.isSymbol("=") {
                _ = advance()
                defaultValue = try expression(.nested)
            } else if parameters.last?.defaultValue != nil {
                throw error("parameter '\(parameter)' needs a default value: it follows one that has one", at: tokens[index - 1])
            }
            parameters.append(Function.Parameter(name: parameter, defaultValue: defaultValue))
            if current.isSymbol(",") { _ = advance(); continue }
            guard current.isSymbol(")") else {
                if endsStatement { throw error("'(' is never closed", at: open) }
                throw error("expected ',' or ')' in the parameters, found \(current.display)", at: current)
            }
        }
        _ = advance()
        commands.insert(name)
        try endHeader("the parameters of 'def \(name)'")
        inFunction = true
        defer { inFunction = false }
        let body = try block(opener: defToken, closers: ["end"])
        _ = advance()  // end
        return .function(Function(name: name, parameters: parameters, body: body, position: position(defToken)))
    }
}

/// Names a Python user reaches for, and what lrps says instead.
let pythonHabits: [String: String] = [
    "len": "write count(X) (or X.count)",
    "True": "write true", "False": "write false", "None": "lrps has no None",
    "quit": "write exit (or press Ctrl-D in the REPL)",
    "elif": "write else if",
    "while": "lrps loops with for NAME in ...",
    "np": "lrps needs no numpy prefix: write sum(X), not np.sum(X)",
]
