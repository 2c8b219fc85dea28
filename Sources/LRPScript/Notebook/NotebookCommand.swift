/// The REPL's `notebook save FILE` (FILE bare or in double quotes, `.html` or `.md`): writes the
/// session so far as a notebook. A REPL command rather than a language builtin: a script already
/// has `--notebook`, and a notebook is about the session, not something a script computes.
enum NotebookCommand {
    static let usage = "notebook save FILE.html|FILE.md"

    /// nil when `input` is not a notebook command (anything not starting `notebook save` stays a
    /// statement, so a variable may be called `notebook`); the
    /// path to save to, or a usage problem, when it is.
    static func parse(_ input: String) -> Result<String, NotebookFileProblem>? {
        let text = input.trimmingSpaces
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count >= 2, words[0] == "notebook", words[1] == "save" else { return nil }
        guard words.count == 3 else { return .failure(NotebookFileProblem(message: "usage: \(usage)")) }
        var path = words[2].trimmingSpaces
        if path.hasPrefix("\"") {
            guard path.count >= 2, path.hasSuffix("\"") else {
                return .failure(NotebookFileProblem(message: "notebook save: unterminated string"))
            }
            path = String(path.dropFirst().dropLast())
        } else if path.contains(" ") {
            return .failure(NotebookFileProblem(message: "notebook save: put a path with spaces in double quotes"))
        }
        return path.isEmpty ? .failure(NotebookFileProblem(message: "usage: \(usage)")) : .success(path)
    }
}
