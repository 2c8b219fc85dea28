#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where numbers become text, everywhere: print, tensor summaries and arrays,
/// captions, colour bars, layer and rule descriptions, error messages, notebooks.
///
/// A single number (`formatNumber`): whole numbers below 1e15 print in full (`784`, `16777216`,
/// `-3`); `-0` prints as `0`. Anything else prints with `digits` significant digits (default 6) in
/// C's `%g` form: fixed notation while the decimal exponent lies in -4 ..< digits, scientific
/// (`1.5e-05`, `3.29e+09`) outside it; trailing zeros of the fraction dropped, never zeros of the
/// integer part (`10.00001` is `10`, not `1`). Not-a-number and infinities print as numpy does:
/// `nan`, `inf`, `-inf`. NumberFormatTests checks this against a reference over millions of values.
public func formatNumber(_ value: Double, digits: Int = 6) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
    // %g already drops the fraction's trailing zeros (and a bare point); nothing else to strip.
    return printf("%.*g", Swift.min(Swift.max(digits, 1), 17), value)
}

/// A Float, exactly widened: the same text as `formatNumber(Double(value))`.
public func formatNumber(_ value: Float, digits: Int = 6) -> String {
    formatNumber(Double(value), digits: digits)
}

/// The formatter's former name, kept while branches written against it merge; use `formatNumber`.
@available(*, deprecated, renamed: "formatNumber")
public func formatScalar(_ value: Float) -> String { formatNumber(value) }

/// The cells of a numpy-style array, all of one width: whole numbers as integers (`[ 2 10]`);
/// otherwise `decimals` places (default 4, numpy's `precision`) with the integer part
/// right-aligned and the fraction left-aligned and space-padded (`[1.5  2.  ]`); scientific
/// notation for the whole array when a magnitude reaches 1e8 or a nonzero one falls below 1e-4
/// (`[1.e+20 3.e+00]`), as numpy switches.
public func formatArrayCells(_ values: [Float], decimals: Int = 4) -> [String] {
    let decimals = Swift.min(Swift.max(decimals, 0), 17)
    func special(_ v: Float) -> (String, String) { (v.isNaN ? "nan" : v > 0 ? "inf" : "-inf", "") }
    if values.allSatisfy({ $0 == $0.rounded() && Swift.abs($0) < 1e15 }) {
        let cells = values.map { String(Int64($0)) }
        let width = cells.map(\.count).max() ?? 0
        return cells.map { String(repeating: " ", count: width - $0.count) + $0 }
    }
    let finite = values.filter(\.isFinite).map { Swift.abs(Double($0)) }
    let largest = finite.max() ?? 0, smallest = finite.filter { $0 > 0 }.min() ?? 1
    let parts: [(String, String)]
    if largest >= 1e8 || smallest < 1e-4 {
        parts = values.map { value in
            guard value.isFinite else { return special(value) }
            let text = printf("%.*e", decimals, Double(value))
            let e = text.firstIndex(of: "e")!
            var mantissa = String(text[..<e])
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            guard let dot = mantissa.firstIndex(of: ".") else { return (mantissa, String(text[e...])) }
            return (String(mantissa[..<dot]), String(mantissa[dot...]) + text[e...])
        }
    } else {
        parts = values.map { value in
            guard value.isFinite else { return special(value) }
            // Rounded half away from zero first (as lrps always has), then printed exactly.
            var v = Double(value)
            if decimals <= 8 {
                let scale = pow(10, Double(decimals))
                v = (v * scale).rounded() / scale
            }
            if v == 0 { v = 0 }  // no "-0."
            var text = printf("%.*f", decimals, v)
            guard let dot = text.firstIndex(of: ".") else { return (text, ".") }
            while text.hasSuffix("0") { text.removeLast() }
            return (String(text[..<dot]), String(text[dot...]))
        }
    }
    let left = parts.map(\.0.count).max() ?? 0, right = parts.map(\.1.count).max() ?? 0
    return parts.map { whole, rest in
        String(repeating: " ", count: left - whole.count) + whole + rest + String(repeating: " ", count: right - rest.count)
    }
}

/// C's printf with one precision and one value: correctly rounded by the C library, always with
/// a '.' (the C locale; Swift programs never call setlocale), and fast (no Foundation).
private func printf(_ format: String, _ precision: Int, _ value: Double) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in  // %.17f of 1e308: 327
        let count = withVaList([Int32(precision), value]) { vsnprintf(buffer.baseAddress!, 400, format, $0) }
        precondition(count >= 0 && count < 400, "number text longer than its buffer")
        return String(cString: buffer.baseAddress!)
    }
}
