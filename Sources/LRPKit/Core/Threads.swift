import Foundation

/// The number of cores the process may use.
enum ProcessInfoCores {
    static var active: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// A minimal lock (Foundation's NSLock, wrapped so call sites read as `withLock`).
final class NSLockLite: @unchecked Sendable {
    private let lock = NSLock()
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
