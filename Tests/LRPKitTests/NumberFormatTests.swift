import Foundation
import Synchronization
import XCTest
import LRPKit
#if canImport(Glibc)
import Glibc
#endif

/// `formatNumber` against a reference formatting over 1.2 million values: random doubles across
/// all magnitudes, random bit patterns (subnormals included), Float values, integers up to 2^24
/// and 2^53, values just below and above powers of ten, halfway cases, -0, infinities and NaN.
///
/// The reference builds the text from C's correctly rounded `%.{d-1}e` digits by the rule alone
/// (where the point goes, which zeros go), and every text must also read back as the nearest
/// `digits`-significant-digit value, which needs no C library at all.
final class NumberFormatTests: XCTestCase {
    /// The rule, written out: digits and exponent from `%.{d-1}e`, then placed. (On raw bytes:
    /// a million values must take seconds in a debug build.)
    static func reference(_ v: Double, digits d: Int) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { e in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { out in
                var n = 0
                func put(_ byte: UInt8) { out[n] = byte; n += 1 }
                if v.sign == .minus, v != 0 { put(45) }  // "-"
                if v == v.rounded(), abs(v) < 1e15 {
                    // Whole numbers in full, from their decimal digits.
                    var k = UInt64(abs(v)), count = 0
                    repeat { e[count] = 48 + UInt8(k % 10); k /= 10; count += 1 } while k > 0
                    while count > 0 { count -= 1; put(e[count]) }
                    return String(decoding: UnsafeBufferPointer(rebasing: out[..<n]), as: UTF8.self)
                }
                let count = e.withMemoryRebound(to: CChar.self) { chars in
                    Int(withVaList([Int32(d - 1), abs(v)]) { vsnprintf(chars.baseAddress!, 128, "%.*e", $0) })
                }
                // "D.DDDDDe-XX": the digits without the point, then the exponent.
                var digits = [UInt8](), i = 0
                while e[i] != 101 { if e[i] != 46 { digits.append(e[i]) }; i += 1 }  // "e", "."
                let negative = e[i + 1] == 45
                var exponent = 0
                i += 2
                while i < count { exponent = exponent * 10 + Int(e[i]) - 48; i += 1 }
                if negative { exponent = -exponent }
                while digits.count > 1, digits.last == 48 { digits.removeLast() }
                if exponent < -4 || exponent >= d {
                    put(digits[0])
                    if digits.count > 1 { put(46); for k in 1..<digits.count { put(digits[k]) } }
                    put(101); put(exponent < 0 ? 45 : 43)
                    let x = abs(exponent)
                    if x >= 100 { put(48 + UInt8(x / 100)) }
                    put(48 + UInt8(x / 10 % 10)); put(48 + UInt8(x % 10))
                } else if exponent < 0 {
                    put(48); put(46)
                    for _ in 0..<(-exponent - 1) { put(48) }
                    for digit in digits { put(digit) }
                } else {
                    for k in 0...exponent { put(k < digits.count ? digits[k] : 48) }
                    if digits.count > exponent + 1 { put(46); for k in (exponent + 1)..<digits.count { put(digits[k]) } }
                }
                return String(decoding: UnsafeBufferPointer(rebasing: out[..<n]), as: UTF8.self)
            }
        }
    }

    /// SplitMix64: reproducible values without Foundation.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    }

    static func values() -> [Double] {
        var g = Generator(state: 2024), values: [Double] = []
        values.reserveCapacity(1_250_000)
        for _ in 0..<400_000 {  // all magnitudes, both signs
            let v = (1 + 9 * g.unit()) * pow(10, Double(g.int(-320...307)))
            values.append(g.next() & 1 == 0 ? v : -v)
        }
        for _ in 0..<200_000 {  // any bit pattern: subnormals, huge, tiny
            values.append(Double(bitPattern: g.next()))
        }
        for _ in 0..<200_000 {  // float32 values, as tensors hold them
            values.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))))
        }
        for _ in 0..<100_000 {  // integers to 2^24, to 2^53, and non-integers near them
            values.append(Double(g.int(0...(1 << 24))))
            values.append(-Double(g.int((1 << 24)...(1 << 53))))
            values.append(Double(g.int(0...(1 << 24))) + g.unit())
        }
        for k in -310...308 {  // just below, at and above powers of ten, and of 9.99999.. at 6 digits
            for base in [1.0, 9.999995, 9.9999949999, 9.99999500001] {
                let p = base * pow(10, Double(k))
                guard p.isFinite, p > 0 else { continue }
                var below = p, above = p
                for _ in 0..<4 { below = below.nextDown; above = above.nextUp; values += [below, above, -below] }
                values.append(p)
            }
        }
        for _ in 0..<100_000 {  // halfway between two 6-digit values, and 1 ulp either side
            let m = Double(g.int(100_000...999_999)) + 0.5
            let h = m * pow(10, Double(g.int(-12...12)))
            values += [h, h.nextDown, h.nextUp]
        }
        values += [0, -0.0, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                   .leastNormalMagnitude, .greatestFiniteMagnitude, 1e15, 1e15 - 1, -1e15, 999_999_999_999_999.0,
                   Double(Float.leastNonzeroMagnitude), Double(Float.greatestFiniteMagnitude)]
        return values
    }

    func testMatchesTheReferenceOverMoreThanAMillionValues() {
        let values = Self.values()
        XCTAssertGreaterThan(values.count, 1_000_000)
        // Two halves on two threads; each keeps its first few differences.
        let halves = [0..<values.count / 2, values.count / 2..<values.count]
        let found = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: halves.count) { h in
            var differences: [String] = []
            for i in halves[h] where differences.count < 10 {
                let v = values[i]
                // Mostly the default 6 digits; every 8th value with 1...17 digits.
                let digits = i % 8 == 0 ? 1 + i / 8 % 17 : 6
                let text = formatNumber(v, digits: digits), expected = Self.reference(v, digits: digits)
                if text != expected {
                    differences.append("\(v) (bits \(String(v.bitPattern, radix: 16))) digits \(digits): '\(text)', reference '\(expected)'")
                }
            }
            found.withLock { $0 += differences }
        }
        found.withLock { $0.forEach { XCTFail($0) } }
    }

    /// Independent of any C library: the text reads back as the value rounded to `digits`
    /// significant digits (whole numbers exactly), and says no more than that.
    func testTextReadsBackAsTheRoundedValue() {
        var g = Generator(state: 7)
        for i in 0..<100_000 {
            let v = i % 2 == 0 ? (1 + 9 * g.unit()) * pow(10, Double(g.int(-30...30))) : Double(bitPattern: g.next())
            guard v.isFinite else { continue }
            let text = formatNumber(v)
            guard let back = Double(text) else { XCTFail("\(v): '\(text)' is not a number"); return }
            if v == v.rounded(), abs(v) < 1e15 { XCTAssertEqual(back, v, text); continue }
            let unit = pow(10, floor(log10(abs(v))) - 5)  // one unit in the 6th digit
            if !(abs(back - v) <= 0.5 * unit * (1 + 1e-9)) { XCTFail("\(v) printed as \(text)"); return }
            let significant = text.split(separator: "e")[0].filter(\.isNumber).drop { $0 == "0" }
            XCTAssertLessThanOrEqual(significant.count, 6, text)
        }
    }

    func testTheValuesOfIssue15() {
        XCTAssertEqual([10.00001, 30.00001, 120.0003, 219749.94, -10.00001].map { formatNumber($0) },
                       ["10", "30", "120", "219750", "-10"])
        XCTAssertEqual(formatNumber(219749.94, digits: 8), "219749.94")
        XCTAssertEqual(formatNumber(Float(21.439749)), "21.4397")
        XCTAssertEqual([-0.0, 16_777_216, 16_777_217, 1e15, .nan, -.infinity].map { formatNumber($0) },
                       ["0", "16777216", "16777217", "1e+15", "nan", "-inf"])
        XCTAssertEqual(formatArrayCells([1.5, 2, -0.00001, 0.25]), [" 1.5e+00", " 2.e+00 ", "-1.e-05 ", " 2.5e-01"])
        XCTAssertEqual(formatArrayCells([1.5, 2, 0.25]), ["1.5 ", "2.  ", "0.25"])
        XCTAssertEqual(formatArrayCells([1.2345678, 2], decimals: 8), ["1.23456776", "2.        "])  // the Float's digits
    }
}
