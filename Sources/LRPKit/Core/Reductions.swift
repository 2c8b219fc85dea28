/// Sums, extremes and argmax over all elements or along one axis.
extension Tensor {
    public func sum() -> Float {
        // Pairwise-free but accumulated in Double so 10,000-element sums keep Float precision.
        var total = 0.0
        for v in scalars { total += Double(v) }
        return Float(total)
    }

    /// nil for an empty tensor (it has no largest value).
    public func max() -> Float? { scalars.max() }
    public func min() -> Float? { scalars.min() }

    /// Normalises a possibly negative axis and checks it.
    func resolve(axis: Int, operation: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw LRPError.invalidArgument("\(operation): axis \(axis) is out of range for shape \(describe(shape: shape))")
        }
        return resolved
    }

    /// Reduces along `axis` (removing it unless `keepingDimension`).
    func reduce(axis: Int, operation: String, keepingDimension: Bool,
                _ body: (UnsafeBufferPointer<Float>, Int, Int) -> Float) throws -> Tensor {
        let axis = try resolve(axis: axis, operation: operation)
        let outer = shape[..<axis].reduce(1, *)
        let length = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: try Tensor.allocationCount(of: [outer, inner]))
        scalars.withUnsafeBufferPointer { p in
            // An empty axis: every result reduces no values (a base pointer into the empty
            // buffer would be out of range).
            guard length > 0 else {
                for k in out.indices { out[k] = body(p, 0, inner) }
                return
            }
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = UnsafeBufferPointer(rebasing: p[(o * length * inner + i)...])
                    out[o * inner + i] = body(base, length, inner)
                }
            }
        }
        var newShape = shape
        if keepingDimension { newShape[axis] = 1 } else { newShape.remove(at: axis) }
        return Tensor(unchecked: newShape, scalars: out)
    }

    public func sum(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        try reduce(axis: axis, operation: "sum", keepingDimension: keepingDimension) { p, n, step in
            var total = 0.0
            for k in 0..<n { total += Double(p[k * step]) }
            return Float(total)
        }
    }

    public func max(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        try extreme(axis: axis, operation: "max", keepingDimension: keepingDimension, by: >)
    }

    public func min(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        try extreme(axis: axis, operation: "min", keepingDimension: keepingDimension, by: <)
    }

    /// The largest (`>`) or smallest (`<`) value along `axis`; an empty axis has none (as numpy).
    private func extreme(axis: Int, operation: String, keepingDimension: Bool,
                         by better: @escaping (Float, Float) -> Bool) throws -> Tensor {
        let resolved = try resolve(axis: axis, operation: operation)
        guard shape[resolved] > 0 else {
            throw LRPError.invalidArgument("\(operation): axis \(axis) of shape \(describe(shape: shape)) is empty, so it has no \(operation == "max" ? "largest" : "smallest") value")
        }
        return try reduce(axis: axis, operation: operation, keepingDimension: keepingDimension) { p, n, step in
            var best = p[0]
            // NaN wins, as in numpy: a comparison with NaN is false, so test it explicitly.
            for k in 1..<Swift.max(n, 1) where best.isNaN == false && (p[k * step].isNaN || better(p[k * step], best)) {
                best = p[k * step]
            }
            return best
        }
    }

    /// Index of the first largest value along `axis`, as Float (tensors hold Float only).
    public func argmax(axis: Int) throws -> Tensor {
        guard shape[try resolve(axis: axis, operation: "argmax")] > 0 else {
            throw LRPError.invalidArgument("argmax: axis \(axis) is empty")
        }
        return try reduce(axis: axis, operation: "argmax", keepingDimension: false) { p, n, step in
            var best = p[0], at = 0
            for k in 1..<Swift.max(n, 1) where p[k * step] > best { best = p[k * step]; at = k }
            return Float(at)
        }
    }

    /// The largest absolute value, 0 for an empty tensor.
    public func maximumMagnitude() -> Float {
        scalars.reduce(0) { Swift.max($0, Swift.abs($1)) }
    }
}
