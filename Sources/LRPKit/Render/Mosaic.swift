/// The tutorial's figure layout: digits side by side in one row.
public enum Mosaic {
    /// Renders a batch of single-channel images as the tutorial does: divide the batch by its largest
    /// |x| (one factor for all), colour, pad each image with `border` white pixels, lay them side by
    /// side, upsample by pixel repetition and truncate to bytes. (A `Figure` with its defaults.)
    ///
    /// `batch` is N x H x W x 1, N x H x W, or N x 784 (read as 28 x 28); N x H x W x 3 is colour.
    public static func render(_ batch: Tensor, colormap: Colormap, border: Int = 2, upsampling: Int = 2) throws -> Image {
        var figure = Figure(batch, colormap: colormap)
        figure.border = border
        figure.scale = upsampling
        return try figure.render()
    }

    /// (count, height, width) of a batch of single-channel images.
    static func imageGeometry(_ shape: [Int]) throws -> (Int, Int, Int) {
        switch shape.count {
        case 4 where shape[3] == 1 || shape[3] == 3: return (shape[0], shape[1], shape[2])
        case 3: return (shape[0], shape[1], shape[2])
        case 2 where shape[1] == 784: return (shape[0], 28, 28)
        default:
            throw LRPError.shapeMismatch(operation: "render",
                "expects a batch of images N x H x W x 1, N x H x W x 3, N x H x W or N x 784, got \(describe(shape: shape))")
        }
    }
}
