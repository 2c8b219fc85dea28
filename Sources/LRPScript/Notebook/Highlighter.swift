import Interpreter

/// Syntax highlighting of lrps code for the HTML notebook. A small scanner of its own (the
/// interpreter's lexer is internal and drops comments): comments, strings, numbers, builtin
/// names, `key=` keywords, assigned names and operators get a class; the rest is plain text.
enum Highlighter {
    enum Kind: String {
        case comment = "c", string = "s", number = "n", builtin = "b", keyword = "k", target = "v",
             constant = "l", symbol = "o", plain = ""
    }

    struct Token: Equatable {
        var kind: Kind
        var text: String
    }

    static let builtins = Set(Session.builtinNames)

    static func tokens(_ code: String) -> [Token] {
        let characters = Array(code)
        var tokens: [Token] = []
        var i = 0
        while i < characters.count {
            let c = characters[i]
            let start = i
            var kind = Kind.plain
            if c == "#" {
                while i < characters.count, characters[i] != "\n" { i += 1 }
                kind = .comment
            } else if c == "\"" {
                i += 1
                while i < characters.count, characters[i] != "\"" {
                    i += characters[i] == "\\" ? 2 : 1
                }
                i = min(i + 1, characters.count)
                kind = .string
            } else if c.isNumber || (c == "." && i + 1 < characters.count && characters[i + 1].isNumber) {
                while i < characters.count, characters[i].isNumber || characters[i] == "." || characters[i] == "_" { i += 1 }
                if i < characters.count, characters[i] == "e" || characters[i] == "E" {
                    var j = i + 1
                    if j < characters.count, characters[j] == "-" || characters[j] == "+" { j += 1 }
                    if j < characters.count, characters[j].isNumber {
                        i = j
                        while i < characters.count, characters[i].isNumber { i += 1 }
                    }
                }
                kind = .number
            } else if c.isLetter || c == "_" {
                while i < characters.count, characters[i].isLetter || characters[i].isNumber || characters[i] == "_" { i += 1 }
                let word = String(characters[start..<i])
                let next = i < characters.count ? characters[i] : " "
                let afterNext = i + 1 < characters.count ? characters[i + 1] : " "
                if next == "=" && afterNext != "=" && !isAssignmentTarget(characters, wordStart: start) {
                    kind = .keyword
                } else if word == "true" || word == "false" {
                    kind = .constant
                } else if builtins.contains(word) {
                    kind = .builtin
                }
                if isAssignmentTarget(characters, wordStart: start), kind != .keyword { kind = .target }
            } else if c.isWhitespace {
                while i < characters.count, characters[i].isWhitespace, characters[i] != "#" { i += 1 }
            } else {
                i += 1
                kind = .symbol
            }
            let text = String(characters[start..<i])
            if let last = tokens.last, last.kind == kind, kind == .plain || kind == .symbol {
                tokens[tokens.count - 1].text += text
            } else {
                tokens.append(Token(kind: kind, text: text))
            }
        }
        return tokens
    }

    /// HTML with `<span class="…">` around every token that has a class.
    static func html(_ code: String) -> String {
        tokens(code).map { token in
            token.kind == .plain ? escape(token.text) : "<span class=\"\(token.kind.rawValue)\">\(escape(token.text))</span>"
        }.joined()
    }

    /// True when the word starting at `wordStart` is one of the names a statement assigns: only
    /// names and commas lie between the start of its statement (line start or `;`) and an `=`.
    private static func isAssignmentTarget(_ characters: [Character], wordStart: Int) -> Bool {
        var j = wordStart - 1
        while j >= 0, characters[j] != "\n", characters[j] != ";" {
            let c = characters[j]
            guard c.isLetter || c.isNumber || c == "_" || c == "," || c == " " || c == "\t" else { return false }
            j -= 1
        }
        var k = wordStart
        while k < characters.count {
            let c = characters[k]
            if c == "=" { return k + 1 >= characters.count || characters[k + 1] != "=" }
            guard c.isLetter || c.isNumber || c == "_" || c == "," || c == " " || c == "\t" else { return false }
            k += 1
        }
        return false
    }
}
