import CBLAS

/// Matrix products through BLAS (`cblas_sgemm`).
enum BLAS {
    /// LRPKit spreads large work over the cores itself, in slices (`Batching`), so BLAS runs
    /// single-threaded: OpenBLAS's pool threads otherwise spin in `sched_yield` for a while after
    /// every threaded call (17 % of the CPU time of `lrps scripts/tutorial.lrps`, measured with
    /// perf), taking a core from the slices.
    /// The kernels are chosen first (`BLASKernel`), before any product.
    static let singleThreaded: Void = {
        _ = BLASKernel.choice
        openblas_set_num_threads(1)
        BLASKernel.stopThreadPool()
    }()

    /// Floating-point operations per block of rows: about 50 ms of one core, so a long product
    /// notices `Interruption` within a fraction of a second (6000^3 takes ~10 s in one call).
    static let operationsPerBlock = 1 << 31

    /// C[m x n] (+)= op(A) . op(B), all row-major, in blocks of rows of C. Between blocks it
    /// stops early when `Interruption` is requested, leaving C partly computed: callers check
    /// `Interruption` afterwards and discard it.
    static func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                     m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                     accumulate: Bool = false) {
        _ = singleThreaded
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { c.update(repeating: 0, count: m * n) }
            return
        }
        let perRow = Swift.max(1, 2 * n * k)
        let block = Swift.max(1, operationsPerBlock / perRow)
        var row = 0
        while row < m {
            if row > 0, Interruption.isRequested { return }
            let rows = Swift.min(block, m - row)
            // Rows of op(A): in A's rows, or (transposed) in its columns, with the same stride.
            let aBlock = transposeA ? a + row : a + row * k
            cblas_sgemm(CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(rows), Int32(n), Int32(k), 1,
                        aBlock, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                        accumulate ? 1 : 0, c + row * n, Int32(n))
            row += rows
        }
    }
}

extension Tensor {
    /// The matrix product of two rank-2 tensors, optionally transposing either.
    public func matmul(_ other: Tensor, transposingSelf: Bool = false, transposingOther: Bool = false) throws -> Tensor {
        guard rank == 2, other.rank == 2 else {
            throw LRPError.shapeMismatch(operation: "matmul",
                "needs two matrices, got \(describe(shape: shape)) and \(describe(shape: other.shape))")
        }
        let (m, k) = transposingSelf ? (shape[1], shape[0]) : (shape[0], shape[1])
        let (k2, n) = transposingOther ? (other.shape[1], other.shape[0]) : (other.shape[0], other.shape[1])
        guard k == k2 else {
            throw LRPError.shapeMismatch(operation: "matmul",
                "inner dimensions differ: \(describe(shape: shape))\(transposingSelf ? "ᵀ" : "") . \(describe(shape: other.shape))\(transposingOther ? "ᵀ" : "")")
        }
        var out = [Float](repeating: 0, count: try Tensor.allocationCount(of: [m, n]))
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k,
                              transposeA: transposingSelf, transposeB: transposingOther)
                }
            }
        }
        try Interruption.check()  // an interrupted product is incomplete: no result
        return Tensor(unchecked: [m, n], scalars: out)
    }
}
