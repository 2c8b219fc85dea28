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

    /// The partial word at the end of `line`: identifier characters (letters, digits, `_`, `.`).
    static func partialWord(in line: String) -> Substring {
        let start = line.lastIndex { !isWordCharacter($0) }.map(line.index(after:)) ?? line.startIndex
        return line[start...]
    }

    /// nil when nothing fits (the editor beeps). Candidates not extending the partial word are
    /// ignored, so a session may return every name it knows.
    init?(line: String, candidates: [String]) {
        let word = Self.partialWord(in: line)
        let fitting = Array(Set(candidates.filter { $0.hasPrefix(word) && $0.count > 0 })).sorted()
        guard let first = fitting.first else { return nil }
        let common = fitting.dropFirst().reduce(first) { prefix, candidate in
            String(zip(prefix, candidate).prefix { $0 == $1 }.map(\.0))
        }
        insertion = String(common.dropFirst(word.count))
        alternatives = fitting.count > 1 && insertion.isEmpty ? fitting : []
        if insertion.isEmpty && alternatives.isEmpty { return nil }  // already complete
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "."
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
