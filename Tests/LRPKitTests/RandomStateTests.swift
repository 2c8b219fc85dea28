import Foundation
import XCTest
@testable import LRPKit

/// `RandomState` against numpy's legacy RandomState: Fixtures/random/numpy-random.txt, made by
/// Tests/oracle/make_random_vectors.py (see there for the cases).
final class RandomStateTests: XCTestCase {
    struct Case { let name: String; let seed: UInt32; let values: [Double] }

    static let cases: [Case] = {
        let path = IOTests.testsFolder.appendingPathComponent("Fixtures/random/numpy-random.txt").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: " ")
            return Case(name: String(parts[0]), seed: UInt32(parts[1])!, values: parts.dropFirst(2).map { Double($0)! })
        }
    }()

    func numpy(_ name: String) -> [Case] {
        let found = Self.cases.filter { $0.name == name }
        XCTAssertEqual(found.count, 4, "no numpy vectors named \(name)")
        return found
    }

    func testUniformIsNumpysRand() {
        for c in numpy("rand") {
            var r = RandomState(seed: c.seed)
            // Exact: 53 bits put together the same way give the same double.
            XCTAssertEqual((0..<c.values.count).map { _ in r.uniform() }, c.values, "seed \(c.seed)")
        }
    }

    func testGaussianIsNumpysRandn() {
        for c in numpy("randn") {
            var r = RandomState(seed: c.seed)
            let drawn = (0..<c.values.count).map { _ in r.gaussian() }
            // log() may differ in the last bit between C libraries.
            for (k, (a, b)) in zip(drawn, c.values).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b)), "seed \(c.seed), value \(k)")
            }
        }
    }

    func testIntegersAreNumpysRandint() throws {
        let ranges: [(String, Int, Int)] = [("randint-0-10", 0, 10), ("randint-neg5-7", -5, 7),
                                            ("randint-0-10000", 0, 10000), ("randint-0-2pow40", 0, 1 << 40),
                                            ("randint-0-1", 0, 1)]
        for (name, low, high) in ranges {
            for c in numpy(name) {
                var r = RandomState(seed: c.seed)
                let drawn = try r.integers(from: low, below: high, count: c.values.count)
                XCTAssertEqual(drawn.map(Double.init), c.values, "\(name) seed \(c.seed)")
            }
        }
    }

    func testPermutationIsNumpys() throws {
        for name in ["permutation-1", "permutation-10", "permutation-1000"] {
            for c in numpy(name) {
                var r = RandomState(seed: c.seed)
                XCTAssertEqual(try r.permutation(c.values.count).map(Double.init), c.values, "\(name) seed \(c.seed)")
            }
        }
    }

    /// Calls in a row share the generator and randn's cached second value, as in numpy.
    func testCallsInARowContinueTheSameStream() throws {
        for c in numpy("sequence") {
            var r = RandomState(seed: c.seed)
            var drawn: [Double] = []
            drawn += (0..<3).map { _ in r.gaussian() }
            drawn += (0..<2).map { _ in r.uniform() }
            drawn += (0..<2).map { _ in r.gaussian() }
            drawn += try r.integers(from: 0, below: 100, count: 3).map(Double.init)
            drawn += try r.permutation(5).map(Double.init)
            drawn += [r.gaussian()]
            XCTAssertEqual(drawn.count, c.values.count)
            for (k, (a, b)) in zip(drawn, c.values).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b)), "seed \(c.seed), value \(k)")
            }
        }
    }

    func testBadRangesAreErrors() {
        var r = RandomState(seed: 0)
        XCTAssertThrowsError(try r.integers(from: 3, below: 3, count: 1))
        XCTAssertThrowsError(try r.integers(from: Int.min, below: Int.max, count: 1))
        XCTAssertThrowsError(try r.permutation(-1))
    }
}
