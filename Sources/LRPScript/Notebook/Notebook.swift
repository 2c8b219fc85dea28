import Foundation

/// A script run laid out as a document: prose from the script's comment blocks between cells of
/// code, each with what it printed and drew, how long it took and the error it stopped on.
///
/// Cells: a cell is a run of statements on consecutive lines. A blank line or a comment line ends
/// it; the comment lines before a cell (`#` stripped) are Markdown prose above it. Every
/// `Session.run` call (a REPL input) starts a cell of its own.
struct Notebook {
    /// The script as named on the command line, `<expr>`, `<stdin>` or `interactive session`.
    var title: String
    var started: Date
    var version: String
    /// Data the script loaded (or tried to), with checksums.
    var dataFiles: [DataFile] = []
    var blocks: [Block] = []
    var status: Status = .running

    enum Block {
        case prose(String)
        case cell(Cell)
    }

    enum Status: Equatable {
        case running
        case finished(seconds: Double)
        case failed(seconds: Double)
        /// Saved from an interactive session that goes on.
        case saved(Date)
    }

    struct Cell {
        var number: Int
        var code: String
        /// The lines of the script the cell spans; nil for a cell made up for an error outside any statement.
        var lines: ClosedRange<Int>?
        var outputs: [Output] = []
        var seconds: Double = 0
        /// The error as `lrps` prints it: location, message, the line and a caret.
        var error: String?
    }

    enum Output {
        case text(String)
        case figure(Figure)
    }

    struct Figure {
        var png: [UInt8]
        var width: Int
        var height: Int
        var caption: String
        /// Where `save` wrote it (as the script wrote the path); nil for `show`.
        var path: String?
    }

    struct DataFile: Equatable {
        /// Relative to the working directory when inside it.
        var path: String
        var bytes: Int
        var sha256: String
    }

    var cells: [Cell] {
        blocks.compactMap { if case .cell(let cell) = $0 { return cell } else { return nil } }
    }

    var figures: [Figure] {
        cells.flatMap(\.outputs).compactMap { if case .figure(let figure) = $0 { return figure } else { return nil } }
    }
}

extension Notebook.Status {
    var description: String {
        switch self {
        case .running: return "running"
        case .finished(let seconds): return "finished in \(formatSeconds(seconds))"
        case .failed(let seconds): return "failed after \(formatSeconds(seconds))"
        case .saved(let date): return "interactive session, saved \(timestamp(date))"
        }
    }
}

/// `0.012 s`, `1.4 s`, `73 s`, `2 min 5 s`.
func formatSeconds(_ seconds: Double) -> String {
    if seconds < 0.1 { return String(format: "%.3f s", seconds) }
    if seconds < 10 { return String(format: "%.2f s", seconds) }
    if seconds < 120 { return String(format: "%.0f s", seconds) }
    let whole = Int(seconds.rounded())
    return "\(whole / 60) min \(whole % 60) s"
}

/// Turns a script's comment lines into Markdown: `#` and one space after it are dropped.
/// Blank lines separate blocks; each block of comment lines is one prose entry.
func proseBlocks(_ lines: [String]) -> [String] {
    var blocks: [String] = []
    var current: [String] = []
    func close() {
        while current.last?.allSatisfy(\.isWhitespace) == true { current.removeLast() }
        if current.contains(where: { !$0.allSatisfy(\.isWhitespace) }) { blocks.append(current.joined(separator: "\n")) }
        current = []
    }
    for line in lines {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("#") {
            var text = trimmed.dropFirst()
            if text.first == " " { text = text.dropFirst() }
            current.append(String(text))
        } else {
            close()
        }
    }
    close()
    return blocks
}
