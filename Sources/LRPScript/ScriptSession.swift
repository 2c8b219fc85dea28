import Interpreter

/// The part of `Interpreter.Session` that the command-line front end uses. Behind a protocol so the
/// REPL logic and completion can be tested with a scripted fake.
protocol ScriptSession: AnyObject {
    /// Runs `source`, stopping at the first error; `file` names the source in error locations.
    /// Returns the status an `exit` statement asked for, or nil.
    @discardableResult
    func run(_ source: String, file: String) throws(ScriptError) -> Int32?
    /// True while `source` is an unfinished statement (the REPL then asks for another line).
    func needsMoreInput(_ source: String) -> Bool
    /// Whole words that could replace the partial word at the end of `line`.
    func completions(forLine line: String) -> [String]
    /// Asks the running statement to stop (from another thread).
    func cancel()
}

extension Session: ScriptSession {}
