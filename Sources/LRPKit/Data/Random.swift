import Foundation

/// numpy's legacy `RandomState`, draw for draw: the same seed gives the same numbers as
/// `numpy.random.RandomState(seed).rand / randn / randint / permutation` (numpy's
/// `legacy-distributions.c`, `distributions.c` and `_legacy.pyx`/`mtrand.pyx`).
public struct RandomState: Sendable {
    private var generator: MersenneTwister
    /// The second value of the last polar Box-Muller pair, served by the next `gaussian()`.
    private var cachedGaussian: Double?

    public init(seed: UInt32) {
        generator = MersenneTwister(seed: seed)
    }

    /// A double in [0, 1) from 53 random bits (`random_sample`: two draws, 27 and 26 bits).
    public mutating func uniform() -> Double {
        let a = Double(generator.next() >> 5), b = Double(generator.next() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// A standard normal value by the polar Box-Muller method, keeping the pair's second value
    /// for the next call (`legacy_gauss`).
    public mutating func gaussian() -> Double {
        if let cached = cachedGaussian {
            cachedGaussian = nil
            return cached
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2 * uniform() - 1
            x2 = 2 * uniform() - 1
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1 || r2 == 0
        let f = (-2 * Foundation.log(r2) / r2).squareRoot()
        cachedGaussian = f * x1
        return f * x2
    }

    /// `randint(low, high, count)` (dtype int64): masked rejection sampling of `high - 1 - low`.
    public mutating func integers(from low: Int, below high: Int, count: Int) throws -> [Int] {
        guard low < high else {
            throw LRPError.invalidArgument("randint: LOW \(low) must be below HIGH \(high)")
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow else { throw LRPError.invalidArgument("randint: the range \(low)..<\(high) is too wide") }
        return try generator.integers(below: span, count: count).map { $0 + low }
    }

    /// A uniformly chosen integer in 0...maximum (`random_interval`, used by `shuffle`).
    public mutating func interval(_ maximum: Int) -> Int {
        guard maximum > 0 else { return 0 }
        let bound = UInt64(maximum)
        let mask = MersenneTwister.mask(covering: bound)
        while true {
            let value = bound <= 0xFFFF_FFFF ? UInt64(generator.next()) & mask : generator.next64() & mask
            if value <= bound { return Int(value) }
        }
    }

    /// `permutation(n)`: 0..<n shuffled by numpy's Fisher-Yates, from the last position down.
    public mutating func permutation(_ n: Int) throws -> [Int] {
        guard n >= 0, n <= Tensor.maximumElementCount else {
            throw LRPError.invalidArgument("permutation: \(n) is not a count in 0...\(Tensor.maximumElementCount)")
        }
        var order = Array(0..<n)
        for i in stride(from: n - 1, through: 1, by: -1) {
            order.swapAt(i, interval(i))
        }
        return order
    }
}
