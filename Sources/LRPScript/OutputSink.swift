#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered output to a file descriptor. Writes go straight through when the descriptor is a
/// terminal (so progress shows while a script runs) and are collected otherwise; the owner flushes
/// before anything goes to another stream (errors) and at exit, so the order stays right.
final class OutputSink {
    let fileDescriptor: Int32
    let isTerminal: Bool
    private var pending: [UInt8] = []
    private let capacity = 1 << 16

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        isTerminal = isatty(fileDescriptor) == 1
    }

    func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if isTerminal || pending.count >= capacity { flush() }
    }

    func flush() {
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { bytes in
                #if canImport(Glibc)
                Glibc.write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                Darwin.write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                break  // the reader went away; nothing sensible left to do with the output
            }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }
}
