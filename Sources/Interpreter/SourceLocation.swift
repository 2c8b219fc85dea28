import LRPKit

/// A position in a script, 1-based, for error messages.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// An error in a script, from any stage (lexing, parsing, evaluation), with where it happened.
public struct ScriptError: Error, Equatable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The text of the offending line, for the caret display.
    public var sourceLine: String

    public init(location: SourceLocation, message: String, sourceLine: String) {
        self.location = location
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `FILE:LINE:COL: error: MESSAGE`, then the source line and a caret under the column.
    /// Control characters are shown as escapes; a long line is clipped to a window around the
    /// caret (a syntax error in a 10 MB line must not print 20 MB).
    public var description: String {
        let column = max(0, location.column - 1)
        let characters = Array(sourceLine)
        let window = ScriptError.sourceWindow
        let start = max(0, min(column - window / 2, characters.count - window))
        let end = min(characters.count, start + window)
        let escape = { (part: ArraySlice<Character>) in escapingControlCharacters(String(part)) }
        let before = escape(characters[start..<min(column, end)])
        let shown = (start > 0 ? "..." : "") + escape(characters[start..<end]) + (end < characters.count ? "..." : "")
        let caretPad = (start > 0 ? "   " : "") + String(before.map { $0 == "\t" ? "\t" : " " })
        let place = escapingControlCharacters(location.description)
        return "\(place): error: \(escapingControlCharacters(message, keepingNewlines: true))\n    \(shown)\n    \(caretPad)^"
    }

    /// The most characters of the source line an error shows.
    static let sourceWindow = 160
}
