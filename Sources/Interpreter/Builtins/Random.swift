import Foundation
import LRPKit

/// Random numbers drawn exactly as numpy's legacy `RandomState` draws them, so a script and a
/// numpy notebook with the same seed see the same noise.
let randomBuiltins: [Builtin] = [
    Builtin("rand", .tensor, usage: "rand(D1, D2, ..., seed=S)", "Uniform numbers in [0, 1) of that shape (no shape: one number).",
            details: randomDetails("rand"), keywords: ["seed"]) { c in
        let shape = try randomShape(c, from: 0)
        return try drawing(&c, shape: shape) { r in r.uniform() }
    },
    Builtin("randn", .tensor, usage: "randn(D1, D2, ..., seed=S)", "Standard normal numbers of that shape (no shape: one number).",
            details: randomDetails("randn"), keywords: ["seed"]) { c in
        let shape = try randomShape(c, from: 0)
        return try drawing(&c, shape: shape) { r in r.gaussian() }
    },
    Builtin("randint", .tensor, usage: "randint(LOW, HIGH, D1, ..., seed=S)", "Whole numbers in LOW..<HIGH of that shape (no shape: one number).",
            details: randomDetails("randint"), keywords: ["seed"]) { c in
        guard c.arguments.count >= 2 else {
            throw c.fail("randint takes LOW, HIGH and a shape (usage: randint(LOW, HIGH, D1, ..., seed=S))")
        }
        let low = try c.integer(0, "LOW"), high = try c.integer(1, "HIGH")
        guard low < high else { throw c.fail("randint: LOW \(low) must be below HIGH \(high)", argument: 1) }
        let shape = try randomShape(c, from: 2)
        var state = try generator(&c)
        let values = try state.integers(from: low, below: high, count: try Tensor.elementCount(of: shape ?? []))
        c.evaluator.random = state
        guard let shape else { return .number(Double(values[0])) }
        return .tensor(try Tensor(shape: shape, scalars: values.map(Float.init)))
    },
    Builtin("permutation", .tensor, usage: "permutation(N | X | DATASET, seed=S)",
            "0..N-1 shuffled, or the entries of a tensor or data set along the first axis in shuffled order.",
            details: randomDetails("permutation"), keywords: ["seed"]) { c in
        try c.expectCount(1...1, usage: "permutation(N | X | DATASET, seed=S)")
        let count: Int
        switch c.arguments[0] {
        case .dataset(let d): count = d.count
        case .number: count = try c.integer(0, "N")
        default:
            let x = try c.tensor(0, "X")
            guard x.rank >= 1 else { throw c.fail("permutation: X needs at least one axis, got a scalar", argument: 0) }
            count = x.shape[0]
        }
        guard count >= 0 else { throw c.fail("permutation: N must not be negative, got \(count)", argument: 0) }
        var state = try generator(&c)
        let order = try state.permutation(count)
        c.evaluator.random = state
        switch c.arguments[0] {
        case .dataset(let d): return .dataset(try d.subset(order, name: "\(d.name) shuffled"))
        case .number: return .tensor(Tensor(order.map(Float.init)))
        default: return .tensor(try c.tensor(0).rows(order))
        }
    },
]

private func randomDetails(_ name: String) -> String {
    """
    Draws exactly what numpy.random.RandomState(S).\(name)(...) draws. seed=S (0...4294967295) starts
    a new generator; later calls without seed= continue from it, as after numpy.random.seed(S).
    Before any seed= a session's generator is seeded from the clock.
    """
}

/// The shape from the positional arguments at `from...` (dimensions or one list); nil for none.
private func randomShape(_ c: Call, from first: Int) throws -> [Int]? {
    guard c.arguments.count > first else { return nil }
    var shape: [Int]
    if c.arguments.count == first + 1, case .list(let items) = c.arguments[first] {
        shape = try items.map { try c.asInteger($0, what: "a dimension", argument: first) }
    } else {
        shape = try (first..<c.arguments.count).map { try c.integer($0, "a dimension") }
    }
    if let bad = shape.firstIndex(where: { $0 < 0 }) {
        throw c.fail("\(c.name): dimension \(shape[bad]) is negative", argument: min(first + bad, c.arguments.count - 1))
    }
    _ = try Tensor.elementCount(of: shape)
    return shape
}

/// The session's generator, restarted when `seed=` is given.
private func generator(_ c: inout Call) throws -> RandomState {
    if let seed = try c.optionalIntegerKeyword("seed") {
        guard seed >= 0, seed <= Int(UInt32.max) else {
            throw c.fail("\(c.name): seed must be in 0...4294967295, got \(seed)", argument: c.keywordIndex("seed"))
        }
        return RandomState(seed: UInt32(seed))
    }
    if let state = c.evaluator.random { return state }
    return RandomState(seed: UInt32(truncatingIfNeeded: UInt64(Date().timeIntervalSince1970 * 1e6)))
}

/// Fills `shape` (nil: one number) with `draw`, then keeps the advanced generator.
private func drawing(_ c: inout Call, shape: [Int]?, _ draw: (inout RandomState) -> Double) throws -> Value {
    var state = try generator(&c)
    let count = try Tensor.elementCount(of: shape ?? [])
    var values = [Float]()
    values.reserveCapacity(count)
    var drawn = [Double]()
    for _ in 0..<count { drawn.append(draw(&state)) }
    values = drawn.map(Float.init)
    c.evaluator.random = state
    guard let shape else { return .number(drawn[0]) }
    return .tensor(try Tensor(shape: shape, scalars: values))
}
