import Foundation
import LRPKit

/// Where a notebook goes and in which form, chosen by the extension: `.html` (one file),
/// `.md` (with the figures in `NAME_files/` beside it) or `.ipynb` (Jupyter, figures inside).
struct NotebookFile {
    enum Format { case html, markdown, ipynb }

    let path: String
    let format: Format

    init(path: String) throws(NotebookFileProblem) {
        switch (path as NSString).pathExtension.lowercased() {
        case "html", "htm": format = .html
        case "md", "markdown": format = .markdown
        case "ipynb": format = .ipynb
        default:
            throw NotebookFileProblem(message: "a notebook is written as .html, .md or .ipynb, not '\(path)'")
        }
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        // Missing folders are created, as `save` does; a path that can't be a folder is refused.
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue),
           (try? AtomicFile.createFolder(folder)) == nil {
            throw NotebookFileProblem(message: "cannot write the notebook \(path): cannot create the folder \(folder)")
        }
        self.path = path
    }

    /// The figures folder of a Markdown notebook: `out/run.md` -> `out/run_files`.
    var figuresFolder: String { (path as NSString).deletingPathExtension + "_files" }

    /// Writes `notebook`, replacing the file atomically (a reader never sees half a page).
    func write(_ notebook: Notebook) throws(NotebookFileProblem) {
        do {
            switch format {
            case .html:
                try AtomicFile.write(NotebookHTML.render(notebook), to: path)
            case .ipynb:
                try AtomicFile.write(NotebookIpynb.render(notebook), to: path)
            case .markdown:
                let folderName = (figuresFolder as NSString).lastPathComponent
                let rendering = NotebookMarkdown.render(notebook, figuresFolder: folderName)
                if !rendering.figures.isEmpty {
                    try AtomicFile.createFolder(figuresFolder)
                }
                for figure in rendering.figures {
                    let figurePath = (figuresFolder as NSString).appendingPathComponent(figure.name)
                    if FileManager.default.contents(atPath: figurePath).map([UInt8].init) != figure.png {
                        try AtomicFile.write(figure.png, to: figurePath)
                    }
                }
                try AtomicFile.write(rendering.markdown, to: path)
            }
        } catch {
            throw NotebookFileProblem(message: "cannot write the notebook \(path): \(error)")
        }
    }
}

struct NotebookFileProblem: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Writes a recorder's notebook to every requested file, after each statement and at the end;
/// keeps the first problem so the run can report it once instead of after every statement.
final class NotebookWriter {
    let files: [NotebookFile]
    private let recorder: NotebookRecorder
    private(set) var problem: NotebookFileProblem?

    init(files: [NotebookFile], recorder: NotebookRecorder) {
        self.files = files
        self.recorder = recorder
    }

    func write() {
        guard !files.isEmpty else { return }
        let notebook = recorder.notebook
        for file in files {
            do { try file.write(notebook) } catch { problem = problem ?? error }
        }
    }
}
