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
final class TerminalHost: Host {
    private let output: OutputSink
    private let environment: [String: String]
    private let columns: () -> Int
    /// Encodes an image as PNG; nil until LRPKit's encoder is wired in (then inline protocols work).
    var pngEncoder: ((Image) -> [UInt8]?)?

    init(output: OutputSink, environment: [String: String],
         columns: @escaping () -> Int = { terminalColumns(fileDescriptor: 1) }) {
        self.output = output
        self.environment = environment
        self.columns = columns
    }

    func write(_ text: String) {
        output.write(text)
    }

    func show(_ image: Image, caption: String) {
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
