import Foundation

/// A notebook as a Jupyter notebook (nbformat 4.5): prose as Markdown cells, statements as code
/// cells with their text, figures (PNG) and errors, so GitHub and Jupyter show a script run.
enum NotebookIpynb {
    static func render(_ notebook: Notebook) -> String {
        var cells: [JSONObject] = [markdownCell(id: "header", header(notebook))]
        for block in notebook.blocks {
            switch block {
            case .prose(let text):
                cells.append(markdownCell(id: "prose-\(cells.count)", text))
            case .cell(let cell):
                cells.append(codeCell(cell))
            }
        }
        let document: JSONObject = [
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": metadata,
            "cells": cells,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return (String(data: data, encoding: .utf8) ?? "{}") + "\n"
    }

    /// Names the lrps kernel, so Jupyter runs the notebook with it (`lrps kernel install`).
    static var metadata: JSONObject { [
        "kernelspec": ["name": "lrps", "display_name": "lrps", "language": "lrps"],
        "language_info": ["name": "lrps", "file_extension": ".lrps", "mimetype": "text/x-lrps"],
    ] }

    private static func header(_ notebook: Notebook) -> String {
        var text = "**lrps notebook** `\(notebook.title)` · run \(timestamp(notebook.started))"
        text += " · lrps \(notebook.version) · \(notebook.status.description)"
        if !notebook.dataFiles.isEmpty {
            text += "\n\n| data loaded | bytes | SHA-256 |\n|---|--:|---|\n"
            for file in notebook.dataFiles { text += "| `\(file.path)` | \(file.bytes) | `\(file.sha256)` |\n" }
        }
        return text
    }

    private static func markdownCell(id: String, _ text: String) -> JSONObject {
        ["cell_type": "markdown", "id": id, "metadata": [:] as JSONObject, "source": lines(text)]
    }

    private static func codeCell(_ cell: Notebook.Cell) -> JSONObject {
        var outputs: [JSONObject] = []
        for output in cell.outputs {
            switch output {
            case .text(let text):
                outputs.append(["output_type": "stream", "name": "stdout", "text": lines(text)])
            case .figure(let figure):
                let caption = figure.path.map { "\($0): \(figure.caption)" } ?? figure.caption
                outputs.append([
                    "output_type": "display_data",
                    "data": ["image/png": Data(figure.png).base64EncodedString(), "text/plain": lines(caption)],
                    "metadata": ["image/png": ["width": figure.width, "height": figure.height]],
                ])
            }
        }
        if let error = cell.error {
            let traceback = error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            outputs.append(["output_type": "error", "ename": "ScriptError",
                            "evalue": traceback.first ?? error, "traceback": traceback])
        }
        return ["cell_type": "code", "id": "cell-\(cell.number)", "execution_count": cell.number,
                "metadata": [:] as JSONObject, "outputs": outputs, "source": lines(cell.code)]
    }

    /// nbformat's multi-line strings: a list of lines, each but the last ending in a newline.
    static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" { result.append(current); current = "" }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The code cells of a notebook file, for `lrps NOTEBOOK.ipynb`: each cell's source with its
    /// number (counting all cells from 1, as a reader sees them).
    static func codeCells(of data: Data, path: String) -> Result<[(number: Int, source: String)], ScriptReadProblem> {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? JSONObject,
              let cells = object["cells"] as? [JSONObject] else {
            return .failure(ScriptReadProblem(message: "\(path) is not a Jupyter notebook (no list of cells)"))
        }
        var result: [(Int, String)] = []
        for (i, cell) in cells.enumerated() where cell["cell_type"] as? String == "code" {
            let source: String
            if let text = cell["source"] as? String {
                source = text
            } else if let parts = cell["source"] as? [String] {
                source = parts.joined()
            } else {
                return .failure(ScriptReadProblem(message: "\(path): cell \(i + 1) has no source text"))
            }
            result.append((i + 1, source))
        }
        return .success(result)
    }
}
