import Interpreter

/// What Tab does to a line, given the session's candidate words for the word being typed.
struct Completion: Equatable {
    /// Text to insert at the cursor (the part of the common prefix not yet typed).
    var insertion: String
    /// Candidates to list under the line when the insertion alone can't decide.
    var alternatives: [String]

    init(insertion: String, alternatives: [String]) {
        self.insertion = insertion
        self.alternatives = alternatives
    }

    /// The text a completion may replace: the identifier at the end of `line`, or, when `line`
    /// ends inside a string, everything after the opening quote (file paths).
    static func partialWords(in line: String) -> [Substring] {
        let start = line.lastIndex { !isWordCharacter($0) }.map(line.index(after:)) ?? line.startIndex
        let identifier = line[start...]
        guard let quote = openQuote(in: line) else { return [identifier] }
        return [line[line.index(after: quote)...], identifier]
    }

    /// The partial word (of `partialWords`) that some candidate extends: what a completion replaces.
    static func partialWord(in line: String, candidates: [String]) -> Substring? {
        partialWords(in: line).first { word in candidates.contains { $0.hasPrefix(word) } }
    }

    /// nil when nothing fits (the editor beeps). The session's candidates are whole words for
    /// the partial word (or whole paths for a partial path in a string); ones that don't extend
    /// it are ignored, so a session may return every name it knows.
    init?(line: String, candidates: [String]) {
        guard let word = Self.partialWord(in: line, candidates: candidates) else { return nil }
        let fitting = Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
        guard let first = fitting.first else { return nil }
        let common = fitting.dropFirst().reduce(first) { prefix, candidate in
            String(zip(prefix, candidate).prefix { $0 == $1 }.map(\.0))
        }
        insertion = String(common.dropFirst(word.count))
        alternatives = fitting.count > 1 && insertion.isEmpty ? fitting : []
        if insertion.isEmpty && alternatives.isEmpty { return nil }  // already complete
    }

    /// Where the string still open at the end of `line` starts (its quote), from the lexer.
    private static func openQuote(in line: String) -> String.Index? {
        let tokens = Lexer.scan(line)
        guard let open = tokens.last(where: { $0.kind != .end && !$0.range.isEmpty }), open.isUnterminatedString
        else { return nil }
        return line.index(line.startIndex, offsetBy: open.range.lowerBound)
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}

/// Lays out `words` in columns no wider than `width`, one line per row, each ending in "\n".
func columnLayout(_ words: [String], width: Int) -> String {
    guard let longest = words.map(\.count).max() else { return "" }
    let cell = longest + 2
    let perRow = max(1, width / cell)
    var text = ""
    for (index, word) in words.enumerated() {
        let endsRow = (index + 1) % perRow == 0 || index == words.count - 1
        text += endsRow ? word + "\n" : word + String(repeating: " ", count: cell - word.count)
    }
    return text
}
