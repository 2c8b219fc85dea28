import Foundation
import LRPKit

/// Ctrl-C, SIGTERM and SIGHUP while lrps runs.
///
/// - Ctrl-C while a statement runs asks the session to stop (at its next check, within a fraction
///   of a second for long operations, leaving files and variables intact). A second Ctrl-C
///   abandons the statement: in the REPL the prompt comes back at once and the session stays
///   (`guarding(cancel:abandon:)`); in a script lrps exits at once with status 130.
/// - SIGTERM and SIGHUP (`timeout` in CI, a closed terminal) are handled like Ctrl-C, then lrps
///   ends with status 143 or 129 once the statement has stopped and the notebook is marked; a
///   second one, or one arriving when no statement runs, ends it at once (after `onTerminate`).
///   Either way the temporary files of unfinished saves are removed.
///
/// The signals become bytes on a pipe (`routingInterrupts` for SIGINT, a permanent handler for
/// the others); a watcher thread turns them into calls.
final class InterruptWatcher: @unchecked Sendable {
    private let pipeEnds: (read: Int32, write: Int32)
    private let lock = NSLock()
    private var cancel: (() -> Void)?
    private var abandon: (() -> Void)?
    private var interrupts = 0
    private var terminations = 0
    /// SIGTERM or SIGHUP, once one arrived; lrps then exits with 128 + it.
    private(set) var terminatingSignal: Int32? {
        get { lock.lock(); defer { lock.unlock() }; return terminatingSignalValue }
        set { lock.lock(); terminatingSignalValue = newValue; lock.unlock() }
    }
    private var terminatingSignalValue: Int32?
    /// Called (on the watcher thread) before lrps exits at once because of a signal: marks the
    /// notebook. Temporary files are removed after it.
    var onTerminate: ((Int32) -> Void)?

    init?() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        pipeEnds = (fds[0], fds[1])
        handleTerminationSignals(writingTo: pipeEnds.write)
        let thread = Thread { [self] in watch() }
        thread.start()
    }

    /// Runs `body` with Ctrl-C routed to `cancel`; returns its result and whether Ctrl-C (or
    /// SIGTERM / SIGHUP) came. With `abandon`, a second Ctrl-C calls it instead of exiting.
    func guarding<T>(cancel: @escaping () -> Void, abandon: (() -> Void)? = nil, _ body: () -> T) -> (T, interrupted: Bool) {
        lock.lock(); self.cancel = cancel; self.abandon = abandon; interrupts = 0; lock.unlock()
        let result = routingInterrupts(to: pipeEnds.write, body)
        lock.lock()
        self.cancel = nil; self.abandon = nil
        let interrupted = interrupts > 0 || terminatingSignalValue != nil
        lock.unlock()
        return (result, interrupted)
    }

    private func watch() {
        var byte: UInt8 = 0
        while true {
            let n = read(pipeEnds.read, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return }
            let signal = Int32(byte)
            lock.lock()
            let cancel = self.cancel, abandon = self.abandon
            let count: Int
            if signal == SIGINT {
                interrupts += 1
                count = interrupts
            } else {
                terminations += 1
                count = terminations
                if terminatingSignalValue == nil { terminatingSignalValue = signal }
            }
            lock.unlock()
            if signal != SIGINT, cancel == nil || count >= 2 {
                exitNow(128 + signal, signal: signal)
            }
            if signal == SIGINT, count >= 2 {
                if let abandon { abandon(); continue }
                exitNow(130, signal: signal)
            }
            cancel?()
        }
    }

    /// Ends lrps at once: the notebook marked, unfinished saves' temporaries removed.
    private func exitNow(_ status: Int32, signal: Int32) -> Never {
        FileHandle.standardError.write(Data("\ninterrupted\n".utf8))
        onTerminate?(signal)
        AtomicFile.removeTemporaries()
        _exit(status)
    }
}

/// SIGTERM and SIGHUP write their number to `descriptor` for the whole run (unlike SIGINT, which
/// the line editor also routes, to its own pipe, while a line is read).
private func handleTerminationSignals(writingTo descriptor: Int32) {
    terminationTarget = descriptor
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { signal in
        let savedErrno = errno
        var byte = UInt8(truncatingIfNeeded: signal)
        _ = write(terminationTarget, &byte, 1)
        errno = savedErrno
    }
    sigemptyset(&action.sa_mask)
    sigaction(SIGTERM, &action, nil)
    sigaction(SIGHUP, &action, nil)
}

/// The pipe the SIGTERM / SIGHUP handler writes to (a C function pointer can't capture it).
nonisolated(unsafe) private var terminationTarget: Int32 = -1
