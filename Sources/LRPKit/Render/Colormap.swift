/// A colour map: how a value becomes a colour, and how a picture's values are normalised first.
///
/// - `gray` and `heat` are the tutorial's `graymap` and `heatmap`: values are divided by the picture's
///   largest |x| (so they lie in [-1, 1]) and coloured in Double, as the tutorial's numpy code does,
///   so the bytes match its figures.
/// - `bwr`, `coldnhot` and `zennitGray` are zennit's palettes of those names (zennit/image.py): 256
///   colours, linear between zennit's colour nodes. `bwr` and `coldnhot` are symmetric (-max|x| is the
///   first colour, 0 the middle one, +max|x| the last), as zennit's `imgify(symmetric=True)`;
///   `zennitGray` is zennit's `gray` with zennit's default normalisation (min black, max white), which
///   is why it is not the tutorial's `gray` (there 0 is always mid-grey).
public enum Colormap: String, CaseIterable, Sendable {
    /// The tutorial's `graymap`: x * 0.5 + 0.5 in every channel.
    case gray
    /// The tutorial's `heatmap`: light grey at 0, dark red at +1, dark blue at -1.
    case heat
    /// zennit's `bwr`: blue, white at 0, red.
    case bwr
    /// zennit's `coldnhot`: cyan, blue, black at 0, red, yellow, white.
    case coldnhot
    /// zennit's `gray`: black at the minimum, white at the maximum.
    case zennitGray = "zennitgray"

    /// How a picture's values are brought to the map's domain.
    public enum Normalization: Sendable {
        /// Divided by the largest |x|: the range is -max|x| ... max|x|, 0 in the middle.
        case symmetric
        /// The smallest value is the first colour, the largest the last.
        case minMax
    }

    public var normalization: Normalization {
        self == .zennitGray ? .minMax : .symmetric
    }

    /// The value range that spans the map for these values. NaN and infinities are left out (they
    /// draw as the map's end or black); no finite value gives 0...0.
    public func range(of values: [Float]) -> ClosedRange<Double> {
        var m: Float = 0, low = Float.infinity, high = -Float.infinity
        for v in values where v.isFinite {
            m = Swift.max(m, abs(v)); low = Swift.min(low, v); high = Swift.max(high, v)
        }
        switch normalization {
        case .symmetric: return -Double(m)...Double(m)
        case .minMax: return low <= high ? Double(low)...Double(high) : 0...0
        }
    }

    /// The colour of `x` in a picture whose values span `range` (from `range(of:)`).
    /// An empty range (all values equal) gives the map's middle colour for zennit's maps; the tutorial's
    /// maps then colour the undivided value, as its numpy code would after skipping a division by 0.
    public func color(_ x: Double, in range: ClosedRange<Double>) -> RGB {
        switch self {
        case .gray, .heat:
            let m = range.upperBound
            let (r, g, b) = rgb(m > 0 ? x / m : x)
            return RGB(byte(r), byte(g), byte(b))
        case .bwr, .coldnhot, .zennitGray:
            let width = range.upperBound - range.lowerBound
            let t = width > 0 ? (x - range.lowerBound) / width : 0.5
            return palette[paletteIndex(t)]
        }
    }

    /// The colour of x in [-1, 1] as RGB in [0, 1] (zennit's maps read x as -1 ... 1 across the palette).
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
        case .bwr, .coldnhot, .zennitGray:
            let c = palette[paletteIndex((x + 1) / 2)]
            return (Double(c.red) / 255, Double(c.green) / 255, Double(c.blue) / 255)
        }
    }

    /// zennit's quantisation: t in [0, 1] times 255, clipped, truncated.
    private func paletteIndex(_ t: Double) -> Int {
        guard t.isFinite else { return t == .infinity ? 255 : 0 }
        return Int(Swift.min(Swift.max(t * 255, 0), 255).rounded(.towardZero))
    }

    private var palette: [RGB] {
        switch self {
        case .bwr: return Palettes.bwr
        case .coldnhot: return Palettes.coldnhot
        default: return Palettes.gray
        }
    }
}

/// An 8-bit colour.
public struct RGB: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8, green: UInt8, blue: UInt8
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red; self.green = green; self.blue = blue
    }
    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)
    /// Captions of wrong predictions.
    public static let red = RGB(200, 0, 0)
    public var description: String { "(\(red), \(green), \(blue))" }
}

/// zennit's palettes, built from its colour nodes (zennit/image.py `CMAPS`, zennit/cmap.py `ColorMap`):
/// node indices 0...255, colours in between linear, each channel truncated (zennit rounds to 12
/// decimals first, which only removes float noise: the integer arithmetic here is exact).
enum Palettes {
    /// '000,fff'
    static let gray = make([(0, 0x000000), (255, 0xffffff)])
    /// '00f,80:fff,f00'
    static let bwr = make([(0, 0x0000ff), (128, 0xffffff), (255, 0xff0000)])
    /// '0ff,00f,80:000,f00,ff0,fff': unindexed nodes are spread evenly between indexed ones
    /// (zennit: int(a * (1 - t) + b * t)), so blue sits at 64, red at 170, yellow at 212.
    static let coldnhot = make([(0, 0x00ffff), (64, 0x0000ff), (128, 0x000000), (170, 0xff0000),
                                (212, 0xffff00), (255, 0xffffff)])

    static func make(_ nodes: [(index: Int, color: Int)]) -> [RGB] {
        (0...255).map { p in
            // The last node also covers 255 (zennit appends a copy of it at 256).
            guard let k = nodes.lastIndex(where: { $0.index <= p }), k + 1 < nodes.count else {
                return rgb(nodes[nodes.count - 1].color)
            }
            let (i0, c0) = nodes[k], (i1, c1) = nodes[k + 1]
            func channel(_ shift: Int) -> UInt8 {
                let a = (c0 >> shift) & 0xff, b = (c1 >> shift) & 0xff
                return UInt8((a * (i1 - p) + b * (p - i0)) / (i1 - i0))
            }
            return RGB(channel(16), channel(8), channel(0))
        }
    }

    private static func rgb(_ hex: Int) -> RGB {
        RGB(UInt8((hex >> 16) & 0xff), UInt8((hex >> 8) & 0xff), UInt8(hex & 0xff))
    }
}

/// The tutorial's byte conversion: truncation, not rounding. NaN (from NaN or infinite values) is 0.
@inline(__always)
func byte(_ v: Double) -> UInt8 {
    guard !v.isNaN else { return 0 }
    return UInt8(Swift.min(Swift.max(v * 255, 0), 255).rounded(.towardZero))
}
