import ArgumentParser
import Foundation
import Interpreter

/// `lrps`: runs a script file, `-e` text, or standard input; with a terminal on standard input and
/// nothing to run, starts the REPL. Exit status 0 success, 1 script error, 2 bad usage.
@main
struct LRPS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrps",
        abstract: "Explain neural network predictions with layer-wise relevance propagation.",
        discussion: """
            Runs an lrps script. Without a script or -e, reads the script from standard input, \
            or starts an interactive session when standard input is a terminal (history in \
            ~/.lrps_history, or $LRPS_HISTFILE). Exit status: 0 success, 1 script error, 2 usage.
            """,
        version: lrpsVersion)

    @Option(name: .customShort("e"), help: ArgumentHelp("Run these statements instead of a script file.",
                                                        valueName: "statements"))
    var statements: String?

    @Argument(help: ArgumentHelp("The script to run.", valueName: "file.lrps"))
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script.")
    var arguments: [String] = []

    /// The arguments meant for the script. `Session` has no way to receive them yet, so they
    /// are only collected.
    var scriptArguments: [String] {
        statements != nil ? (script.map { [$0] } ?? []) + arguments : arguments
    }

    static func main() {
        let status: Int32
        do {
            var command = try parseAsRoot()
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
        let host = TerminalHost(output: output, environment: ProcessInfo.processInfo.environment)
        let session = Session(host: host)
        let watcher = InterruptWatcher()

        func runScript(_ source: String, file: String) -> Int32 {
            let run = { () -> Int32 in
                do {
                    try session.run(source, file: file)
                    return 0
                } catch {
                    output.flush()
                    errors.write("\(error)\n")
                    return 1
                }
            }
            guard let watcher else { return run() }
            let (status, interrupted) = watcher.guarding(cancel: { session.cancel() }, run)
            return interrupted ? 130 : status  // a script stopped by Ctrl-C exits as shells expect
        }

        if let statements {
            return runScript(statements, file: "<expr>")
        }
        if let script {
            switch readScript(atPath: script) {
            case .success(let source): return runScript(source, file: script)
            case .failure(let problem):
                errors.write("lrps: \(problem.message)\n")
                return 2
            }
        }
        if isatty(0) == 1 {
            return interact(session: session, output: output, errors: errors)
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let source = String(data: input, encoding: .utf8) else {
            errors.write("lrps: standard input is not UTF-8 text\n")
            return 2
        }
        return runScript(source, file: "<stdin>")
    }

    private func interact(session: Session, output: OutputSink, errors: OutputSink) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let historyPath = environment["LRPS_HISTFILE"]
            ?? environment["HOME"].map { ($0 as NSString).appendingPathComponent(".lrps_history") }
        guard let editor = LineEditor(historyPath: historyPath, complete: session.completions(forLine:)) else {
            errors.write("lrps: cannot set up line editing on this terminal\n")
            return 2
        }
        return REPL(session: session, reader: editor, output: output, errors: errors,
                    interrupts: InterruptWatcher()).run()
    }
}

struct ScriptReadProblem: Error {
    var message: String
}

/// The text of a script file, or why it can't be had (missing, a directory, unreadable, not UTF-8).
func readScript(atPath path: String) -> Result<String, ScriptReadProblem> {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        return .failure(ScriptReadProblem(message: "no such script file: \(path)"))
    }
    guard !isDirectory.boolValue else {
        return .failure(ScriptReadProblem(message: "\(path) is a directory, not a script file"))
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        return .failure(ScriptReadProblem(message: "cannot read script file: \(path)"))
    }
    guard let text = String(data: data, encoding: .utf8) else {
        return .failure(ScriptReadProblem(message: "script file is not UTF-8 text: \(path)"))
    }
    return .success(text)
}
