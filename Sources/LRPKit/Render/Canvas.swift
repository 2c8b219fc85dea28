/// A white RGB drawing surface that figures are composed on.
struct Canvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    /// The largest figure drawn (about 200 MB of RGB); beyond it `init` throws instead of allocating.
    static let maximumPixels = 64 << 20

    init(width: Int, height: Int, fill: RGB = .white) throws {
        guard width > 0, height > 0 else {
            throw LRPError.invalidArgument("a picture of \(width)x\(height) pixels is empty")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, count <= Self.maximumPixels else {
            throw LRPError.tooLarge("a picture of \(width)x\(height) pixels is too large (at most \(Self.maximumPixels) pixels)")
        }
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: count * 3)
        for i in 0..<count { pixels[3 * i] = fill.red; pixels[3 * i + 1] = fill.green; pixels[3 * i + 2] = fill.blue }
    }

    /// Fills the rectangle, clipped to the canvas.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with color: RGB) {
        let x0 = max(x, 0), y0 = max(y, 0), x1 = min(x + w, width), y1 = min(y + h, height)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            var o = (row * width + x0) * 3
            for _ in x0..<x1 {
                pixels[o] = color.red; pixels[o + 1] = color.green; pixels[o + 2] = color.blue
                o += 3
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` block.
    mutating func draw(_ text: String, x: Int, y: Int, scale: Int, color: RGB) {
        var left = x
        for character in text {
            for (row, bits) in BitmapFont.rows(of: character).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, with: color)
                }
            }
            left += BitmapFont.advance(of: character) * scale
        }
    }

    /// Draws one image (h x w values, row-major) coloured by `colormap` over `range`, framed by
    /// `border` white pixels, every pixel (border included) a `scale` x `scale` block: the tutorial's tile.
    /// With 3 channels the pixels are drawn in their colours, each channel scaled as `colormap`
    /// scales a gray value (the caller passes the gray map for colour images).
    mutating func drawTile(_ values: ArraySlice<Float>, height h: Int, width w: Int, channels: Int = 1, x: Int, y: Int,
                           scale: Int, border: Int, colormap: Colormap, range: ClosedRange<Double>) {
        var index = values.startIndex
        for row in 0..<h {
            for column in 0..<w {
                var color = colormap.color(Double(values[index]), in: range)
                if channels == 3 {
                    color = RGB(color.red, colormap.color(Double(values[index + 1]), in: range).green,
                                colormap.color(Double(values[index + 2]), in: range).blue)
                }
                index += channels
                fill(x: x + (column + border) * scale, y: y + (row + border) * scale,
                     width: scale, height: scale, with: color)
            }
        }
    }

    func image() throws -> Image {
        try Image(width: width, height: height, channels: 3, pixels: pixels)
    }
}
