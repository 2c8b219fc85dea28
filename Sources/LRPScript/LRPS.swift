import ArgumentParser
import Foundation
import Interpreter
import LRPKit

/// `lrps`: runs a script file, `-e` text, or standard input; with a terminal on standard input and
/// nothing to run, starts the REPL. Exit status 0 success, 1 script error, 2 bad usage, N from
/// `exit N`, 124 when `--timeout` stopped the run, 130 after Ctrl-C.
@main
struct LRPS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrps",
        abstract: "Explain neural network predictions with layer-wise relevance propagation.",
        discussion: """
            Runs an lrps script. Without a script or -e, reads the script from standard input, \
            or starts an interactive session when standard input is a terminal (history in \
            ~/.lrps_history, or $LRPS_HISTFILE). Exit status: 0 success, 1 script error or failed \
            assert, 2 usage, N from `exit N`, 124 --timeout reached, 130 interrupted (Ctrl-C).
            """,
        version: lrpsVersion)

    @Option(name: .customShort("e"), help: ArgumentHelp("Run these statements instead of a script file.",
                                                        valueName: "statements"))
    var statements: String?

    @Option(help: ArgumentHelp("""
        Also write the run as a notebook: OUT.html (one self-contained page) or OUT.md (figures \
        in OUT_files/ beside it); rewritten after each statement. May be given more than once.
        """, valueName: "out.html|out.md"))
    var notebook: [String] = []

    @Option(name: .customLong("memory-limit"), help: ArgumentHelp("""
        The memory all live data may take, e.g. 512M or 8G (default 4G, or $LRPS_MEMORY_LIMIT): \
        tensors in variables and in work, decompressed files, parsed text. A statement asking \
        for more fails with a message naming it instead of exhausting the machine.
        """, valueName: "size"))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("""
        Stop a script that runs longer than this many seconds (for CI): the running statement \
        fails with a message and lrps exits with status 124.
        """, valueName: "seconds"))
    var timeout: Double?

    @Flag(help: "Print the version, the BLAS library, its kernels and the thread counts, and exit.")
    var info = false

    @Option(name: .customLong("write-dir"), help: ArgumentHelp("""
        Allow `save` and notebooks to write only inside this folder (and its subfolders); may be \
        given more than once. Without it, anywhere the user may write.
        """, valueName: "dir"))
    var writeDirectories: [String] = []

    @Flag(name: .customLong("read-only"), help: "Write no files at all: `save` and notebooks are refused.")
    var readOnly = false

    @Argument(help: ArgumentHelp("The script to run.", valueName: "file.lrps"))
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script.")
    var arguments: [String] = []

    /// The command line as typed (tests set it). ArgumentParser drops a `--` that comes before
    /// the first positional argument, which decides what belongs to the script.
    nonisolated(unsafe) static var commandLine: [String] = Array(CommandLine.arguments.dropFirst())

    /// Whether a `--` came before the script (or, with -e, before the first argument): then
    /// everything after it is the script's, `--notebook` included.
    var optionsEnded: Bool {
        guard let script, let dash = LRPS.commandLine.firstIndex(of: "--") else { return false }
        return dash + 1 < LRPS.commandLine.count && LRPS.commandLine[dash + 1] == script
            && !LRPS.commandLine[..<dash].contains(script)
    }

    /// lrps's own options that may also follow the script (`lrps run.lrps --notebook out.html`):
    /// the script's arguments are captured as they come, so lrps takes these back from them, up
    /// to a `--`. (A `--write-dir` after the script must not silently become a script argument.)
    static let trailingOptions = ["--notebook", "--write-dir"]
    static let trailingFlags = ["--read-only"]

    /// The values of a trailing option given after the script.
    func trailingValues(_ option: String) -> [String] {
        var values: [String] = []
        var rest = optionsEnded ? [] : arguments[...]
        while let argument = rest.first, argument != "--" {
            rest = rest.dropFirst()
            if argument == option, let value = rest.first {
                values.append(value)
                rest = rest.dropFirst()
            } else if argument.hasPrefix(option + "=") {
                values.append(String(argument.dropFirst(option.count + 1)))
            }
        }
        return values
    }

    /// `--notebook` paths, including those after the script.
    var notebookPaths: [String] { notebook + trailingValues("--notebook") }
    /// `--write-dir` folders, including those after the script.
    var writableFolders: [String] { writeDirectories + trailingValues("--write-dir") }
    /// `--read-only`, before or after the script.
    var isReadOnly: Bool { readOnly || arguments.prefix { $0 != "--" }.contains("--read-only") }

    /// The arguments meant for the script (the script sees them as the list `args`): everything
    /// after the script name but lrps's own `--notebook` options; after a `--`, everything.
    var scriptArguments: [String] {
        let all = statements != nil ? (script.map { [$0] } ?? []) + arguments : arguments
        if optionsEnded { return all }
        var kept: [String] = []
        var rest = all[...]
        while let argument = rest.first {
            rest = rest.dropFirst()
            if argument == "--" { kept += rest; break }
            if LRPS.trailingOptions.contains(argument) { rest = rest.dropFirst(); continue }
            if LRPS.trailingFlags.contains(argument) { continue }
            if LRPS.trailingOptions.contains(where: { argument.hasPrefix($0 + "=") }) { continue }
            kept.append(argument)
        }
        return kept
    }

    static func main() {
        BLASKernel.prepare()  // before any thread starts: it may re-run OpenBLAS's kernel selection
        var arguments = Array(CommandLine.arguments.dropFirst())
        // Two words before any option name a mode: `lrps kernel ...` (Jupyter) and `lrps run FILE`
        // (the same as `lrps FILE`, for notebooks: `lrps run tutorial.ipynb`).
        if arguments.first == "kernel" { Foundation.exit(KernelCommand.run(Array(arguments.dropFirst()))) }
        if arguments.first == "run" { arguments.removeFirst() }
        let status: Int32
        do {
            var command = try parseAsRoot(arguments)
            if let lrps = command as? LRPS {
                status = lrps.execute()
            } else {
                try command.run()  // the built-in help command: ends in CleanExit, handled below
                status = 0
            }
        } catch {
            if exitCode(for: error) == .success {  // --help, --version
                FileHandle.standardOutput.write(Data((fullMessage(for: error) + "\n").utf8))
                status = 0
            } else {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                status = 2
            }
        }
        Foundation.exit(status)
    }

    func run() throws {
        let status = execute()
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs what the command line asks for; returns the exit status.
    func execute() -> Int32 {
        let output = OutputSink(fileDescriptor: 1)
        let errors = OutputSink(fileDescriptor: 2)
        defer { output.flush(); errors.flush() }
        if info {
            output.write((["lrps \(lrpsVersion)"] + BLASKernel.report + [ConvolutionKernel.report]).joined(separator: "\n") + "\n")
            return 0
        }
        if let timeout, !(timeout > 0 && timeout < 1e9) {
            errors.write("lrps: --timeout: '\(formatNumber(timeout))' is not a number of seconds above 0\n")
            return 2
        }
        if let limit = memoryLimit ?? ProcessInfo.processInfo.environment["LRPS_MEMORY_LIMIT"] {
            guard let bytes = parseByteSize(limit), bytes >= 4 else {
                errors.write("lrps: --memory-limit: '\(limit)' is not a size such as 512M or 8G\n")
                return 2
            }
            MemoryBudget.limit = bytes
        } else {
            MemoryBudget.limit = MemoryBudget.defaultLimit  // (sets the baseline: now, at start-up)
        }
        if isReadOnly {
            guard notebookPaths.isEmpty else {
                errors.write("lrps: --notebook writes a file, which --read-only forbids\n")
                return 2
            }
            AtomicFile.readOnly = true
        }
        if !writableFolders.isEmpty {
            AtomicFile.writableFolders = writableFolders.map { ($0 as NSString).expandingTildeInPath }
        }
        let terminal = TerminalHost(output: output, progressOutput: errors,
                                    environment: ProcessInfo.processInfo.environment)
        terminal.pngEncoder = { try? PNGFile.encode($0, path: "image") }
        let notebookFiles: [NotebookFile]
        do {
            notebookFiles = try notebookPaths.map { (path) throws(NotebookFileProblem) in try NotebookFile(path: path) }
        } catch {
            errors.write("lrps: \(error)\n")
            return 2
        }
        let interactive = statements == nil && script == nil && isatty(0) == 1
        // Recording costs a PNG encoding per figure: only for a notebook or the REPL's `notebook save`.
        let recorder = notebookFiles.isEmpty && !interactive ? nil
            : NotebookRecorder(forwardingTo: terminal, title: script ?? (statements != nil ? "<expr>"
                               : interactive ? "interactive session" : "<stdin>"))
        let writer = recorder.map { NotebookWriter(files: notebookFiles, recorder: $0) }
        recorder?.onChange = { [weak writer] in writer?.write() }  // weak: the writer holds the recorder
        let session = Session(host: recorder ?? terminal)
        session.define("args", strings: scriptArguments)
        if let script {
            let absolute = script.hasPrefix("/") ? script : FileManager.default.currentDirectoryPath + "/" + script
            session.scriptDirectory = (URL(fileURLWithPath: absolute).standardizedFileURL.path as NSString).deletingLastPathComponent
        }
        let watcher = InterruptWatcher()
        let title = script ?? (statements != nil ? "<expr>" : interactive ? "interactive session" : "<stdin>")
        /// What the notebook says when a signal ended the run.
        func stopped(by signal: Int32) -> ScriptError {
            ScriptError(location: SourceLocation(file: title, line: 1, column: 1),
                        message: "stopped by \(signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : "Ctrl-C")", sourceLine: "")
        }
        // A signal that ends lrps at once (a second one, or one while no statement runs) still
        // marks the notebook as stopped rather than leaving it "running".
        watcher?.onTerminate = { [weak recorder, weak writer] signal in
            recorder?.finish(error: stopped(by: signal))
            writer?.write()
        }

        /// Writes the notebook files a last time; a problem writing them fails a run that succeeded.
        func finishNotebook(_ status: Int32) -> Int32 {
            guard let writer, !writer.files.isEmpty else { return status }
            writer.write()
            guard let problem = writer.problem else { return status }
            output.flush()
            errors.write("lrps: \(problem)\n")
            return status == 0 ? 1 : status
        }

        let deadline = timeout.map { Deadline(seconds: $0) }
        func runScript(_ source: String, file: String) -> Int32 {
            runScript([(source, file)])
        }

        /// Runs the pieces in order in one session (one piece for a script, a cell each for a notebook).
        func runScript(_ pieces: [(source: String, file: String)]) -> Int32 {
            deadline?.start { session.cancel(reason: $0) }
            let run = { () -> Int32 in
                do throws(ScriptError) {
                    var status: Int32?
                    for piece in pieces where status == nil { status = try session.run(piece.source, file: piece.file) }
                    recorder?.finish(error: nil, source: pieces.last?.source)
                    return status ?? 0
                } catch {
                    recorder?.finish(error: error)
                    output.flush()
                    errors.write("\(error)\n")
                    return 1
                }
            }
            guard let watcher else { return finishNotebook(deadline?.passed == true ? Deadline.status : run()) }
            let (status, interrupted) = watcher.guarding(cancel: { session.cancel() }, run)
            if deadline?.passed == true && status != 0 { return finishNotebook(Deadline.status) }
            // A script stopped by Ctrl-C (SIGTERM, SIGHUP) exits as shells expect, 130 (143,
            // 129), after writing what it has.
            return finishNotebook(interrupted ? 128 + (watcher.terminatingSignal ?? SIGINT) : status)
        }

        if let statements {
            return runScript(statements, file: "<expr>")
        }
        if let script, script.lowercased().hasSuffix(".ipynb") {
            // A Jupyter notebook: its code cells run in order, each named `FILE[N]` in errors.
            switch readScript(atPath: script).flatMap({ NotebookIpynb.codeCells(of: Data($0.utf8), path: script) }) {
            case .success(let cells):
                return runScript(cells.map { (source: $0.source, file: "\(script)[\($0.number)]") })
            case .failure(let problem):
                errors.write("lrps: \(problem.message)\n")
                return 2
            }
        }
        if let script {
            switch readScript(atPath: script) {
            case .success(let source): return runScript(source, file: script)
            case .failure(let problem):
                errors.write("lrps: \(problem.message)\n")
                return 2
            }
        }
        if interactive {
            let status = interact(session: session, output: output, errors: errors, notebook: recorder, interrupts: watcher)
            recorder?.finish(error: status > 128 ? stopped(by: status - 128) : nil)
            return finishNotebook(status)
        }
        switch readScript(descriptor: 0, name: "standard input") {
        case .success(let source): return runScript(source, file: "<stdin>")
        case .failure(let problem):
            errors.write("lrps: \(problem.message)\n")
            return 2
        }
    }

    private func interact(session: Session, output: OutputSink, errors: OutputSink,
                          notebook: NotebookRecorder?, interrupts: InterruptWatcher?) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let historyPath = environment["LRPS_HISTFILE"]
            ?? environment["HOME"].map { ($0 as NSString).appendingPathComponent(".lrps_history") }
        guard let editor = LineEditor(historyPath: historyPath, complete: session.completions(forLine:)) else {
            errors.write("lrps: cannot set up line editing on this terminal\n")
            return 2
        }
        return REPL(session: session, reader: editor, output: output, errors: errors,
                    interrupts: interrupts, notebook: notebook).run()
    }
}

/// "4G", "512M", "100K", "1000" (bytes; binary multiples) -> bytes; nil when malformed.
func parseByteSize(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = text.uppercased()
    if digits.hasSuffix("B") { digits.removeLast() }
    var scale = 1
    if let last = digits.last, let unit = units[last] { scale = unit; digits.removeLast() }
    guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
    let bytes = value * Double(scale)
    return bytes < Double(Int.max) ? Int(bytes) : nil
}

struct ScriptReadProblem: Error {
    var message: String
}

/// The most bytes of script text lrps reads: parsing costs about 20 bytes per byte of text, and
/// `lrps < /dev/zero` must end with a message, not exhaust the machine.
let maximumScriptBytes = 16 << 20

/// The text of a script file, or why it can't be had (missing, a directory, unreadable, too
/// large, not UTF-8).
func readScript(atPath path: String) -> Result<String, ScriptReadProblem> {
    let shown = escapingControlCharacters(path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        return .failure(ScriptReadProblem(message: "no such script file: \(shown)"))
    }
    guard !isDirectory.boolValue else {
        return .failure(ScriptReadProblem(message: "\(shown) is a directory, not a script file"))
    }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        return .failure(ScriptReadProblem(message: "cannot read script file: \(shown)"))
    }
    defer { close(descriptor) }
    return readScript(descriptor: descriptor, name: "script file \(shown)")
}

/// Reads script text from `descriptor` up to `maximumScriptBytes` (a FIFO or a device has no
/// size to check first, so the bound is on what is read).
func readScript(descriptor: Int32, name: String) -> Result<String, ScriptReadProblem> {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n >= 0 else {
            return .failure(ScriptReadProblem(message: "cannot read \(name): \(String(cString: strerror(errno)))"))
        }
        if n == 0 { break }
        guard data.count + n <= maximumScriptBytes else {
            return .failure(ScriptReadProblem(message: "\(name) is larger than the limit of \(maximumScriptBytes >> 20) MiB for a script"))
        }
        data.append(contentsOf: buffer[..<n])
    }
    guard let text = String(data: data, encoding: .utf8) else {
        return .failure(ScriptReadProblem(message: "\(name) is not UTF-8 text"))
    }
    return .success(text)
}

/// `--timeout`: after so many seconds the run is asked to stop, with a message saying why.
final class Deadline: @unchecked Sendable {
    /// The exit status of a run the deadline stopped (as GNU timeout's).
    static let status: Int32 = 124
    let seconds: Double
    private let lock = NSLock()
    private var reached = false

    init(seconds: Double) { self.seconds = seconds }

    var passed: Bool { lock.lock(); defer { lock.unlock() }; return reached }

    /// Calls `stop` with the message once the time is up, from another thread (`stop` must be
    /// safe there, as `Session.cancel` is).
    func start(_ stop: @escaping (String) -> Void) {
        let message = "stopped: the run took longer than --timeout \(formatNumber(seconds)) seconds"
        let call = CrossThreadCall(stop)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.lock(); reached = true; lock.unlock()
            call.body(message)
        }
    }
}

/// A closure handed to another thread on purpose (the Ctrl-C watcher does the same).
private struct CrossThreadCall: @unchecked Sendable {
    let body: (String) -> Void
    init(_ body: @escaping (String) -> Void) { self.body = body }
}
