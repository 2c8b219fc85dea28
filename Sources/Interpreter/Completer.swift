import Foundation

/// What may complete the word at the end of a line in a session: commands, variables, keyword
/// names (`key=`) of the command being written, members after `x.`, file paths inside a string.
/// It reads the line's tokens, so it sees strings, comments and brackets as the parser does.
struct Completer {
    let variables: [String: Value]
    /// Makes a path as written absolute (the session's working directory).
    let resolve: (String) -> String

    func candidates(forLine line: String) -> [String] {
        let tokens = Lexer.scan(line)
        let code = tokens.filter { !$0.isComment && $0.kind != .end && !($0.kind == .newline && $0.range.isEmpty) }
        if let last = code.last, last.isUnterminatedString {
            let characters = Array(line)
            return pathCompletions(String(characters[(last.range.lowerBound + 1)...]))
        }
        if tokens.last(where: { $0.kind != .end && $0.kind != .newline })?.isComment == true { return [] }
        // The word being typed: an identifier ending the line, or nothing after a space or symbol.
        var word = ""
        var before = code[...]
        if let last = code.last, last.range.upperBound == line.count {
            if case .identifier(let name) = last.kind { word = name; before = code.dropLast() }
            else if case .number = last.kind { return [] }
        }
        if let dot = before.last, dot.isSymbol("."), dot.range.upperBound == line.count - word.count {
            let base = before.dropLast().last.flatMap { $0.range.upperBound == dot.range.lowerBound ? $0.identifier : nil }
            return Members.names(of: base.flatMap { variables[$0] }).filter { $0.hasPrefix(word) }
        }
        // The statement being typed starts after the last separator.
        let statement = before.split(omittingEmptySubsequences: false, whereSeparator: { $0.kind == .newline }).last ?? []
        var candidates = Set(Builtins.names).union(variables.keys)
        for name in [command(of: Array(statement))].compactMap({ $0 }) + openCalls(Array(statement)) {
            if let builtin = Builtins.table[name] { candidates.formUnion(builtin.keywords.map { $0 + "=" }) }
        }
        return candidates.filter { $0.hasPrefix(word) && $0 != "_" }.sorted()
    }

    /// The name a statement starts with, after any `a, b =` it assigns to.
    private func command(of statement: [Token]) -> String? {
        var k = 0
        while k + 1 < statement.count, statement[k].identifier != nil {
            if statement[k + 1].isSymbol(",") { k += 2; continue }
            if statement[k + 1].isSymbol("=") { return k + 2 < statement.count ? statement[k + 2].identifier : nil }
            break
        }
        return statement.first?.identifier
    }

    /// Names directly before a `(` that is still open: `sum(R, ax` -> ["sum"], innermost first.
    private func openCalls(_ statement: [Token]) -> [String] {
        var open: [String?] = []
        for (k, token) in statement.enumerated() {
            if token.isSymbol("(") || token.isSymbol("[") {
                let name = token.isSymbol("(") && k > 0 && statement[k - 1].range.upperBound == token.range.lowerBound
                    ? statement[k - 1].identifier : nil
                open.append(name)
            } else if token.isSymbol(")") || token.isSymbol("]") {
                _ = open.popLast()
            }
        }
        return open.reversed().compactMap { $0 }
    }

    /// Files and folders starting with `partial`, relative to the working directory; folders end in `/`.
    private func pathCompletions(_ partial: String) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let directoryPart = slash.map { String(partial[...$0]) } ?? ""
        let prefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let directory = resolve(directoryPart.isEmpty ? "." : directoryPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.map { entry in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory)
            return directoryPart + entry + (isDirectory.boolValue ? "/" : "")
        }.sorted()
    }
}
