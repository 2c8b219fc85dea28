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
    /// Returns the status an `exit` statement asked for, or nil when the source ran to its end.
    @discardableResult
    public func run(_ source: String, file: String) throws(ScriptError) -> Int32? {
        let source = Lexer.normalized(source)
        var parser = try Parser(source: source, file: file,
                                commands: Builtins.commandNames.union(evaluator.functions.keys))
        return try evaluator.run(try parser.parseProgram(), file: file)
    }

    /// Sets a variable to a list of strings (how `lrps FILE ARGS...` hands a script its `args`).
    public func define(_ name: String, strings: [String]) {
        evaluator.define(name, .list(strings.map { .string($0) }))
    }

    /// Asks the running statement to stop (safe from any thread, e.g. a Ctrl-C handler). Work over
    /// a data set stops at its next slice; the statement fails with "interrupted" and the session's
    /// variables keep their values from before it.
    public func cancel() { evaluator.cancellation.request() }

    /// Like `cancel()`, with the message the stopped statement reports (a `--timeout` says so).
    public func cancel(reason: String) { evaluator.cancellation.request(reason: reason) }

    /// True when `source` is an unfinished statement (open bracket, trailing operator or `\`,
    /// unterminated string): the REPL then reads a continuation line.
    public func needsMoreInput(_ source: String) -> Bool {
        var lexer = Lexer(source: source, file: "")
        let tokens = lexer.scan()
        if let troubled = tokens.first(where: { $0.problem != nil }) { return troubled.isUnterminatedString }
        return lexer.endsInsideBrackets || lexer.endsWithContinuation || Self.openBlocks(tokens) > 0
    }

    /// Blocks (`if`, `for`, `def`) opened and not yet closed with `end`.
    private static func openBlocks(_ tokens: [Token]) -> Int {
        let code = tokens.filter { !$0.isComment }
        var open = 0
        for (k, token) in code.enumerated() where k == 0 || code[k - 1].kind == .newline {
            guard let word = token.identifier, k + 1 < code.count, !code[k + 1].isSymbol("=") else { continue }
            if Parser.blockOpeners.contains(word) { open += 1 } else if word == "end" { open -= 1 }
        }
        return open
    }

    /// Completion candidates for the word ending `line`: commands, variables, members, keyword
    /// names of the command being written; file paths when inside a string.
    public func completions(forLine line: String) -> [String] {
        Completer(variables: evaluator.variables, resolve: evaluator.resolve(path:)).candidates(forLine: line)
    }

    /// What `help NAME` prints for a command or function, or nil when there is none by that name.
    public func help(for name: String) -> String? { Builtins.table[name]?.helpText }

    /// A one-line description of a variable's value (as a notebook shows it), or nil when unset.
    public func describe(variable name: String) -> String? { evaluator.variables[name]?.summary }

    /// The names the script made (not `_` or the predefined `scriptdir`).
    public var variableNames: [String] { evaluator.variables.keys.filter { $0 != "_" && $0 != "scriptdir" }.sorted() }

    /// Names of all commands/functions/rules, for help and completion.
    public static var builtinNames: [String] { Builtins.names }

    /// The language's keywords (`if`, `for`, `def`, `end`, `and`, ...).
    public static var keywords: Set<String> { Parser.keywords }
}
