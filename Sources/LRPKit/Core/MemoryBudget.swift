import CMalloc

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

    /// Requests smaller than this are not checked: a check walks malloc's arenas, and small
    /// allocations are covered by the slack between the limit and the machine.
    static let checkedSize = 1 << 20

    /// Bytes of heap in use now: glibc's allocated chunks, both from the heap and mmapped.
    static var heapInUse: Int {
        let info = mallinfo2()
        return Int(info.uordblks) + Int(info.hblkhd)
    }

    /// Throws `LRPError.tooLarge` when allocating `bytes` more would take the live heap past
    /// `limit`. `what` names the request ("a 20000x20000 tensor").
    public static func check(_ bytes: Int, for what: @autoclosure () -> String) throws {
        guard bytes >= checkedSize else { return }
        let used = inUse
        guard bytes <= limit, used <= limit - bytes else {
            throw LRPError.tooLarge("\(what()) needs \(byteSize(bytes)) more, but \(byteSize(used)) are in use: beyond the memory limit of \(byteSize(limit))")
        }
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
