import Foundation

/// Runs `body` with SIGINT routed to a byte written on `descriptor`: all a signal handler may
/// safely do (the signal may land on any thread). The previous handler is restored afterwards.
/// The line editor and the interrupt watcher each read their own pipe.
func routingInterrupts<T>(to descriptor: Int32, _ body: () -> T) -> T {
    let previousTarget = interruptTarget
    interruptTarget = descriptor
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { signal in
        let savedErrno = errno
        var byte = UInt8(truncatingIfNeeded: signal)  // SIGINT: readers tell it from SIGTERM/SIGHUP
        _ = write(interruptTarget, &byte, 1)
        errno = savedErrno
    }
    sigemptyset(&action.sa_mask)
    var previous = sigaction()
    sigaction(SIGINT, &action, &previous)
    defer {
        sigaction(SIGINT, &previous, nil)
        interruptTarget = previousTarget
    }
    return body()
}

/// The pipe the SIGINT handler writes to (a C function pointer can't capture it).
nonisolated(unsafe) private var interruptTarget: Int32 = -1
