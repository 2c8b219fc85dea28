/// Maps a value in [-1, 1] to RGB in [0, 1]. Computed in Double, as the tutorial's numpy code does,
/// so the bytes match its figures.
public enum Colormap: String, CaseIterable, Sendable {
    /// The tutorial's `graymap`: x * 0.5 + 0.5 in every channel.
    case gray
    /// The tutorial's `heatmap`: light grey at 0, dark red at +1, dark blue at -1.
    case heat

    public func rgb(_ x: Double) -> (Double, Double, Double) {
        switch self {
        case .gray:
            let v = x * 0.5 + 0.5
            return (v, v, v)
        case .heat:
            func clip(_ v: Double, _ high: Double) -> Double { Swift.min(Swift.max(v, 0), high) }
            if x >= 0 {
                let r = 0.9 - clip(x - 0.3, 0.7) / 0.7 * 0.5
                let gb = 0.9 - clip(x, 0.3) / 0.3 * 0.5 - clip(x - 0.3, 0.7) / 0.7 * 0.4
                return (r, gb, gb)
            }
            let n = -x
            let rg = 0.9 - clip(n, 0.3) / 0.3 * 0.5 - clip(n - 0.3, 0.7) / 0.7 * 0.4
            let b = 0.9 - clip(n - 0.3, 0.7) / 0.7 * 0.5
            return (rg, rg, b)
        }
    }
}

/// The tutorial's byte conversion: truncation, not rounding.
@inline(__always)
func byte(_ v: Double) -> UInt8 {
    UInt8(Swift.min(Swift.max(v * 255, 0), 255).rounded(.towardZero))
}
