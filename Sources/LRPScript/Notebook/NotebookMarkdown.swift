import Foundation

/// A notebook as Markdown (GitHub-flavoured) with its figures as PNG files in a folder beside it,
/// for CI artifacts and code review. The prose is the script's own Markdown, passed through.
enum NotebookMarkdown {
    struct Rendering {
        var markdown: String
        /// File names (inside the figures folder) and their PNG bytes, in order of appearance.
        var figures: [(name: String, png: [UInt8])]
    }

    /// `figuresFolder` is how the Markdown refers to the folder (relative to the .md file).
    static func render(_ notebook: Notebook, figuresFolder: String) -> Rendering {
        var markdown = "# `\(notebook.title)`\n\n"
        markdown += "| | |\n|---|---|\n"
        markdown += "| script | `\(tableCell(notebook.title))` |\n"
        markdown += "| run | \(timestamp(notebook.started)) |\n"
        markdown += "| lrps | \(tableCell(notebook.version)) |\n"
        markdown += "| status | \(tableCell(notebook.status.description)) |\n\n"
        if !notebook.dataFiles.isEmpty {
            markdown += "Data loaded:\n\n| file | bytes | SHA-256 |\n|---|--:|---|\n"
            for file in notebook.dataFiles {
                markdown += "| `\(tableCell(file.path))` | \(file.bytes) | `\(file.sha256)` |\n"
            }
            markdown += "\n"
        }
        markdown += "---\n\n"
        var figures: [(name: String, png: [UInt8])] = []
        for block in notebook.blocks {
            switch block {
            case .prose(let text):
                markdown += text + "\n\n"
            case .cell(let cell):
                var head = "**[\(cell.number)]**"
                if let lines = cell.lines {
                    head += lines.count == 1 ? " line \(lines.lowerBound)" : " lines \(lines.lowerBound)–\(lines.upperBound)"
                }
                markdown += head + " · \(formatSeconds(cell.seconds))\n\n"
                markdown += fenced(cell.code, info: "lrps")
                for output in cell.outputs {
                    switch output {
                    case .text(let text):
                        markdown += fenced(text, info: "text")
                    case .figure(let figure):
                        let name = figureName(figure, number: figures.count + 1)
                        figures.append((name, figure.png))
                        let alt = (figure.path ?? figure.caption).replacingOccurrences(of: "]", with: ")")
                        markdown += "![\(alt)](\(figuresFolder)/\(name))\n\n"
                        markdown += "<sub>\(figure.path.map { "`\($0)` · " } ?? "")\(escape(figure.caption))</sub>\n\n"
                    }
                }
                if let error = cell.error {
                    markdown += "**Error:**\n\n" + fenced(error, info: "text")
                }
            }
        }
        markdown += "---\n\n<sub>\(escape(notebook.status.description)) · written by lrps \(escape(notebook.version))</sub>\n"
        return Rendering(markdown: markdown, figures: figures)
    }

    /// `figure-3-mlp-deeptaylor.png` for a saved figure, `figure-4.png` for a shown one.
    static func figureName(_ figure: Notebook.Figure, number: Int) -> String {
        guard let path = figure.path else { return "figure-\(number).png" }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let safe = String(stem.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return safe.isEmpty ? "figure-\(number).png" : "figure-\(number)-\(safe).png"
    }

    /// A fenced code block whose fence is longer than any backtick run inside the text.
    private static func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return "\(fence)\(info)\n\(body)\(fence)\n\n"
    }

    private static func tableCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
