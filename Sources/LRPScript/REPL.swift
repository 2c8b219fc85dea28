import Foundation
import Interpreter

/// The interactive loop: numbered cells like a notebook (`[1]> `), continuation lines (`...> `)
/// while the statement is unfinished, errors reported without ending the session.
final class REPL {
    private let session: ScriptSession
    private let reader: LineReader
    private let output: OutputSink
    private let errors: OutputSink
    /// The number of the next cell; it advances each time a cell is run, successfully or not.
    private(set) var cellNumber = 1
    /// Routes Ctrl-C during a cell to `session.cancel()`; nil in tests with a scripted reader.
    private let interrupts: InterruptWatcher?
    /// Records the session for `notebook save FILE`; nil when the session isn't recorded.
    private let notebook: NotebookRecorder?
    /// Signalled when an abandoned cell (second Ctrl-C) has really stopped; until then the next
    /// cell waits, since cells share the session's variables.
    private var abandoned: DispatchSemaphore?
    /// The status of an `exit` the last cell ran.
    private var exitStatus: Int32?

    init(session: ScriptSession, reader: LineReader, output: OutputSink, errors: OutputSink,
         interrupts: InterruptWatcher? = nil, notebook: NotebookRecorder? = nil) {
        self.session = session
        self.notebook = notebook
        self.interrupts = interrupts
        self.reader = reader
        self.output = output
        self.errors = errors
    }

    /// Runs until end of input or `exit`; returns the exit status (0 unless `exit N` says
    /// otherwise: errors belong to cells).
    func run() -> Int32 {
        var cell = ""
        while true {
            output.flush()
            switch reader.readLine(prompt: cell.isEmpty ? "[\(cellNumber)]> " : "...> ") {
            case .endOfInput:
                return 0
            case .interrupted:
                cell = ""
            case .line(let line):
                if cell.isEmpty && line.allSatisfy(\.isWhitespace) { continue }
                cell += cell.isEmpty ? line : "\n" + line
                if cell == line, let command = NotebookCommand.parse(line) {
                    reader.addToHistory(line)
                    saveNotebook(command)
                    cell = ""
                    continue
                }
                if session.needsMoreInput(cell) { continue }
                // The whole cell is one history entry: a block comes back as it was typed.
                reader.addToHistory(cell)
                if let status = execute(cell) { return status }
                if cell.trimmingCharacters(in: .whitespaces) == "help" { output.write(REPL.sessionHelp) }
                cell = ""
                // SIGTERM or SIGHUP stopped the cell: the session ends (128 + the signal).
                if let signal = interrupts?.terminatingSignal { return 128 + signal }
            }
        }
    }

    /// What `help` adds in the REPL: what only a session has.
    static let sessionHelp = """
        In this session:
          notebook save FILE.html|FILE.md   the session so far as a notebook (not a cell of its own)
          a block (if/for/def ... end)      continues over lines ("...>") until its end
          exit, or Ctrl-D                   leaves; Ctrl-C stops the running cell, or abandons the line

        """

    /// Runs one cell; returns the status when it ran `exit`.
    private func execute(_ source: String) -> Int32? {
        defer { cellNumber += 1 }
        exitStatus = nil
        let run = { () -> Void in
            do throws(ScriptError) {
                self.exitStatus = try self.session.run(source, file: "<cell \(self.cellNumber)>")
            } catch {
                self.notebook?.recordFailure(error)
                self.output.flush()
                self.errors.write("\(error)\n")
                self.errors.flush()
            }
        }
        guard let interrupts else { run(); return exitStatus }
        // A Ctrl-C while the cell runs stops it; the session and its variables stay. The cell runs
        // on its own thread so that a second Ctrl-C can abandon it at once: the prompt returns,
        // the cell stops in the background (it assigns nothing once stopped), and the next cell
        // waits for it.
        let wake = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        _ = interrupts.guarding(cancel: { [session] in session.cancel() }, abandon: { wake.signal() }) {
            if let previous = abandoned {
                // Wait for the abandoned cell to stop, unless abandoned again (two more Ctrl-C).
                while previous.wait(timeout: .now() + .milliseconds(50)) != .success {
                    if wake.wait(timeout: .now()) == .success { return }
                }
                abandoned = nil
            }
            let job = CellJob(run: run)
            let worker = Thread {
                job.run()
                finished.signal()
                wake.signal()
            }
            worker.stackSize = 64 << 20  // the parser and evaluator recurse (128 levels at most)
            worker.start()
            wake.wait()
        }
        if abandoned != nil {
            errors.write("\nthe abandoned cell is still stopping; this cell did not run\n")
            errors.flush()
        } else if finished.wait(timeout: .now()) != .success {
            abandoned = finished
            output.flush()
            errors.write("\nabandoned: the cell stops in the background; the session keeps its variables\n")
            errors.flush()
            return nil
        }
        return exitStatus
    }

    /// `notebook save FILE`: the session so far as HTML or Markdown; not a cell of its own.
    private func saveNotebook(_ command: Result<String, NotebookFileProblem>) {
        do {
            guard let notebook else { throw NotebookFileProblem(message: "notebook save: this session is not recorded") }
            let file = try NotebookFile(path: command.get())
            let contents = notebook.liveNotebook
            try file.write(contents)
            output.write("notebook saved to \(file.path) (\(contents.cells.count) cells, \(contents.figures.count) figures)\n")
        } catch {
            output.flush()
            errors.write("\(error)\n")
            errors.flush()
        }
    }
}

/// A cell's work handed to its thread. The REPL's thread only waits meanwhile, and an abandoned
/// cell is waited for before the next one starts, so the session is never used by two at once.
private struct CellJob: @unchecked Sendable {
    let run: () -> Void
}
