#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Interpreter
import LRPKit

/// The interpreter's host for `lrps`: text goes to standard output; images are drawn in the
/// terminal (inline-image protocol when the terminal has one and a PNG encoder is available,
/// 24-bit half-blocks otherwise), or summarised as `[image] caption` when output is not a terminal.
/// Work over a data set draws a progress bar on `progressOutput` (standard error, only when it
/// is a terminal), redrawn in place with `\r` and cleared when the work is done.
final class TerminalHost: Host {
    private let output: OutputSink
    private let progressOutput: OutputSink?
    private let environment: [String: String]
    private let columns: () -> Int
    /// Encodes an image as PNG, for the inline-image protocols.
    var pngEncoder: ((Image) -> [UInt8]?)?
    /// The task the bar shows and when it started (the rate and time left are measured from then).
    private var progressTask: (name: String, total: Int, started: ContinuousClock.Instant)?
    private var barIsShown = false

    init(output: OutputSink, progressOutput: OutputSink? = nil, environment: [String: String],
         columns: @escaping () -> Int = { terminalColumns(fileDescriptor: 1) }) {
        self.output = output
        self.progressOutput = progressOutput.flatMap { $0.isTerminal ? $0 : nil }
        self.environment = environment
        self.columns = columns
    }

    func write(_ text: String) {
        clearProgress()
        output.write(text)
    }

    func progress(_ task: String, completed: Int, total: Int) {
        guard let progressOutput else { return }
        if completed == 0 || progressTask?.name != task || progressTask?.total != total {
            progressTask = (task, total, ContinuousClock.now)
        }
        guard completed < total, let started = progressTask?.started else {
            clearProgress()
            progressTask = nil
            return
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        let line = ProgressBar.line(task: task, completed: completed, total: total, elapsed: seconds,
                                    columns: terminalColumns(fileDescriptor: progressOutput.fileDescriptor))
        output.flush()
        progressOutput.write("\r" + line + "\u{1B}[K")
        barIsShown = true
    }

    func didRun(_ statement: StatementSource, seconds: Double, error: ScriptError?) {
        clearProgress()  // work stopped by an error or Ctrl-C leaves no half bar behind
        progressTask = nil
    }

    private func clearProgress() {
        guard barIsShown, let progressOutput else { return }
        progressOutput.write("\r\u{1B}[K")
        barIsShown = false
    }

    func show(_ image: Image, caption: String) {
        clearProgress()
        guard output.isTerminal else {
            output.write("[image] \(caption)\n")
            return
        }
        if let inline = InlineImageProtocol(environment: environment), let png = pngEncoder?(image) {
            output.write(inline.sequence(forPNG: png))
        } else {
            output.write(HalfBlockRenderer(maximumColumns: columns()).render(image))
        }
        output.write("\(caption)\n")
    }
}

/// The terminal's width in columns: the window size if `fileDescriptor` is a terminal, else
/// `$COLUMNS`, else 80.
func terminalColumns(fileDescriptor: Int32) -> Int {
    var size = winsize()
    if ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
        return Int(size.ws_col)
    }
    if let text = getenv("COLUMNS"), let value = Int(String(cString: text)), value > 0 {
        return value
    }
    return 80
}
