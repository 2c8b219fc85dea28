#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEdit
import LRPKit

/// One result of asking the user for a line.
enum LineInput: Equatable {
    case line(String)
    /// Ctrl-C: the line being typed was abandoned.
    case interrupted
    /// Ctrl-D on an empty line, or the input closed.
    case endOfInput
}

/// Where the REPL gets its lines; libedit in a terminal, a fake in tests.
protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    func addToHistory(_ line: String)
}

/// A libedit line editor with emacs key bindings, persistent history, Tab completion and Ctrl-C
/// that abandons the current line instead of ending the program.
///
/// libedit's C callbacks can't capture Swift context, so they find this object through
/// EL_CLIENTDATA. Ctrl-C while a line is read: the SIGINT handler writes a byte to a pipe (the
/// self-pipe trick; the signal may land on any thread), our read function polls standard input
/// and that pipe, reports the interrupt as a read error (EINTR), and el_gets gives up the line.
/// (libedit's own read function retries once after EINTR, which would swallow the first Ctrl-C.)
/// Outside line reading SIGINT has its default effect, since a running statement can't be
/// cancelled yet.
final class LineEditor: LineReader {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private let complete: (String) -> [String]
    private let input: UnsafeMutablePointer<FILE>
    private let output: UnsafeMutablePointer<FILE>
    private let errors: UnsafeMutablePointer<FILE>
    private var currentPrompt: UnsafeMutablePointer<CChar>
    /// Written to by the SIGINT handler, read by the read function.
    fileprivate let interruptPipe: (read: Int32, write: Int32)

    /// nil if the standard streams can't be opened for libedit.
    init?(historyPath: String?, complete: @escaping (String) -> [String]) {
        setlocale(LC_CTYPE, "")  // libedit decodes UTF-8 only in a UTF-8 locale
        guard let input = fdopen(0, "r"), let output = fdopen(1, "w"), let errors = fdopen(2, "w"),
              let editLine = el_init("lrps", input, output, errors), let history = history_init()
        else { return nil }
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors {  // non-blocking: draining must stop when it's empty
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
        }
        interruptPipe = (descriptors[0], descriptors[1])
        self.input = input
        self.output = output
        self.errors = errors
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        self.complete = complete
        currentPrompt = strdup("> ")

        lrps_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
        lrps_el_set_editor(editLine, "emacs")
        lrps_el_set_prompt(editLine, lineEditorPrompt)
        lrps_el_set_read_function(editLine, lineEditorReadCharacter)
        lrps_history_set_size(history, 1000)
        lrps_history_set_unique(history, 1)
        lrps_el_set_history(editLine, history)
        lrps_el_add_function(editLine, "lrps-complete", "Complete the word before the cursor", lineEditorComplete)
        lrps_el_bind(editLine, "^I", "lrps-complete")
        el_source(editLine, nil)  // the user's ~/.editrc, as other libedit programs do
        if let historyPath { lrps_history_load(history, historyPath) }
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(currentPrompt)
        close(interruptPipe.read)
        close(interruptPipe.write)
        fclose(input)
        fclose(output)
        fclose(errors)
    }

    func readLine(prompt: String) -> LineInput {
        free(currentPrompt)
        currentPrompt = strdup(prompt)

        drain(interruptPipe.read)  // a stale interrupt must not cancel this line
        return routingInterrupts(to: interruptPipe.write) { readRoutedLine() }
    }

    private func readRoutedLine() -> LineInput {
        // Raw mode before the prompt appears, so keys typed ahead aren't echoed or eaten by the
        // terminal's line discipline (a cooked-mode Ctrl-D would vanish).
        lrps_el_prepare_terminal(editLine, 1)

        var count: Int32 = 0
        guard let line = el_gets(editLine, &count) else {
            if count < 0 && errno == EINTR {
                fputs("\n", output)
                fflush(output)
                return .interrupted
            }
            fputs("\n", output)  // leave the prompt's line after Ctrl-D
            fflush(output)
            return .endOfInput
        }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    func addToHistory(_ line: String) {
        lrps_history_enter(history, line)
        if let historyPath { appendHistory(line, to: historyPath) }
    }

    fileprivate var prompt: UnsafeMutablePointer<CChar> { currentPrompt }

    /// Tab: insert the common prefix of the candidates; list them when that doesn't decide.
    fileprivate func completeAtCursor() -> UInt8 {
        guard let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let beforeCursor = info.buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        guard let completion = Completion(line: beforeCursor, candidates: complete(beforeCursor)) else {
            return UInt8(CC_ERROR)
        }
        if !completion.insertion.isEmpty {
            el_insertstr(editLine, completion.insertion)
        }
        guard !completion.alternatives.isEmpty else { return UInt8(CC_REFRESH) }
        let listing = "\n" + columnLayout(completion.alternatives, width: terminalColumns(fileDescriptor: 1))
        fputs(listing, output)
        fflush(output)
        return UInt8(CC_REDISPLAY)
    }
}

private func lineEditor(_ editLine: OpaquePointer?) -> LineEditor? {
    guard let editLine, let data = lrps_el_client_data(editLine) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
}

private func lineEditorPrompt(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    lineEditor(editLine)?.prompt
}

private func lineEditorComplete(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    lineEditor(editLine)?.completeAtCursor() ?? UInt8(CC_ERROR)
}


private func drain(_ descriptor: Int32) {
    var buffer = [UInt8](repeating: 0, count: 64)
    while read(descriptor, &buffer, buffer.count) > 0 {}
}

/// Waits until standard input is readable; false if Ctrl-C came first.
private func waitForInputUnlessInterrupted(interruptPipe: Int32) -> Bool {
    var descriptors = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: interruptPipe, events: Int16(POLLIN), revents: 0)]
    while true {
        if poll(&descriptors, 2, -1) < 0 {
            if errno == EINTR { continue }  // the handler has written to the pipe, or another signal
            return true  // let read(2) report the problem
        }
        if descriptors[1].revents != 0 {
            drain(interruptPipe)
            return false
        }
        if descriptors[0].revents != 0 { return true }
    }
}

/// Reads one UTF-8 character from standard input. Returns 1 with the character, 0 at end of
/// input, -1 (errno EINTR) when a signal — Ctrl-C — interrupted the read.
private func lineEditorReadCharacter(_ editLine: OpaquePointer?, _ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    guard let character else { return -1 }
    var bytes: [UInt8] = []
    var expected = 1
    while bytes.count < expected {
        guard let editor = lineEditor(editLine),
              waitForInputUnlessInterrupted(interruptPipe: editor.interruptPipe.read) else {
            character.pointee = 0
            errno = EINTR
            return -1
        }
        var byte: UInt8 = 0
        let count = read(0, &byte, 1)
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { continue }
            character.pointee = 0
            return -1
        }
        if count == 0 { character.pointee = 0; return 0 }
        if bytes.isEmpty {
            switch byte {
            case 0..<0x80: expected = 1
            case 0xC0..<0xE0: expected = 2
            case 0xE0..<0xF0: expected = 3
            case 0xF0..<0xF8: expected = 4
            default: continue  // a stray continuation byte: skip it
            }
        } else if byte & 0xC0 != 0x80 {
            bytes.removeAll()  // broken sequence: restart from this byte
            expected = 1
            if byte >= 0x80 { continue }
        }
        bytes.append(byte)
    }
    let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.value ?? 0xFFFD
    character.pointee = wchar_t(bitPattern: scalar)
    return 1
}

/// Appends `line` to the history file as libedit's `history_save` writes it (a `_HiStOrY_V2_`
/// first line, then one vis-encoded line per entry), with O_APPEND under an exclusive lock: two
/// REPLs sharing the file keep each other's lines (rewriting the file, as history_save does,
/// lost them). A symbolic link or anything but a regular file is not written through.
///
/// A file grown past `trimmingAbove` bytes is cut to its last `keeping` entries (at most half
/// that size), still under the lock, by an atomic replacement; a REPL that waited for the lock
/// on the replaced file notices (its descriptor no longer names the path) and opens the new one.
func appendHistory(_ line: String, to path: String, keeping limit: Int = 1000, trimmingAbove maxBytes: Int = 256 * 1024) {
    for _ in 0..<4 {
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { return }
        defer { flock(descriptor, LOCK_UN) }
        var info = stat()
        var named = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
        guard lstat(path, &named) == 0, named.st_ino == info.st_ino, named.st_dev == info.st_dev else {
            continue  // trimmed and replaced while this REPL waited: append to the new file
        }
        let bytes = Array(((info.st_size == 0 ? "_HiStOrY_V2_\n" : "") + historyEncoded(line) + "\n").utf8)
        guard writeFully(bytes, to: descriptor) else { return }
        if Int(info.st_size) + bytes.count > maxBytes {
            trimHistory(descriptor, path: path, keeping: limit, maxBytes: maxBytes / 2)
        }
        return
    }
}

private func writeFully(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}

/// Replaces the history file by its last `limit` entries that fit in `maxBytes`. The caller holds
/// the lock; a failure leaves the file as it was (history is a convenience, never an error).
private func trimHistory(_ descriptor: Int32, path: String, keeping limit: Int, maxBytes: Int) {
    var contents = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(contents.count)) }
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { return }
        if count == 0 { break }
        contents += chunk[..<count]
    }
    var entries = contents.split(separator: UInt8(ascii: "\n")).dropFirst().suffix(limit)
    var size = entries.reduce(0) { $0 + $1.count + 1 }
    while size > maxBytes, let first = entries.first {
        size -= first.count + 1
        entries = entries.dropFirst()
    }
    var text = Array("_HiStOrY_V2_\n".utf8)
    text.reserveCapacity(text.count + size)
    for entry in entries { text += entry; text.append(UInt8(ascii: "\n")) }
    try? AtomicFile.write(text, to: path)
}

/// A history line as libedit's strvis(VIS_WHITE) would write it, in the octal form its strunvis
/// reads back: visible ASCII stays, a backslash doubles, every other byte is `\ooo`.
func historyEncoded(_ line: String) -> String {
    var text = ""
    for byte in line.utf8 {
        switch byte {
        case UInt8(ascii: "\\"): text += "\\\\"
        case 0x21...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let octal = String(byte, radix: 8)
            text += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
        }
    }
    return text
}
