import Foundation

/// Element-wise arithmetic with numpy broadcasting: shapes are aligned at the right, and an axis of
/// size 1 stretches to match the other operand.
extension Tensor {
    /// The shape two operands broadcast to, or an error naming both.
    public static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw LRPError.shapeMismatch(operation: operation,
                    "shapes \(describe(shape: a)) and \(describe(shape: b)) do not broadcast")
            }
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// `combine` of equal-length arrays as a plain pointer loop into fresh storage: writing into a
    /// copy of `a` element by element pays a uniqueness check per element and does not vectorise
    /// (ReLU's gradient was a fifth of integrated gradients' time that way).
    @inline(__always)
    static func zipped(_ a: [Float], _ b: [Float], _ combine: (Float, Float) -> Float) -> [Float] {
        let count = a.count
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    let (x, y, out) = (ap.baseAddress, bp.baseAddress, buffer.baseAddress)
                    for i in 0..<count { out.unsafelyUnwrapped[i] = combine(x.unsafelyUnwrapped[i], y.unsafelyUnwrapped[i]) }
                }
            }
            initialized = count
        }
    }

    /// `combine` with the common equal-shape case inlined at the call site, so the operation is
    /// inlined into the loop instead of called per element (the arithmetic operators); the one
    /// equal-shape path of `combine` too.
    @inline(__always)
    static func elementwise(_ a: Tensor, _ b: Tensor, operation: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        guard a.shape == b.shape else { return try combine(a, b, operation: operation, f) }
        _ = try allocationCount(of: a.shape)
        return Tensor(unchecked: a.shape, scalars: zipped(a.scalars, b.scalars, f))
    }

    /// Combines two tensors element by element, broadcasting as numpy does.
    public static func combine(_ a: Tensor, _ b: Tensor, operation: String = "operation",
                           _ combine: (Float, Float) -> Float) throws -> Tensor {
        if a.shape == b.shape { return try elementwise(a, b, operation: operation, combine) }
        if b.count == 1 {
            let s = b.scalars[0]
            let shape = try broadcastShape(a.shape, b.shape, operation: operation)
            _ = try allocationCount(of: shape)
            return Tensor(unchecked: shape, scalars: a.map { combine($0, s) }.scalars)
        }
        if a.count == 1 {
            let s = a.scalars[0]
            let shape = try broadcastShape(a.shape, b.shape, operation: operation)
            _ = try allocationCount(of: shape)
            return Tensor(unchecked: shape, scalars: b.map { combine(s, $0) }.scalars)
        }
        let shape = try broadcastShape(a.shape, b.shape, operation: operation)
        let count = try allocationCount(of: shape)
        let sa = broadcastStrides(a.shape, to: shape)
        let sb = broadcastStrides(b.shape, to: shape)
        var out = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        var ia = 0, ib = 0
        out.withUnsafeMutableBufferPointer { op in
          a.scalars.withUnsafeBufferPointer { ap in
            b.scalars.withUnsafeBufferPointer { bp in
                for k in 0..<count {
                    op[k] = combine(ap[ia], bp[ib])
                    // Odometer increment over the output index.
                    var axis = shape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        ia += sa[axis]; ib += sb[axis]
                        if index[axis] < shape[axis] { break }
                        ia -= sa[axis] * shape[axis]; ib -= sb[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
          }
        }
        return Tensor(unchecked: shape, scalars: out)
    }

    /// Strides of `shape` read as if broadcast to `target`: stretched axes get stride 0.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// `self` stretched to `target` by broadcasting.
    public func broadcast(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let shape = try Tensor.broadcastShape(self.shape, target, operation: "broadcast")
        guard shape == target else {
            throw LRPError.shapeMismatch(operation: "broadcast",
                "cannot broadcast \(describe(shape: self.shape)) to \(describe(shape: target))")
        }
        return try Tensor.combine(self, Tensor(shape: target, repeating: 0), operation: "broadcast") { a, _ in a }
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, b, operation: "+", +) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, b, operation: "-", -) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, b, operation: "*", *) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, b, operation: "/", /) }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }

    /// Element-wise power (`S^2` in the tutorial).
    public func raised(to exponent: Float) -> Tensor {
        exponent == 2 ? map { $0 * $0 } : map { Float.pow($0, exponent) }
    }

    public func maximum(_ s: Float) -> Tensor { map { Swift.max($0, s) } }
    public func minimum(_ s: Float) -> Tensor { map { Swift.min($0, s) } }
    public func clipped(_ low: Float, _ high: Float) -> Tensor { map { Swift.min(Swift.max($0, low), high) } }
    public func absolute() -> Tensor { map { Swift.abs($0) } }
}

extension Float {
    static func pow(_ base: Float, _ exponent: Float) -> Float {
        Float(Foundation.pow(Double(base), Double(exponent)))
    }
}
