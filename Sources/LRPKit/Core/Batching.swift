import Dispatch
import CBLAS

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
    public static func map(count: Int, batchSize: Int,
                           _ body: @Sendable (Range<Int>) throws -> Tensor) throws -> Tensor {
        guard batchSize >= 1 else { throw LRPError.invalidArgument("batch size must be at least 1, got \(batchSize)") }
        guard count > 0 else { throw LRPError.invalidArgument("nothing to process: the batch is empty") }
        let slices = stride(from: 0, to: count, by: batchSize).map { $0..<Swift.min($0 + batchSize, count) }
        let results = ResultBox(count: slices.count)
        let threads = Swift.min(threadCount, slices.count)
        // Parallel slices each call BLAS; keep BLAS itself single-threaded meanwhile.
        let previous = openblas_get_num_threads()
        if threads > 1 { openblas_set_num_threads(1) }
        defer { if threads > 1 { openblas_set_num_threads(previous) } }
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            for k in stride(from: worker, to: slices.count, by: threads) {
                if results.failed { return }
                do { results.set(k, try body(slices[k])) } catch { results.fail(error) }
            }
        }
        if let error = results.error { throw error }
        return try Tensor.concatenated(results.values.map { $0! })
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

/// Collects per-slice results from worker threads.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLockLite()
    private(set) var values: [Tensor?]
    private(set) var error: Error?
    init(count: Int) { values = Array(repeating: nil, count: count) }
    var failed: Bool { lock.withLock { error != nil } }
    func set(_ index: Int, _ value: Tensor) { lock.withLock { values[index] = value } }
    func fail(_ error: Error) { lock.withLock { if self.error == nil { self.error = error } } }
}
