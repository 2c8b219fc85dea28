import Foundation
import LRPKit

/// One interpreter session: variables persist across `run` calls (a REPL runs one line at a time).
public final class Session {
    private let evaluator: Evaluator

    /// Relative paths in scripts resolve against `workingDirectory` (default: the process's).
    public init(host: Host, workingDirectory: String? = nil) {
        evaluator = Evaluator(host: host, workingDirectory: workingDirectory)
        // Until a runner says where its script is (`scriptDirectory`), the working directory.
        scriptDirectory = workingDirectory ?? FileManager.default.currentDirectoryPath
    }

    /// The folder of the running script, the value of `scriptdir`: `lrps FILE` sets it to FILE's
    /// folder (absolute), so a script can reach files beside it from any current directory.
    public var scriptDirectory: String {
        get { if case .string(let s) = evaluator.variables["scriptdir"] { return s } else { return "" } }
        set { evaluator.define("scriptdir", .string(newValue)) }
    }

    /// Runs all statements of `source`; stops at the first error, which it throws.
    /// The whole source is parsed first, so a syntax error anywhere runs nothing.
    public func run(_ source: String, file: String) throws(ScriptError) {
        let source = Lexer.normalized(source)
        var parser = try Parser(source: source, file: file, commands: Builtins.commandNames)
        let statements = try parser.parseProgram()
        try evaluator.run(statements, source: source, file: file)
    }

    /// Sets a variable to a list of strings (how `lrps FILE ARGS...` hands a script its `args`).
    public func define(_ name: String, strings: [String]) {
        evaluator.define(name, .list(strings.map { .string($0) }))
    }

    /// Asks the running statement to stop (safe from any thread, e.g. a Ctrl-C handler). Work over
    /// a data set stops at its next slice; the statement fails with "interrupted" and the session's
    /// variables keep their values from before it.
    public func cancel() { evaluator.cancellation.request() }

    /// True when `source` is an unfinished statement (open bracket, trailing operator or `\`,
    /// unterminated string): the REPL then reads a continuation line.
    public func needsMoreInput(_ source: String) -> Bool {
        var lexer = Lexer(source: source, file: "")
        do {
            _ = try lexer.tokenize()
        } catch {
            return error.message == "unterminated string"
        }
        return lexer.endsInsideBrackets || lexer.endsWithContinuation
    }

    /// Completion candidates for the word ending `line`: commands, variables, rule and preset
    /// names, keyword names; file paths when inside a string.
    public func completions(forLine line: String) -> [String] {
        if let quote = openStringStart(line) {
            return pathCompletions(String(line[line.index(after: quote)...]))
        }
        var word = ""
        for ch in line.reversed() {
            guard ch.isLetter || ch.isNumber || ch == "_" else { break }
            word.insert(ch, at: word.startIndex)
        }
        if let first = word.first, first.isNumber { return [] }
        let before = line.dropLast(word.count)
        // After `x.` offer members.
        if before.hasSuffix(".") {
            return ["images", "labels", "count", "name", "shape", "rank", "layers"].filter { $0.hasPrefix(word) }
        }
        var candidates = Set(Builtins.names).union(evaluator.variables.keys)
        // Keywords of the command that starts the statement, as `key=`.
        let statement = before.split(separator: ";").last.map(String.init) ?? String(before)
        let rhs = statement.split(separator: "=", maxSplits: 1).count == 2 && !statement.contains("==")
            ? String(statement.split(separator: "=", maxSplits: 1)[1]) : statement
        let command = rhs.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).first.map(String.init)
        for name in [command].compactMap({ $0 }) + innerCalls(String(before)) {
            if let b = Builtins.table[name] { candidates.formUnion(b.keywords.map { $0 + "=" }) }
        }
        return candidates.filter { $0.hasPrefix(word) && $0 != "_" }.sorted()
    }

    public var variableNames: [String] { evaluator.variables.keys.filter { $0 != "_" }.sorted() }

    /// Names of all commands/functions/rules, for help and completion.
    public static var builtinNames: [String] { Builtins.names }

    // MARK: Completion helpers

    /// Names directly before an open `(` that is still unclosed: `sum(R, ax` -> ["sum"].
    private func innerCalls(_ text: String) -> [String] {
        var names: [String] = []
        var depth = 0
        let chars = Array(text)
        var i = chars.count - 1
        while i >= 0 {
            if chars[i] == ")" { depth += 1 } else if chars[i] == "(" {
                if depth == 0 {
                    var j = i - 1, name = ""
                    while j >= 0, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { name.insert(chars[j], at: name.startIndex); j -= 1 }
                    if !name.isEmpty { names.append(name) }
                } else { depth -= 1 }
            }
            i -= 1
        }
        return names
    }

    /// The index of the quote opening an unterminated string at the end of `line`, if any.
    private func openStringStart(_ line: String) -> String.Index? {
        var open: String.Index? = nil
        var escaped = false
        var inComment = false
        for i in line.indices {
            let ch = line[i]
            if inComment { continue }
            if open != nil {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { open = nil }
            } else if ch == "\"" {
                open = i
            } else if ch == "#" {
                inComment = true
            }
        }
        return open
    }

    /// Files and folders starting with `partial`, relative to the working directory; folders end in `/`.
    private func pathCompletions(_ partial: String) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let directoryPart = slash.map { String(partial[...$0]) } ?? ""
        let prefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let directory = evaluator.resolve(path: directoryPart.isEmpty ? "." : directoryPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.map { entry in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory)
            return directoryPart + entry + (isDirectory.boolValue ? "/" : "")
        }.sorted()
    }
}
