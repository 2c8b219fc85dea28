import Synchronization

/// A process-wide request to stop long work (Ctrl-C, SIGTERM, SIGHUP), raised from any thread.
///
/// Long LRPKit operations poll it between blocks (a matrix product between row blocks, batched
/// work between slices) and throw `LRPError.interrupted`, so a request is noticed within a
/// fraction of a second and the operation's result is never produced. LRPKit only reads the flag;
/// the program that handles the signal raises and clears it.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)

    public static func request() { flag.store(true, ordering: .relaxed) }
    public static func reset() { flag.store(false, ordering: .relaxed) }
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Throws `LRPError.interrupted` when a stop was requested.
    @inline(__always)
    public static func check() throws {
        if isRequested { throw LRPError.interrupted }
    }
}
