import LRPKit

/// Draws an image with "▀" characters: each character cell shows two pixels, the upper one in the
/// 24-bit foreground colour and the lower one in the background colour. Colour codes are only sent
/// when they change along a row; every row ends with a reset, so nothing leaks into later output.
struct HalfBlockRenderer {
    /// The widest the drawing may be, in character cells (one cell per pixel column).
    var maximumColumns: Int

    func render(_ image: Image) -> String {
        let picture = RGBPicture(image).fitted(toWidth: max(1, maximumColumns))
        var text = ""
        for row in stride(from: 0, to: picture.height, by: 2) {
            var foreground: RGB?
            var background: RGB?
            for x in 0..<picture.width {
                let upper = picture[x, row]
                if upper != foreground {
                    text += "\u{1B}[38;2;\(upper.red);\(upper.green);\(upper.blue)m"
                    foreground = upper
                }
                // An odd last row has no lower pixel: the terminal's own background stays.
                if row + 1 < picture.height {
                    let lower = picture[x, row + 1]
                    if lower != background {
                        text += "\u{1B}[48;2;\(lower.red);\(lower.green);\(lower.blue)m"
                        background = lower
                    }
                }
                text += "▀"
            }
            text += "\u{1B}[0m\n"
        }
        return text
    }
}

struct RGB: Equatable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8
}

/// An image as opaque RGB pixels (gray expanded, alpha composited over black).
struct RGBPicture {
    let width: Int
    let height: Int
    private(set) var pixels: [RGB]

    init(width: Int, height: Int, pixels: [RGB]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    init(_ image: Image) {
        width = image.width
        height = image.height
        let channels = image.channels
        pixels = (0..<(image.width * image.height)).map { index in
            let base = index * channels
            let source = image.pixels
            switch channels {
            case 1:
                return RGB(red: source[base], green: source[base], blue: source[base])
            case 4:
                let alpha = UInt16(source[base + 3])
                func over(_ value: UInt8) -> UInt8 { UInt8((UInt16(value) * alpha + 127) / 255) }
                return RGB(red: over(source[base]), green: over(source[base + 1]), blue: over(source[base + 2]))
            default:
                return RGB(red: source[base], green: source[base + 1], blue: source[base + 2])
            }
        }
    }

    subscript(x: Int, y: Int) -> RGB { pixels[y * width + x] }

    /// Shrinks (never enlarges) to at most `maximumWidth` columns, keeping the aspect ratio;
    /// each new pixel is the mean of the source pixels its area covers.
    func fitted(toWidth maximumWidth: Int) -> RGBPicture {
        guard width > maximumWidth else { return self }
        let newWidth = maximumWidth
        let newHeight = max(1, Int((Double(height) * Double(newWidth) / Double(width)).rounded()))
        var result: [RGB] = []
        result.reserveCapacity(newWidth * newHeight)
        for y in 0..<newHeight {
            let rows = span(y, of: newHeight, over: height)
            for x in 0..<newWidth {
                let columns = span(x, of: newWidth, over: width)
                var sums = (0, 0, 0)
                for sourceY in rows {
                    for sourceX in columns {
                        let pixel = self[sourceX, sourceY]
                        sums.0 += Int(pixel.red)
                        sums.1 += Int(pixel.green)
                        sums.2 += Int(pixel.blue)
                    }
                }
                let count = rows.count * columns.count
                func mean(_ sum: Int) -> UInt8 { UInt8((sum + count / 2) / count) }
                result.append(RGB(red: mean(sums.0), green: mean(sums.1), blue: mean(sums.2)))
            }
        }
        return RGBPicture(width: newWidth, height: newHeight, pixels: result)
    }

    /// The source indices that destination index `index` (of `count`) covers in `total`.
    private func span(_ index: Int, of count: Int, over total: Int) -> Range<Int> {
        let start = index * total / count
        let end = max(start + 1, (index + 1) * total / count)
        return start..<min(end, total)
    }
}
