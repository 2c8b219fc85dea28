/// The tutorial's figure layout: digits side by side in one row.
public enum Mosaic {
    /// Renders a batch of single-channel images as the tutorial does: divide the batch by its largest
    /// |x| (one factor for all), colour, pad each image with `border` white pixels, lay them side by
    /// side, upsample by pixel repetition and truncate to bytes.
    ///
    /// `batch` is N x H x W x 1, N x H x W, or N x 784 (read as 28 x 28).
    public static func render(_ batch: Tensor, colormap: Colormap, border: Int = 2, upsampling: Int = 2) throws -> Image {
        let (n, h, w) = try imageGeometry(batch.shape)
        guard n > 0 else { throw LRPError.invalidArgument("cannot render an empty batch") }
        guard border >= 0, upsampling >= 1 else { throw LRPError.invalidArgument("bad border or upsampling") }
        let scale = Double(batch.maximumMagnitude())
        let cellH = h + 2 * border, cellW = w + 2 * border
        let width = n * cellW * upsampling, height = cellH * upsampling
        _ = try Tensor.elementCount(of: [width, height, 3])
        // Build the small mosaic first, then upsample.
        var small = [UInt8](repeating: 255, count: n * cellW * cellH * 3)
        batch.scalars.withUnsafeBufferPointer { x in
            for k in 0..<n { for y in 0..<h { for xPos in 0..<w {
                var v = Double(x[(k * h + y) * w + xPos])
                if scale > 0 { v /= scale }
                let (r, g, b) = colormap.rgb(v)
                let o = ((y + border) * n * cellW + k * cellW + xPos + border) * 3
                small[o] = byte(r); small[o + 1] = byte(g); small[o + 2] = byte(b)
            } } }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let smallW = n * cellW
        for y in 0..<height { for x in 0..<width {
            let s = ((y / upsampling) * smallW + x / upsampling) * 3
            let d = (y * width + x) * 3
            pixels[d] = small[s]; pixels[d + 1] = small[s + 1]; pixels[d + 2] = small[s + 2]
        } }
        return try Image(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// (count, height, width) of a batch of single-channel images.
    static func imageGeometry(_ shape: [Int]) throws -> (Int, Int, Int) {
        switch shape.count {
        case 4 where shape[3] == 1: return (shape[0], shape[1], shape[2])
        case 3: return (shape[0], shape[1], shape[2])
        case 2 where shape[1] == 784: return (shape[0], 28, 28)
        default:
            throw LRPError.shapeMismatch(operation: "render",
                "expects a batch of images N x H x W x 1, N x H x W or N x 784, got \(describe(shape: shape))")
        }
    }
}
