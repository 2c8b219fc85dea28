import Foundation
import Glibc
import XCTest

/// `lrps` running on a pseudo-terminal, as if a person sat at it: the child is a session leader
/// with the pty as controlling terminal, so Ctrl-C typed into it raises SIGINT like in a real
/// terminal. Every wait has a deadline so a hang fails the test instead of hanging it.
final class PseudoTerminal {
    private let master: Int32
    private(set) var pid: pid_t = 0
    /// Everything the terminal has shown so far (escape sequences included), as bytes so that
    /// chunk boundaries can't disturb matching.
    private var bytes: [UInt8] = []
    /// Where `expect` starts looking; moved past each match.
    private var searchStart = 0
    var transcript: String { String(decoding: bytes, as: UTF8.self) }
    private var unmatched: String { String(decoding: bytes[searchStart...], as: UTF8.self) }
    private var exitStatus: Int32?

    init(executable: URL, arguments: [String] = [], environment: [String: String]) throws {
        var masterDescriptor: Int32 = -1
        var slaveDescriptor: Int32 = -1
        var name = [CChar](repeating: 0, count: 4096)  // openpty writes the slave's path here
        guard openpty(&masterDescriptor, &slaveDescriptor, &name, nil, nil) == 0 else {
            throw XCTSkip("no pseudo-terminals available")
        }
        master = masterDescriptor
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        // The child opens the slave by name; the parent's descriptor only has to exist until then.
        defer { close(slaveDescriptor) }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid in the child, so the pty becomes its controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let setSessionID: Int16 = 0x80  // POSIX_SPAWN_SETSID (glibc 2.26+), not exported to Swift
        posix_spawnattr_setflags(&attributes, setSessionID)

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        // Sanitizer settings pass through, so a sanitized test run configures the child too.
        var environment = environment
        for (key, value) in ProcessInfo.processInfo.environment where key.hasSuffix("SAN_OPTIONS") && environment[key] == nil {
            environment[key] = value
        }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(master)
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(result))
        }
    }

    deinit {
        if exitStatus == nil && pid > 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types `keys` (raw bytes: "\r" is Enter, "\t" Tab, "\u{3}" Ctrl-C, "\u{4}" Ctrl-D).
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        while !bytes.isEmpty {
            let written = write(master, bytes, bytes.count)
            if written < 0 { if errno == EINTR { continue }; return }
            bytes.removeFirst(written)
        }
    }

    /// Waits until `text` appears after the previous match; fails the test on timeout.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 10,
                file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let needle = Array(text.utf8)
        while true {
            if let end = find(needle) {
                searchStart = end
                return true
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                XCTFail("timed out waiting for \(text.debugDescription); terminal showed after the last match: "
                        + unmatched.debugDescription, file: file, line: line)
                return false
            }
            _ = readAvailable(waitingAtMost: remaining)
        }
    }

    /// Reads whatever arrives within `seconds` into the transcript (for checking absences).
    func settle(for seconds: TimeInterval = 0.3) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while deadline.timeIntervalSinceNow > 0, readAvailable(waitingAtMost: deadline.timeIntervalSinceNow) {}
        return unmatched
    }

    /// The end of the first occurrence of `needle` at or after `searchStart`.
    private func find(_ needle: [UInt8]) -> Int? {
        guard needle.count <= bytes.count - searchStart else { return nil }
        for start in searchStart...(bytes.count - needle.count)
        where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start + needle.count
        }
        return nil
    }

    /// Waits for the child to exit, reading its last output; nil (and a failure) on timeout.
    func waitForExit(timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                _ = settle(for: 0.05)
                let code: Int32 = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                exitStatus = code
                return code
            }
            _ = readAvailable(waitingAtMost: 0.05)
        }
        XCTFail("lrps did not exit within \(timeout) s; it showed: " + transcript.suffix(300).debugDescription,
                file: file, line: line)
        return nil
    }

    /// true if something was read before the wait ran out.
    private func readAvailable(waitingAtMost seconds: TimeInterval) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(1, min(seconds, 1) * 1000)))
        guard ready > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else {
            usleep(20_000)  // EIO once the child has closed the terminal
            return false
        }
        bytes += buffer[..<count]
        return true
    }
}
