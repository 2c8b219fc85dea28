/// A numpy-style selection along one axis: a single index (which removes the axis) or a range.
public enum AxisSelection: Equatable, Sendable {
    case index(Int)
    /// `start:end:step`; nil bounds mean the ends of the axis; negative bounds count from the end.
    case range(start: Int?, end: Int?, step: Int)
    public static let all = AxisSelection.range(start: nil, end: nil, step: 1)
}

extension Tensor {
    /// Selects along leading axes as `x[sel0, sel1, ...]` does in numpy; missing trailing axes are kept whole.
    public func sliced(_ selections: [AxisSelection]) throws -> Tensor {
        guard selections.count <= rank else {
            throw LRPError.shapeMismatch(operation: "index",
                "\(selections.count) indices for a tensor of shape \(describe(shape: shape))")
        }
        // Each axis's pick is a strided range, never a list of indices: a list would cost
        // 8 bytes per index even when another axis is empty (0 x 2^30 tensors).
        var picks: [Pick] = []
        var keep: [Bool] = []
        for (axis, selection) in selections.enumerated() {
            let n = shape[axis]
            switch selection {
            case .index(let i):
                let j = i < 0 ? i + n : i
                guard j >= 0, j < n else {
                    throw LRPError.invalidArgument("index \(i) is out of range for axis \(axis) of size \(n) (shape \(describe(shape: shape)))")
                }
                picks.append(Pick(start: j, step: 1, count: 1)); keep.append(false)
            case .range(let start, let end, let step):
                guard step != 0 else { throw LRPError.invalidArgument("slice step cannot be zero") }
                picks.append(Tensor.rangeIndices(start: start, end: end, step: step, count: n)); keep.append(true)
            }
        }
        for axis in selections.count..<rank { picks.append(Pick(start: 0, step: 1, count: shape[axis])); keep.append(true) }
        let strides = Tensor.strides(of: shape)
        let counts = picks.map(\.count)
        let outShape = zip(counts, keep).filter { $0.1 }.map { $0.0 }
        var out: [Float] = []
        out.reserveCapacity(try Tensor.allocationCount(of: counts))
        // The last axis is copied in a tight loop; the others are walked recursively.
        func walk(_ axis: Int, _ offset: Int) {
            if axis == rank - 1 {
                for j in picks[axis].indices { out.append(scalars[offset + j]) }
                return
            }
            for j in picks[axis].indices { walk(axis + 1, offset + j * strides[axis]) }
        }
        if rank == 0 { out = scalars } else if !counts.contains(0) { walk(0, 0) }
        return Tensor(unchecked: outShape, scalars: out)
    }

    /// Python's slice semantics: clamp, then step.
    static func rangeIndices(start: Int?, end: Int?, step: Int, count n: Int) -> Pick {
        func clamp(_ v: Int, _ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(v, low), high) }
        if step > 0 {
            let s = start.map { clamp($0 < 0 ? $0 + n : $0, 0, n) } ?? 0
            let e = end.map { clamp($0 < 0 ? $0 + n : $0, 0, n) } ?? n
            return Pick(start: s, step: step, count: s < e ? (e - s + step - 1) / step : 0)
        }
        let s = start.map { clamp($0 < 0 ? $0 + n : $0, -1, n - 1) } ?? n - 1
        let e = end.map { clamp($0 < 0 ? $0 + n : $0, -1, n - 1) } ?? -1
        return Pick(start: s, step: step, count: s > e ? (s - e - step - 1) / -step : 0)
    }

    /// The indices `start, start + step, ...` (`count` of them) that a selection takes on one axis.
    struct Pick {
        let start: Int, step: Int, count: Int
        var indices: some Sequence<Int> { (0..<count).lazy.map { start + $0 * step } }
    }

    /// Pads each axis with `before`/`after` entries of `value`. `widths` covers leading axes;
    /// the rest are not padded.
    public func padded(_ widths: [(before: Int, after: Int)], value: Float) throws -> Tensor {
        guard widths.count <= rank else {
            throw LRPError.shapeMismatch(operation: "pad", "\(widths.count) pad widths for shape \(describe(shape: shape))")
        }
        guard widths.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw LRPError.invalidArgument("pad widths must not be negative")
        }
        let full = widths + Array(repeating: (before: 0, after: 0), count: rank - widths.count)
        let outShape = zip(shape, full).map { $0 + $1.before + $1.after }
        let total = try Tensor.allocationCount(of: outShape)
        guard rank > 0 else { return self }  // a scalar has no axis to pad
        guard count > 0 else { return Tensor(unchecked: outShape, scalars: [Float](repeating: value, count: total)) }
        // Trailing unpadded axes form contiguous blocks: the walk stops at the last padded axis and
        // copies whole runs there (for NHWC spatial padding, one image row at a time).
        let last = full.lastIndex { $0.before > 0 || $0.after > 0 } ?? 0
        let block = shape[(last + 1)...].reduce(1, *)
        let inStrides = Tensor.strides(of: shape), outStrides = Tensor.strides(of: outShape)
        let out = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            let dst = buffer.baseAddress!
            dst.initialize(repeating: value, count: total)
            scalars.withUnsafeBufferPointer { source in
                let src = source.baseAddress!
                func walk(_ axis: Int, _ from: Int, _ to: Int) {
                    let to = to + full[axis].before * outStrides[axis]
                    if axis == last {
                        (dst + to).update(from: src + from, count: shape[axis] * block)
                        return
                    }
                    for j in 0..<shape[axis] { walk(axis + 1, from + j * inStrides[axis], to + j * outStrides[axis]) }
                }
                walk(0, 0, 0)
            }
            initialized = total
        }
        return Tensor(unchecked: outShape, scalars: out)
    }

    /// Pads the two spatial axes of an NHWC tensor by `width` on every side (the tutorial's 28 -> 32).
    public func paddedSpatially(_ width: Int, value: Float) throws -> Tensor {
        guard rank == 4 else {
            throw LRPError.shapeMismatch(operation: "pad", "expected an NHWC tensor, got shape \(describe(shape: shape))")
        }
        return try padded([(0, 0), (width, width), (width, width)], value: value)
    }

    /// Stacks equally shaped tensors along a new leading axis.
    public static func stacked(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw LRPError.invalidArgument("stack of no tensors") }
        for part in parts where part.shape != first.shape {
            throw LRPError.shapeMismatch(operation: "stack",
                "shapes \(describe(shape: first.shape)) and \(describe(shape: part.shape)) differ")
        }
        return Tensor(unchecked: [parts.count] + first.shape, scalars: parts.flatMap(\.scalars))
    }

    /// Joins tensors along the leading (batch) axis.
    public static func concatenated(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw LRPError.invalidArgument("concatenation of no tensors") }
        let tail = Array(first.shape.dropFirst())
        for part in parts where Array(part.shape.dropFirst()) != tail || part.rank == 0 {
            throw LRPError.shapeMismatch(operation: "concatenate",
                "shapes \(describe(shape: first.shape)) and \(describe(shape: part.shape)) differ beyond the first axis")
        }
        return Tensor(unchecked: [parts.reduce(0) { $0 + $1.shape[0] }] + tail, scalars: parts.flatMap(\.scalars))
    }

    /// One-hot rows: `labels` (N) -> N x `classes`.
    public static func oneHot(_ labels: [Int], classes: Int) throws -> Tensor {
        var out = try Tensor.zeros([labels.count, classes])
        for (row, label) in labels.enumerated() {
            guard label >= 0, label < classes else {
                throw LRPError.invalidArgument("label \(label) is outside 0..<\(classes)")
            }
            out.scalars[row * classes + label] = 1
        }
        return out
    }
}
