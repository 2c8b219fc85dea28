import CMalloc
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One memory budget for the whole process: tensors, decompressed files, parsed text.
///
/// Rather than counting each tensor (values are Swift arrays, shared and freed by the runtime),
/// a large allocation asks malloc how much heap is live right now and refuses to go beyond
/// `limit`. Everything the process holds counts — every variable, the last value, a decompression
/// buffer — so peak memory stays near the limit plus a fixed overhead (code, libraries, BLAS
/// buffers), whatever mix of operations reaches it.
///
/// What counts is the heap grown since the limit was set (`baseline`: the runtime's and
/// libraries' own allocations at start-up are the fixed overhead, not the user's data).
public enum MemoryBudget {
    public static let defaultLimit = 4 << 30

    /// The bound on live data, in bytes. Setting it also bounds single tensors and takes the
    /// heap in use at that moment as the baseline.
    nonisolated(unsafe) public static var limit: Int = defaultLimit {
        didSet {
            Tensor.maximumElementCount = Swift.max(1, limit / MemoryLayout<Float>.size)
            baseline = heapInUse
        }
    }

    /// The heap in use when the limit was set (or when first asked, if it never was).
    nonisolated(unsafe) private static var baseline = heapInUse

    /// Bytes of data held now, beyond the baseline.
    public static var inUse: Int { Swift.max(0, heapInUse - baseline) }

    /// Requests of this size or more are checked each time. A check walks malloc's arenas (tens
    /// of microseconds on a fragmented heap), so smaller ones are checked at most once every
    /// `smallCheckInterval`: many small tensors (a long list of them) still meet the limit, a few
    /// milliseconds of allocation late at most.
    static let checkedSize = 1 << 20
    static let smallCheckInterval = 5_000_000  // nanoseconds
    private static let lastSmallCheck = Atomic<Int>(0)

    /// Bytes of heap in use now: glibc's allocated chunks, both from the heap and mmapped; under
    /// a sanitizer (which replaces malloc, so glibc's figures stay 0), the sanitizer allocator's.
    static var heapInUse: Int {
        if let sanitizerAllocatedBytes { return sanitizerAllocatedBytes() }
        let info = mallinfo2()
        return Int(info.uordblks) + Int(info.hblkhd)
    }

    private static let sanitizerAllocatedBytes: (@convention(c) () -> Int)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__sanitizer_get_current_allocated_bytes") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) () -> Int).self)
    }()

    /// Throws `LRPError.tooLarge` when allocating `bytes` more would take the live heap past
    /// `limit`. `what` names the request ("a 20000x20000 tensor").
    public static func check(_ bytes: Int, for what: @autoclosure () -> String) throws {
        if bytes < checkedSize {
            let now = monotonicNanoseconds()
            let last = lastSmallCheck.load(ordering: .relaxed)
            guard now - last >= smallCheckInterval,
                  lastSmallCheck.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged else { return }
        }
        let used = inUse
        guard bytes <= limit, used <= limit - bytes else {
            let request = bytes < checkedSize ? ":" : " needs \(byteSize(bytes)) more, but"
            throw LRPError.tooLarge("\(what())\(request) \(byteSize(used)) are in use: beyond the memory limit of \(byteSize(limit))")
        }
    }

    /// Throws when live data has passed the limit by small allocations. Throttled as small
    /// requests are (at most one check per 5 ms), so the end of every statement may ask cheaply;
    /// what a refused statement built is not kept.
    public static func checkInUse(by what: @autoclosure () -> String) throws {
        try check(0, for: what())
    }

    private static func monotonicNanoseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }

    /// Makes room for `extra` more elements in `array` (which grows by doubling), checking the
    /// budget whenever it would reallocate: the old and the new buffer are both live then.
    @inline(__always)
    static func grow<T>(_ array: inout [T], by extra: Int, for what: @autoclosure () -> String) throws {
        let needed = array.count + extra
        guard needed > array.capacity else { return }
        let capacity = Swift.max(needed, array.capacity * 2)
        try check(capacity * MemoryLayout<T>.stride, for: what())
        array.reserveCapacity(capacity)
    }
}
