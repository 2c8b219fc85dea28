import Foundation

/// A notebook as one self-contained HTML page: styles inline, figures as PNG data URIs drawn
/// with `image-rendering: pixelated` at a whole-number scale, so pixels stay square and sharp.
enum NotebookHTML {
    /// Figures are scaled up by a whole factor to about this width (CSS pixels), at most 8x.
    static let targetWidth = 840

    static func render(_ notebook: Notebook) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="lrps \(escapeAttribute(notebook.version))">
            <title>\(escape(notebook.title)) — lrps notebook</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>

            """
        html += header(notebook)
        for block in notebook.blocks {
            switch block {
            case .prose(let markdown): html += "<section class=\"prose\">\n\(Markdown.html(markdown))</section>\n"
            case .cell(let cell): html += self.cell(cell)
            }
        }
        html += "<footer>\(escape(notebook.status.description)) · written by lrps \(escape(notebook.version))</footer>\n"
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    private static func header(_ notebook: Notebook) -> String {
        var html = "<header>\n<p class=\"kicker\">lrps notebook</p>\n"
        html += "<h1 class=\"title\"><code>\(escape(notebook.title))</code></h1>\n<dl class=\"meta\">\n"
        let rows: [(String, String)] = [
            ("script", notebook.title),
            ("run", timestamp(notebook.started)),
            ("lrps", notebook.version),
            ("status", notebook.status.description),
        ]
        for (name, value) in rows {
            let cls = name == "status" ? " class=\"status \(statusClass(notebook.status))\"" : ""
            html += "<dt>\(name)</dt><dd\(cls)>\(escape(value))</dd>\n"
        }
        html += "</dl>\n"
        if !notebook.dataFiles.isEmpty {
            // Folded: a folder loaded is all its files, and the list would push the notebook down.
            let count = notebook.dataFiles.count
            let bytes = notebook.dataFiles.reduce(0) { $0 + $1.bytes }
            html += "<details class=\"data\"><summary>Data loaded: \(count) file\(count == 1 ? "" : "s"), "
            html += "\(bytes) bytes — SHA-256 checksums</summary>\n"
            html += "<table class=\"data\">\n"
            html += "<thead><tr><th>file</th><th>bytes</th><th>SHA-256</th></tr></thead>\n<tbody>\n"
            for file in notebook.dataFiles {
                html += "<tr><td><code>\(escape(file.path))</code></td><td class=\"num\">\(file.bytes)</td>"
                html += "<td><code class=\"sha\">\(file.sha256)</code></td></tr>\n"
            }
            html += "</tbody>\n</table>\n</details>\n"
        }
        return html + "</header>\n"
    }

    private static func cell(_ cell: Notebook.Cell) -> String {
        let failed = cell.error != nil
        var html = "<div class=\"cell\(failed ? " failed" : "")\" id=\"cell-\(cell.number)\">\n"
        html += "<div class=\"cell-head\"><span class=\"prompt\">[\(cell.number)]</span>"
        if let lines = cell.lines {
            let text = lines.count == 1 ? "line \(lines.lowerBound)" : "lines \(lines.lowerBound)–\(lines.upperBound)"
            html += "<span class=\"lines\">\(text)</span>"
        }
        html += "<span class=\"time\">\(escape(formatSeconds(cell.seconds)))</span></div>\n"
        html += "<pre class=\"code\"><code>\(Highlighter.html(cell.code))</code></pre>\n"
        if !cell.outputs.isEmpty || failed {
            html += "<div class=\"outputs\">\n"
            for output in cell.outputs {
                switch output {
                case .text(let text): html += "<pre class=\"output\">\(escape(text))</pre>\n"
                case .figure(let figure): html += self.figure(figure)
                }
            }
            if let error = cell.error { html += "<pre class=\"error\">\(escape(error))</pre>\n" }
            html += "</div>\n"
        }
        return html + "</div>\n"
    }

    private static func figure(_ figure: Notebook.Figure) -> String {
        let scale = max(1, min(8, targetWidth / max(1, figure.width)))
        let data = Data(figure.png).base64EncodedString()
        var caption = escape(figure.caption)
        if let path = figure.path { caption = "<code>\(escape(path))</code> · " + caption }
        return """
            <figure><img src="data:image/png;base64,\(data)" width="\(figure.width * scale)" \
            height="\(figure.height * scale)" alt="\(escapeAttribute(figure.path ?? figure.caption))">\
            <figcaption>\(caption)</figcaption></figure>

            """
    }

    private static func statusClass(_ status: Notebook.Status) -> String {
        switch status {
        case .running, .saved: return "running"
        case .finished: return "ok"
        case .failed: return "bad"
        }
    }

    static let style = """

        :root { --ink: #1f2328; --muted: #656d76; --rule: #d0d7de; --code-bg: #f6f8fa; --accent: #0969da; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #fff; color: var(--ink);
               font: 16px/1.55 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
        main { max-width: 920px; margin: 0 auto; padding: 28px 32px 48px; }
        code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13.5px; }
        header { border-bottom: 1px solid var(--rule); margin-bottom: 24px; padding-bottom: 12px; }
        .kicker { margin: 0; color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .08em; }
        h1.title { margin: 4px 0 10px; font-size: 22px; }
        h1.title code { font-size: 22px; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; font-size: 14px; }
        dl.meta dt { color: var(--muted); }
        dl.meta dd { margin: 0; }
        .status.ok { color: #1a7f37; } .status.bad { color: #cf222e; font-weight: 600; } .status.running { color: #9a6700; }
        table.data { border-collapse: collapse; font-size: 13px; width: 100%; }
        details.data summary { color: var(--muted); font-size: 14px; cursor: pointer; margin-bottom: 4px; }
        table.data th, table.data td { border-top: 1px solid var(--rule); padding: 3px 8px 3px 0; text-align: left; }
        table.data td.num { text-align: right; padding-right: 16px; }
        code.sha { font-size: 11.5px; color: var(--muted); word-break: break-all; }
        .prose h1 { font-size: 28px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 6px; }
        .prose h2 { font-size: 22px; margin: 28px 0 6px; }
        .prose h3 { font-size: 18px; margin: 22px 0 4px; }
        .prose p { margin: 8px 0; }
        .prose code { background: var(--code-bg); padding: 1px 4px; border-radius: 4px; }
        .prose pre { background: var(--code-bg); padding: 10px 14px; border-radius: 6px; overflow-x: auto; }
        .prose pre code { background: none; padding: 0; }
        .prose blockquote { margin: 8px 0; padding-left: 12px; border-left: 3px solid var(--rule); color: var(--muted); }
        .cell { margin: 14px 0 18px; }
        .cell-head { display: flex; gap: 12px; font-size: 12px; color: var(--muted); margin-bottom: 2px;
                     font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .cell-head .prompt { color: var(--accent); }
        .cell-head .time { margin-left: auto; }
        pre.code { margin: 0; background: var(--code-bg); border: 1px solid var(--rule); border-left: 3px solid var(--accent);
                   border-radius: 6px; padding: 8px 12px; overflow-x: auto; }
        .cell.failed pre.code { border-left-color: #cf222e; }
        .outputs { padding: 6px 0 0 15px; }
        pre.output { margin: 4px 0; white-space: pre-wrap; }
        pre.error { margin: 4px 0; padding: 8px 12px; background: #ffebe9; color: #82071e; border-radius: 6px;
                    border: 1px solid #ffcecb; white-space: pre-wrap; }
        figure { margin: 8px 0 12px; }
        figure img { image-rendering: crisp-edges; image-rendering: pixelated; max-width: 100%; height: auto; display: block; }
        figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
        footer { margin-top: 32px; border-top: 1px solid var(--rule); padding-top: 8px; font-size: 12px; color: var(--muted); }
        .c { color: #6e7781; font-style: italic; } .s { color: #0a3069; } .n { color: #0550ae; }
        .b { color: #8250df; font-weight: 600; } .k { color: #953800; } .v { color: #116329; font-weight: 600; }
        .l { color: #0550ae; } .o { color: #cf222e; }

        """
}

/// `2025-01-31 14:05:09 +0100`: local time with its offset, sortable.
func timestamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss xx"
    return formatter.string(from: date)
}
