import Foundation

/// The one way a single number becomes text, everywhere: print, tensor summaries, captions, colour
/// bars, layer and rule descriptions, error messages, notebooks.
///
/// Whole numbers below 1e15 print in full (`784`, `16777216`, `-3`); `-0` prints as `0`. Anything
/// else prints with `digits` significant digits in C's `%g` form: fixed notation while the decimal
/// exponent lies in -4 ..< digits, scientific (`1.5e-05`, `3.29e+09`) outside it; trailing zeros of
/// the fraction dropped, never zeros of the integer part (`10.00001` is `10`, not `1`).
/// Not-a-number and infinities print as numpy does: `nan`, `inf`, `-inf`.
public func formatNumber(_ value: Double, digits: Int = 6) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
    // %g already drops the fraction's trailing zeros (and a bare point); nothing else to strip.
    return String(format: "%.\(Swift.min(Swift.max(digits, 1), 17))g", value)
}

/// A Float, exactly widened: the same text as `formatNumber(Double(value))`.
public func formatNumber(_ value: Float, digits: Int = 6) -> String {
    formatNumber(Double(value), digits: digits)
}

/// The formatter's former name, kept while branches written against it merge; use `formatNumber`.
@available(*, deprecated, renamed: "formatNumber")
public func formatScalar(_ value: Float) -> String { formatNumber(value) }
