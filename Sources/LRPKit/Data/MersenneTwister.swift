/// MT19937, bit for bit the generator behind numpy's legacy `RandomState`.
///
/// Seeding is `init_genrand` (numpy's `RandomState(seed)` for an integer seed below 2^32), so
/// sequences drawn here match the tutorial's Python exactly.
public struct MersenneTwister: Sendable {
    private static let stateSize = 624
    private static let shift = 397
    private var state: [UInt32]
    private var position: Int

    public init(seed: UInt32) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = seed
        for i in 1..<Self.stateSize {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        self.state = state
        position = Self.stateSize
    }

    /// The next 32-bit output (`genrand_int32`).
    public mutating func next() -> UInt32 {
        if position >= Self.stateSize { regenerate() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// A 64-bit output the way numpy composes it: the first 32-bit draw is the high word.
    public mutating func next64() -> UInt64 {
        let high = UInt64(next())
        return high << 32 | UInt64(next())
    }

    /// numpy's `randint(0, upperBound, count)` on this generator: masked rejection sampling,
    /// with replacement. An `upperBound` of 1 consumes no draws, as in numpy.
    public mutating func integers(below upperBound: Int, count: Int) throws -> [Int] {
        guard upperBound > 0 else {
            throw LRPError.invalidArgument("cannot draw integers below \(upperBound): the range is empty")
        }
        guard count >= 0 else { throw LRPError.invalidArgument("cannot draw \(count) integers") }
        guard count <= Tensor.maximumElementCount else {
            throw LRPError.tooLarge("cannot draw \(count) integers: more than the limit of \(Tensor.maximumElementCount)")
        }
        let range = UInt64(upperBound - 1)
        guard range > 0 else { return [Int](repeating: 0, count: count) }
        let mask = Self.mask(covering: range)
        var result = [Int]()
        result.reserveCapacity(count)
        while result.count < count {
            let value = range <= 0xFFFF_FFFF ? UInt64(next()) & mask : next64() & mask
            if value <= range { result.append(Int(value)) }
        }
        return result
    }

    /// The smallest all-ones bit mask that covers `value`.
    public static func mask(covering value: UInt64) -> UInt64 {
        var mask = value
        for shift in [1, 2, 4, 8, 16, 32] as [UInt64] { mask |= mask >> shift }
        return mask
    }

    private mutating func regenerate() {
        let n = Self.stateSize, m = Self.shift
        for i in 0..<n {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % n] & 0x7FFF_FFFF)
            var next = state[(i + m) % n] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            state[i] = next
        }
        position = 0
    }
}

/// `numpy.random.RandomState(seed).randint(0, upperBound, count)`: the tutorial's sampler.
/// Seed 1234, 10,000 digits, 12 draws gives 8915 1318 7221 7540 664 6137 6833 8471 9449 7322 8222 1182.
public func randomIndices(count: Int, below upperBound: Int, seed: UInt32) throws -> [Int] {
    var generator = MersenneTwister(seed: seed)
    return try generator.integers(below: upperBound, count: count)
}
