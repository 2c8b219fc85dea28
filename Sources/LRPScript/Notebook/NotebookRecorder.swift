import Foundation
import Interpreter
import LRPKit

/// A host that passes everything on to another (the terminal) and records the run as a
/// `Notebook`. `onChange` is called after each statement, so a notebook file can be rewritten
/// while the script runs.
final class NotebookRecorder: Interpreter.Host {
    private let inner: Interpreter.Host
    private var recorded: Notebook
    /// Checksums by loaded path, computed when a notebook is first asked for (not while loading).
    private var checksums: [String: [Notebook.DataFile]] = [:]
    /// Folder that data file paths are shown relative to (the working directory).
    private let baseDirectory: String
    var onChange: (() -> Void)?
    private var loadedPaths: [String] = []
    private var lastStatement: StatementSource?
    private var attributedError: ScriptError?
    private let clock = ContinuousClock.now

    init(forwardingTo inner: Interpreter.Host, title: String, baseDirectory: String = FileManager.default.currentDirectoryPath,
         started: Date = Date(), version: String = lrpsVersion) {
        self.inner = inner
        self.baseDirectory = baseDirectory
        recorded = Notebook(title: title, started: started, version: version)
    }

    /// The run so far, with the checksums of the data it loaded.
    var notebook: Notebook {
        var notebook = recorded
        for path in loadedPaths {
            let files = checksums[path] ?? DataChecksums.files(at: path, relativeTo: baseDirectory)
            checksums[path] = files
            notebook.dataFiles += files.filter { !notebook.dataFiles.contains($0) }
        }
        return notebook
    }

    /// The session so far, for `notebook save` in the REPL.
    var liveNotebook: Notebook {
        var notebook = self.notebook
        notebook.status = .saved(Date())
        return notebook
    }

    // MARK: Host

    func write(_ text: String) {
        inner.write(text)
        appendOutput(.text(text))
    }

    func show(_ image: Image, caption: String) {
        inner.show(image, caption: caption)
        appendFigure(image, caption: caption, path: nil)
    }

    func saved(_ image: Image, path: String, caption: String) {
        inner.saved(image, path: path, caption: caption)
        appendFigure(image, caption: caption, path: path)
    }

    func progress(_ task: String, completed: Int, total: Int) {
        inner.progress(task, completed: completed, total: total)  // a terminal matter only
    }

    func loading(_ path: String) {
        inner.loading(path)
        if !loadedPaths.contains(path) { loadedPaths.append(path) }
    }

    func willRun(_ statement: StatementSource) {
        inner.willRun(statement)
        for prose in proseBlocks(statement.linesBefore) { recorded.blocks.append(.prose(prose)) }
        if statement.index == 0 || !statement.linesBefore.isEmpty || !lastBlockIsCell {
            let number = recorded.cells.count + 1
            recorded.blocks.append(.cell(Notebook.Cell(number: number, code: statement.text, lines: statement.lines)))
        } else {
            updateLastCell { cell in
                let sameLine = lastStatement.map { $0.lines.upperBound == statement.lines.lowerBound } ?? false
                cell.code += (sameLine ? "; " : "\n") + statement.text
                cell.lines = cell.lines.map { $0.lowerBound...statement.lines.upperBound } ?? statement.lines
            }
        }
        lastStatement = statement
    }

    func didRun(_ statement: StatementSource, seconds: Double, error: ScriptError?) {
        inner.didRun(statement, seconds: seconds, error: error)
        updateLastCell { cell in
            cell.seconds += seconds
            if let error { cell.error = error.description }
        }
        if let error { attributedError = error }
        onChange?()
    }

    // MARK: Ending

    /// Records how the run ended (see `recordFailure`). After a successful
    /// run of `source`, comment blocks after its last statement become closing prose.
    func finish(error: ScriptError?, source: String? = nil) {
        if let error { recordFailure(error) }
        if error == nil, let source {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let after = min(lastStatement?.lines.upperBound ?? 0, lines.count)
            for prose in proseBlocks(Array(lines[after...])) { recorded.blocks.append(.prose(prose)) }
        }
        let seconds = (ContinuousClock.now - clock).inSeconds
        recorded.status = error == nil ? .finished(seconds: seconds) : .failed(seconds: seconds)
    }

    /// Records an error that ended a run; one no statement reported (a syntax error, an
    /// interrupt between statements) gets a cell of its own showing the offending line.
    func recordFailure(_ error: ScriptError) {
        guard error != attributedError else { return }
        let cell = Notebook.Cell(number: recorded.cells.count + 1, code: error.sourceLine,
                                 lines: error.location.line...error.location.line, error: error.description)
        recorded.blocks.append(.cell(cell))
        attributedError = error
    }

    // MARK: Recording

    private var lastBlockIsCell: Bool {
        if case .cell = recorded.blocks.last { return true }
        return false
    }

    private func updateLastCell(_ change: (inout Notebook.Cell) -> Void) {
        if !lastBlockIsCell {
            // Output outside any statement (none today): keep it in a cell of its own.
            recorded.blocks.append(.cell(Notebook.Cell(number: recorded.cells.count + 1, code: "", lines: nil)))
        }
        guard case .cell(var cell) = recorded.blocks[recorded.blocks.count - 1] else { return }
        change(&cell)
        recorded.blocks[recorded.blocks.count - 1] = .cell(cell)
    }

    private func appendOutput(_ output: Notebook.Output) {
        updateLastCell { cell in
            if case .text(let new) = output, case .text(let old)? = cell.outputs.last {
                cell.outputs[cell.outputs.count - 1] = .text(old + new)
            } else {
                cell.outputs.append(output)
            }
        }
    }

    private func appendFigure(_ image: Image, caption: String, path: String?) {
        guard let png = try? PNGFile.encode(image, path: path ?? "figure") else {
            appendOutput(.text("[image could not be encoded] \(caption)\n"))
            return
        }
        appendOutput(.figure(Notebook.Figure(png: png, width: image.width, height: image.height,
                                             caption: caption, path: path)))
    }
}

/// SHA-256 of the files a `load` read: the file itself, or each file of a folder (not recursing).
enum DataChecksums {
    static func files(at path: String, relativeTo base: String) -> [Notebook.DataFile] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        var paths = [path]
        if isDirectory.boolValue {
            let entries = (try? manager.contentsOfDirectory(atPath: path)) ?? []
            paths = entries.filter { !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
                .filter { manager.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }
        }
        return paths.compactMap { file in
            guard let data = manager.contents(atPath: file) else { return nil }
            return Notebook.DataFile(path: shown(file, relativeTo: base), bytes: data.count,
                                     sha256: sha256Hex(data))
        }
    }

    /// The path relative to `base` when it lies inside it. Symbolic links stay as they are:
    /// the header names the files as the script reached them.
    private static func shown(_ path: String, relativeTo base: String) -> String {
        guard path.hasPrefix("/") else { return path.hasPrefix("./") ? String(path.dropFirst(2)) : path }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
