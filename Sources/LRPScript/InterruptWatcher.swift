import Foundation

/// Ctrl-C while a statement runs: the first asks the session to stop (it does so at its next
/// check, leaving files and variables intact); a second one exits at once with status 130.
///
/// SIGINT becomes a byte on a pipe (`routingInterrupts`); a watcher thread turns it into `cancel()`.
final class InterruptWatcher: @unchecked Sendable {
    private let pipeEnds: (read: Int32, write: Int32)
    private let lock = NSLock()
    private var cancel: (() -> Void)?
    private var interrupts = 0

    init?() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        pipeEnds = (fds[0], fds[1])
        let thread = Thread { [self] in watch() }
        thread.start()
    }

    /// Runs `body` with Ctrl-C routed to `cancel`; returns its result and whether Ctrl-C came.
    func guarding<T>(cancel: @escaping () -> Void, _ body: () -> T) -> (T, interrupted: Bool) {
        lock.lock(); self.cancel = cancel; interrupts = 0; lock.unlock()
        let result = routingInterrupts(to: pipeEnds.write, body)
        lock.lock(); self.cancel = nil; let interrupted = interrupts > 0; lock.unlock()
        return (result, interrupted)
    }

    private func watch() {
        var byte: UInt8 = 0
        while true {
            let n = read(pipeEnds.read, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return }
            lock.lock()
            interrupts += 1
            let count = interrupts, cancel = self.cancel
            lock.unlock()
            if count >= 2 {
                FileHandle.standardError.write(Data("\ninterrupted\n".utf8))
                _exit(130)
            }
            cancel?()
        }
    }
}
