import Foundation

/// A dense, row-major Float32 tensor. Images are NHWC: batch, row, column, channel.
///
/// A value type: copies share storage until one is written (the array's copy-on-write).
public struct Tensor: Equatable, Sendable {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    /// The bound on the element count of one tensor; guards against absurd shapes from files or
    /// typos. Follows `MemoryBudget.limit` (a tensor cannot be larger than the whole budget).
    nonisolated(unsafe) public static var maximumElementCount = 1 << 30

    public init(shape: [Int], scalars: [Float]) throws {
        let count = try Tensor.elementCount(of: shape)
        guard count == scalars.count else {
            throw LRPError.shapeMismatch(operation: "tensor",
                "shape \(describe(shape: shape)) needs \(count) values, got \(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// For callers that have already validated the element count.
    init(unchecked shape: [Int], scalars: [Float]) {
        assert(shape.reduce(1, *) == scalars.count)
        self.shape = shape
        self.scalars = scalars
    }

    public init(shape: [Int], repeating value: Float) throws {
        let count = try Tensor.allocationCount(of: shape)
        self.init(unchecked: shape, scalars: [Float](repeating: value, count: count))
    }

    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 0) }

    public init(scalar: Float) { self.init(unchecked: [], scalars: [scalar]) }

    /// A 1-D tensor.
    public init(_ values: [Float]) { self.init(unchecked: [values.count], scalars: values) }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The product of `shape`, checked against overflow and `maximumElementCount`.
    ///
    /// A zero dimension makes the product 0, but the other dimensions are bounded as if it were 1:
    /// operations size index lists and intermediate buffers by single dimensions and partial
    /// products, so `0 x 2^32 x 2^32` must be refused here, not die in an allocation later.
    public static func elementCount(of shape: [Int]) throws -> Int {
        var nonzero = 1
        var hasZero = false
        for dimension in shape {
            guard dimension >= 0 else {
                throw LRPError.invalidArgument("negative dimension in shape \(describe(shape: shape))")
            }
            if dimension == 0 { hasZero = true; continue }
            let (product, overflow) = nonzero.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumElementCount else {
                throw LRPError.tooLarge("shape \(describe(shape: shape)) is larger than the memory limit of \(byteSize(maximumElementCount * 4))")
            }
            nonzero = product
        }
        return hasZero ? 0 : nonzero
    }

    /// `elementCount(of:)` for a tensor about to be allocated: also checks that its values fit
    /// in what is left of the process's memory budget (`MemoryBudget`).
    public static func allocationCount(of shape: [Int]) throws -> Int {
        let count = try elementCount(of: shape)
        try MemoryBudget.check(count * MemoryLayout<Float>.size, for: "a tensor of shape \(describe(shape: shape))")
        return count
    }

    /// The same values under another shape; one dimension may be -1 and is inferred.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            // Checked product: absurd dimensions must be an error, not an overflow trap.
            let known = try Tensor.elementCount(of: newShape.enumerated().filter { $0.offset != inferred }.map(\.element))
            guard known > 0, count % known == 0 else {
                throw LRPError.shapeMismatch(operation: "reshape",
                    "cannot reshape \(describe(shape: shape)) into \(newShape.map { $0 == -1 ? "?" : String($0) }.joined(separator: "x"))")
            }
            target[inferred] = count / known
        }
        guard (try Tensor.elementCount(of: target)) == count else {
            throw LRPError.shapeMismatch(operation: "reshape",
                "cannot reshape \(describe(shape: shape)) (\(count) values) into \(describe(shape: target))")
        }
        return Tensor(unchecked: target, scalars: scalars)
    }

    /// Row-major strides of `shape`.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// Applies `transform` to every element (a plain pointer loop: `Array.map` does not vectorise).
    public func map(_ transform: (Float) -> Float) -> Tensor {
        let count = scalars.count
        // (Not checked against the memory budget: it cannot throw, and its result is no larger
        // than its input; the operators that call it check first, see `Broadcasting`.)
        let out = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            scalars.withUnsafeBufferPointer { x in
                let (src, dst) = (x.baseAddress, buffer.baseAddress)
                for i in 0..<count { dst.unsafelyUnwrapped[i] = transform(src.unsafelyUnwrapped[i]) }
            }
            initialized = count
        }
        return Tensor(unchecked: shape, scalars: out)
    }

    /// The value at a full index (one integer per axis).
    public subscript(index: Int...) -> Float {
        get {
            precondition(index.count == rank, "index rank")
            var offset = 0
            for (axis, i) in index.enumerated() { offset = offset * shape[axis] + i }
            return scalars[offset]
        }
    }
}

extension Tensor: CustomStringConvertible {
    /// A one-line summary: shape, dtype, range.
    public var description: String {
        guard let lowest = scalars.min(), let highest = scalars.max() else {
            return "tensor \(describe(shape: shape)) float32 (empty)"
        }
        return "tensor \(describe(shape: shape)) float32 min \(formatNumber(lowest)) max \(formatNumber(highest))"
    }
}

/// "1 MiB", "4 GiB": a byte count for messages.
func byteSize(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes), unit = 0
    while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(bytes) bytes" : String(format: value == value.rounded() ? "%.0f %@" : "%.1f %@", value, units[unit])
}
