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

    init(session: ScriptSession, reader: LineReader, output: OutputSink, errors: OutputSink,
         interrupts: InterruptWatcher? = nil, notebook: NotebookRecorder? = nil) {
        self.session = session
        self.notebook = notebook
        self.interrupts = interrupts
        self.reader = reader
        self.output = output
        self.errors = errors
    }

    /// Runs until end of input; returns the exit status (always 0: errors belong to cells).
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
                if !line.allSatisfy(\.isWhitespace) { reader.addToHistory(line) }
                cell += cell.isEmpty ? line : "\n" + line
                if cell == line, let command = NotebookCommand.parse(line) {
                    saveNotebook(command)
                    cell = ""
                    continue
                }
                if session.needsMoreInput(cell) { continue }
                execute(cell)
                cell = ""
                // SIGTERM or SIGHUP stopped the cell: the session ends (128 + the signal).
                if let signal = interrupts?.terminatingSignal { return 128 + signal }
            }
        }
    }

    private func execute(_ source: String) {
        defer { cellNumber += 1 }
        let run = {
            do throws(ScriptError) {
                try self.session.run(source, file: "<cell \(self.cellNumber)>")
            } catch {
                self.notebook?.recordFailure(error)
                self.output.flush()
                self.errors.write("\(error)\n")
                self.errors.flush()
            }
        }
        guard let interrupts else { return run() }
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
        }
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
