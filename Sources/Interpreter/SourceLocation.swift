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
    public var description: String {
        let caretPad = String(sourceLine.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " })
        return "\(location): error: \(message)\n    \(sourceLine)\n    \(caretPad)^"
    }
}
