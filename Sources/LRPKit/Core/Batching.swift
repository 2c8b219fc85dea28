import Dispatch

/// Runs work over a large batch in slices, on all cores, so memory stays bounded by the slice size.
public enum Batching {
    /// Worker threads used by `map` (default: the machine's active processors).
    nonisolated(unsafe) public static var threadCount = max(1, ProcessInfoCores.active)

    /// Applies `body` to consecutive slices of `batchSize` samples of `input` (split on axis 0) and
    /// joins the results along axis 0. Slices run concurrently; each result must have the slice's
    /// sample count as its first dimension and the same trailing shape for every slice.
    public static func map(_ input: Tensor, batchSize: Int,
                           _ body: @Sendable (Tensor) throws -> Tensor) throws -> Tensor {
        try map(count: input.rank == 0 ? 0 : input.shape[0], batchSize: batchSize) { range in
            try body(input.samples(range))
        }
    }

    /// Like `map(_:batchSize:_:)` but `body` gets sample ranges, for work spanning several tensors.
    ///
    /// Each slice's result is copied into the joined output as soon as it is done and then freed,
    /// so peak memory is the output plus one slice's working set per thread. The output's trailing
    /// shape is learnt from a one-sample probe run first.
    public static func map(count: Int, batchSize: Int,
                           _ body: @Sendable (Range<Int>) throws -> Tensor) throws -> Tensor {
        guard batchSize >= 1 else { throw LRPError.invalidArgument("batch size must be at least 1, got \(batchSize)") }
        guard count > 0 else { throw LRPError.invalidArgument("nothing to process: the batch is empty") }
        let slices = evenSlices(count: count, batchSize: batchSize, threads: threadCount)
        if slices.count == 1 { return try checked(body(slices[0]), for: slices[0], trailing: nil) }
        let probe = try checked(body(0..<1), for: 0..<1, trailing: nil)
        let trailing = Array(probe.shape.dropFirst())
        let perSample = probe.count
        let total = try Tensor.allocationCount(of: [count] + trailing)
        let threads = Swift.min(threadCount, slices.count)
        let failure = FirstError()
        let scalars = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            let output = SendablePointer(buffer.baseAddress!)
            // Parallel slices each call BLAS, which stays single-threaded (see `BLAS`).
            _ = BLAS.singleThreaded
            // Workers take the next slice as they finish (not a fixed share), so a core that
            // is slowed by other processes does less of the work.
            let next = SliceCounter()
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while let k = next.take(below: slices.count) {
                    if failure.failed { return }
                    if Interruption.isRequested { failure.record(LRPError.interrupted); return }
                    do {
                        let slice = slices[k]
                        let result = try checked(body(slice), for: slice, trailing: trailing)
                        // Slices are disjoint: no lock needed for the copy.
                        result.scalars.withUnsafeBufferPointer { src in
                            (output.pointer + slice.lowerBound * perSample).update(from: src.baseAddress!, count: src.count)
                        }
                    } catch { failure.record(error) }
                }
            }
            // On failure the values are never read, but the array must still be fully initialised.
            if failure.failed { buffer.baseAddress!.update(repeating: 0, count: total) }
            initialized = total
        }
        if let error = failure.error { throw error }
        return Tensor(unchecked: [count] + trailing, scalars: scalars)
    }

    /// At most `batchSize` samples per slice, as many slices as that needs rounded up to a multiple
    /// of `threads`, and sizes that differ by at most one: 100 samples in batches of 64 on two
    /// cores are 50 + 50, not 64 + 36 (which left a core idle for a quarter of every call).
    static func evenSlices(count: Int, batchSize: Int, threads: Int) -> [Range<Int>] {
        let needed = (count + batchSize - 1) / batchSize
        let parts = needed <= 1 ? 1 : Swift.min(count, (needed + threads - 1) / threads * threads)
        let (base, extra) = count.quotientAndRemainder(dividingBy: parts)
        var start = 0
        return (0..<parts).map { k in
            let size = base + (k < extra ? 1 : 0)
            defer { start += size }
            return start..<(start + size)
        }
    }

    /// A slice's result must lead with the slice's sample count and, when known, the common trailing shape.
    private static func checked(_ result: Tensor, for slice: Range<Int>, trailing: [Int]?) throws -> Tensor {
        guard result.rank >= 1, result.shape[0] == slice.count,
              trailing.map({ Array(result.shape.dropFirst()) == $0 }) ?? true else {
            throw LRPError.shapeMismatch(operation: "batch",
                "a slice of \(slice.count) samples gave a result of shape \(describe(shape: result.shape))\(trailing.map { "; expected \(slice.count) x \(describe(shape: $0))" } ?? "")")
        }
        return result
    }
}

extension Tensor {
    /// Samples `range` of the leading axis (a contiguous copy).
    public func samples(_ range: Range<Int>) throws -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw LRPError.invalidArgument("samples \(range) are outside a batch of shape \(describe(shape: shape))")
        }
        let stride = count / Swift.max(shape[0], 1)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(unchecked: newShape, scalars: Array(scalars[(range.lowerBound * stride)..<(range.upperBound * stride)]))
    }
}

/// Hands out slice indices 0, 1, 2, ... to workers.
private final class SliceCounter: @unchecked Sendable {
    private let lock = NSLockLite()
    private var value = 0
    func take(below count: Int) -> Int? {
        lock.withLock {
            guard value < count else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// The first error thrown by any worker.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLockLite()
    private var stored: Error?
    var failed: Bool { lock.withLock { stored != nil } }
    var error: Error? { lock.withLock { stored } }
    func record(_ error: Error) { lock.withLock { if stored == nil { stored = error } } }
}

/// The output buffer, shared by workers that write disjoint ranges of it.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
