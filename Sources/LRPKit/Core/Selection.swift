/// numpy's selection and ordering: fancy and boolean indexing along the first axes, nonzero,
/// where, sort, argsort, top-k, and stacking/joining along any axis.
extension Tensor {
    /// `x[indices]` with an integer index array: the rows (entries along the first axis) at
    /// `indices`, in that order, repeats allowed; negative indices count from the end. The result's
    /// shape is `indexShape + shape.dropFirst()` (numpy's), `indexShape` defaulting to one axis.
    public func rows(_ indices: [Int], indexShape: [Int]? = nil) throws -> Tensor {
        guard rank >= 1 else { throw LRPError.invalidArgument("cannot select rows of a scalar") }
        let n = shape[0]
        let tail = Array(shape.dropFirst())
        let outShape = (indexShape ?? [indices.count]) + tail
        let rowSize = tail.reduce(1, *)
        _ = try Tensor.elementCount(of: outShape)
        var out: [Float] = []
        out.reserveCapacity(indices.count * rowSize)
        for i in indices {
            let j = i < 0 ? i + n : i
            guard j >= 0, j < n else {
                throw LRPError.invalidArgument("index \(i) is out of range for axis 0 of size \(n) (shape \(describe(shape: shape)))")
            }
            out.append(contentsOf: scalars[j * rowSize..<(j + 1) * rowSize])
        }
        return Tensor(unchecked: outShape, scalars: out)
    }

    /// `x[mask]` with a boolean mask: `mask` covers the leading axes of `x` (its shape is a prefix
    /// of `x`'s); the result holds the entries where it is nonzero, `count x remaining axes`.
    public func masked(by mask: Tensor) throws -> Tensor {
        guard mask.rank >= 1, mask.rank <= rank, Array(shape.prefix(mask.rank)) == mask.shape else {
            throw LRPError.shapeMismatch(operation: "mask",
                "a mask of shape \(describe(shape: mask.shape)) does not fit a tensor of shape \(describe(shape: shape)) (its shape must be the tensor's or a leading part of it)")
        }
        let tail = Array(shape.dropFirst(mask.rank))
        let size = tail.reduce(1, *)
        var out: [Float] = []
        var kept = 0
        for (k, m) in mask.scalars.enumerated() where m != 0 {
            out.append(contentsOf: scalars[k * size..<(k + 1) * size])
            kept += 1
        }
        return Tensor(unchecked: [kept] + tail, scalars: out)
    }

    /// The positions of the nonzero elements in row-major order, each one index per axis.
    public func nonzeroPositions() -> [[Int]] {
        let strides = Tensor.strides(of: shape)
        return scalars.indices.filter { scalars[$0] != 0 }.map { flat in
            strides.enumerated().map { axis, stride in (flat / stride) % shape[axis] }
        }
    }

    /// numpy's `where(condition, a, b)`: `a` where `condition` is nonzero, else `b`, broadcast.
    public static func choosing(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try broadcastShape(try broadcastShape(condition.shape, a.shape, operation: "where"), b.shape, operation: "where")
        let (c, x, y) = (try condition.broadcast(to: shape), try a.broadcast(to: shape), try b.broadcast(to: shape))
        var out = x.scalars
        for k in out.indices where c.scalars[k] == 0 { out[k] = y.scalars[k] }
        return Tensor(unchecked: shape, scalars: out)
    }

    /// Ascending order along `axis` (numpy's `sort`); NaN sorts last, as in numpy.
    public func sorted(axis: Int = -1) throws -> Tensor {
        try mappingLanes(axis: axis, operation: "sort", length: nil) { lane in
            Tensor.order(lane, descending: false).map { lane[$0] }
        }
    }

    /// The indices that sort each lane along `axis` ascending; ties keep their order (numpy's
    /// `argsort(kind="stable")`).
    public func argsorted(axis: Int = -1) throws -> Tensor {
        try mappingLanes(axis: axis, operation: "argsort", length: nil) { lane in
            Tensor.order(lane, descending: false).map(Float.init)
        }
    }

    /// The `k` largest values along `axis`, largest first, and their indices (ties: lower index
    /// first; NaN counts as largest, as in torch.topk).
    public func top(_ k: Int, axis: Int = -1) throws -> (values: Tensor, indices: Tensor) {
        let a = try resolve(axis: axis, operation: "topk")
        guard k >= 0, k <= shape[a] else {
            throw LRPError.invalidArgument("topk: k = \(k) is not in 0...\(shape[a]) (axis \(axis) of shape \(describe(shape: shape)))")
        }
        let values = try mappingLanes(axis: a, operation: "topk", length: k) { lane in
            Tensor.order(lane, descending: true).prefix(k).map { lane[$0] }
        }
        let indices = try mappingLanes(axis: a, operation: "topk", length: k) { lane in
            Tensor.order(lane, descending: true).prefix(k).map(Float.init)
        }
        return (values, indices)
    }

    /// A stable order of `lane`'s positions, NaN counted as the largest value.
    static func order(_ lane: [Float], descending: Bool) -> [Int] {
        func less(_ x: Float, _ y: Float) -> Bool { x.isNaN ? false : (y.isNaN ? true : x < y) }
        // Swift's sort is not guaranteed stable: break ties by position explicitly.
        return lane.indices.sorted { i, j in
            let (x, y) = (lane[i], lane[j])
            if descending ? less(y, x) : less(x, y) { return true }
            if descending ? less(x, y) : less(y, x) { return false }
            return i < j
        }
    }

    /// Applies `transform` to every 1-D lane along `axis`; each result has `length` entries
    /// (nil: the lane's own length).
    public func mappingLanes(axis: Int, operation: String, length: Int?, _ transform: ([Float]) -> [Float]) throws -> Tensor {
        guard rank >= 1 else { throw LRPError.invalidArgument("\(operation): needs at least one axis, got a scalar") }
        let a = try resolve(axis: axis, operation: operation)
        let n = shape[a], outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        let m = length ?? n
        var outShape = shape
        outShape[a] = m
        var out = [Float](repeating: 0, count: outer * m * inner)
        var lane = [Float](repeating: 0, count: n)
        for o in 0..<outer {
            for i in 0..<inner {
                for k in 0..<n { lane[k] = scalars[(o * n + k) * inner + i] }
                let result = transform(lane)
                for k in 0..<m { out[(o * m + k) * inner + i] = result[k] }
            }
        }
        return Tensor(unchecked: outShape, scalars: out)
    }

    /// Joins tensors along an existing `axis` (numpy's `concatenate`); all other axes must agree.
    public static func concatenated(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else { throw LRPError.invalidArgument("concat of no tensors") }
        guard first.rank >= 1 else { throw LRPError.invalidArgument("concat: cannot join scalars; use stack") }
        let a = try first.resolve(axis: axis, operation: "concat")
        for part in parts {
            var expected = first.shape, actual = part.shape
            guard actual.count == expected.count else {
                throw LRPError.shapeMismatch(operation: "concat", "shapes \(describe(shape: first.shape)) and \(describe(shape: part.shape)) have different ranks")
            }
            expected[a] = 0; actual[a] = 0
            guard expected == actual else {
                throw LRPError.shapeMismatch(operation: "concat",
                    "shapes \(describe(shape: first.shape)) and \(describe(shape: part.shape)) differ beyond axis \(axis)")
            }
        }
        var outShape = first.shape
        outShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        _ = try elementCount(of: outShape)
        let outer = first.shape[..<a].reduce(1, *)
        var out: [Float] = []
        out.reserveCapacity(outShape.reduce(1, *))
        for o in 0..<outer {
            for part in parts {
                let chunk = part.shape[a...].reduce(1, *)
                out.append(contentsOf: part.scalars[o * chunk..<(o + 1) * chunk])
            }
        }
        return Tensor(unchecked: outShape, scalars: out)
    }

    /// Stacks equally shaped tensors along a new `axis` (numpy's `stack`).
    public static func stacked(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else { throw LRPError.invalidArgument("stack of no tensors") }
        for part in parts where part.shape != first.shape {
            throw LRPError.shapeMismatch(operation: "stack",
                "shapes \(describe(shape: first.shape)) and \(describe(shape: part.shape)) differ")
        }
        let a = axis < 0 ? axis + first.rank + 1 : axis
        guard a >= 0, a <= first.rank else {
            throw LRPError.invalidArgument("stack: axis \(axis) is out of range for \(first.rank + 1) axes")
        }
        var expanded = first.shape
        expanded.insert(1, at: a)
        return try concatenated(parts.map { Tensor(unchecked: expanded, scalars: $0.scalars) }, axis: a)
    }
}
