import Interpreter

/// Syntax highlighting of lrps code for the HTML notebook, from the interpreter's own token
/// stream: comments, strings, numbers, builtin names, `key=` keywords, assigned names and
/// operators get a class; the rest (names, spaces) is plain text.
enum Highlighter {
    enum Kind: String {
        case comment = "c", string = "s", number = "n", builtin = "b", keyword = "k", target = "v",
             constant = "l", symbol = "o", plain = ""
    }

    struct Token: Equatable {
        var kind: Kind
        var text: String
    }

    /// Builtins and the language's keywords share a class.
    static let builtins = Set(Session.builtinNames).union(Session.keywords)

    static func tokens(_ code: String) -> [Token] {
        let characters = Array(code)
        let scanned = Lexer.scan(code)
        let codeTokens = scanned.filter { !$0.isComment }
        let targets = assignmentTargets(codeTokens)
        var tokens: [Token] = []
        func append(_ kind: Kind, _ range: Range<Int>) {
            guard !range.isEmpty else { return }
            let text = String(characters[range])
            if let last = tokens.last, last.kind == kind, kind == .plain || kind == .symbol {
                tokens[tokens.count - 1].text += text
            } else {
                tokens.append(Token(kind: kind, text: text))
            }
        }
        var done = 0
        var codeIndex = 0
        for token in scanned where !token.range.isEmpty {
            append(.plain, done..<token.range.lowerBound)  // spaces, line breaks, a continuing `\`
            while codeIndex < codeTokens.count, codeTokens[codeIndex].range.lowerBound < token.range.lowerBound { codeIndex += 1 }
            let next = codeIndex + 1 < codeTokens.count ? codeTokens[codeIndex + 1] : nil
            append(kind(of: token, isTarget: targets.contains(token.range.lowerBound),
                        beforeEquals: next.map { $0.kind == .symbol("=") } ?? false), token.range)
            done = token.range.upperBound
        }
        append(.plain, done..<characters.count)
        return tokens
    }

    private static func kind(of token: Interpreter.Token, isTarget: Bool, beforeEquals: Bool) -> Kind {
        switch token.kind {
        case .comment: return .comment
        case .string: return .string
        case .number: return .number
        case .symbol, .newline: return .symbol  // a `;`
        case .end: return .plain
        case .identifier(let word):
            if isTarget { return .target }
            if beforeEquals { return .keyword }
            if word == "true" || word == "false" { return .constant }
            return builtins.contains(word) ? .builtin : .plain
        }
    }

    /// Where the names a statement assigns start: `a, b = ...` at the start of a statement.
    private static func assignmentTargets(_ code: [Interpreter.Token]) -> Set<Int> {
        var targets = Set<Int>()
        var statementStart = true
        for (k, token) in code.enumerated() {
            defer { statementStart = token.kind == .newline }
            guard statementStart else { continue }
            var j = k
            var names: [Int] = []
            while j + 1 < code.count, code[j].identifier != nil {
                names.append(code[j].range.lowerBound)
                if code[j + 1].isSymbol(",") { j += 2; continue }
                if code[j + 1].kind == .symbol("=") { targets.formUnion(names) }
                break
            }
        }
        return targets
    }

    /// HTML with `<span class="…">` around every token that has a class.
    static func html(_ code: String) -> String {
        tokens(code).map { token in
            token.kind == .plain ? escape(token.text) : "<span class=\"\(token.kind.rawValue)\">\(escape(token.text))</span>"
        }.joined()
    }
}
