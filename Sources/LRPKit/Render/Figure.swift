import Foundation

/// A picture of a batch of single-channel images: laid out in a grid, each optionally beside its
/// input and with a caption under it, with an optional colour bar. With the defaults it is the
/// tutorial's mosaic (one row, 2 px white frames, 2x upsampled), byte for byte.
public struct Figure: Sendable {
    /// N x H x W x 1, N x H x W or N x 784 (read as 28 x 28); see `batch(_:)` for single images.
    public var images: Tensor
    public var colormap: Colormap
    /// Drawn left of each image (same count; the size may differ), coloured by `inputColormap`
    /// over the inputs' own range.
    public var inputs: Tensor?
    public var inputColormap: Colormap = .gray
    /// One per image, or none.
    public var captions: [Caption] = []
    /// Images per row; nil: enough for `rows` rows, or all in one row.
    public var columns: Int?
    /// Rows of the grid; nil: as many as `columns` needs. Cells left over stay white.
    public var rows: Int?
    /// Every image pixel becomes a `scale` x `scale` block.
    public var scale: Int = 2
    /// White frame around each image, in image pixels (so `border * scale` on the canvas).
    public var border: Int = 2
    /// A strip under the grid showing the colour map over the images' value range, the ends labelled.
    public var colorbar: Bool = false
    /// The font's pixel size; nil: half of `scale`, at least 2 (1 when `scale` is 1).
    public var textScale: Int?

    public init(_ images: Tensor, colormap: Colormap) {
        self.images = images
        self.colormap = colormap
    }

    /// Reads `tensor` as a batch: N x H x W x 1, N x H x W x 3, N x H x W (unless W is 1 or 3) and
    /// N x 784 as they are; one image H x W x 1, H x W x 3, H x W or 784 (a 28 x 28 digit) as a batch of one.
    public static func batch(_ tensor: Tensor) throws -> (batch: Tensor, single: Bool) {
        let s = tensor.shape
        switch s.count {
        case 1 where s[0] == 784: return (try tensor.reshaped([1, 28, 28]), true)
        case 2 where s[1] != 784: return (try tensor.reshaped([1] + s), true)
        case 3 where s[2] == 1: return (try tensor.reshaped([1, s[0], s[1]]), true)
        case 3 where s[2] == 3: return (try tensor.reshaped([1] + s), true)
        default:
            _ = try Mosaic.imageGeometry(s)
            return (tensor, false)
        }
    }

    /// The value range the colour map spans for `images` (and the colour bar's end labels).
    public var range: ClosedRange<Double> {
        colormap.range(of: colormap == .gray ? images.scalars : ((try? Figure.channelSum(images)) ?? images).scalars)
    }

    /// N x H x W x 3 summed over the channels to N x H x W x 1 (how a heatmap of a colour input's
    /// relevance is drawn); other shapes as they are.
    static func channelSum(_ batch: Tensor) throws -> Tensor {
        guard batch.rank == 4, batch.shape[3] == 3 else { return batch }
        return try batch.sum(axis: 3, keepingDimension: true)
    }

    public func render() throws -> Image {
        let (n, h, w) = try Mosaic.imageGeometry(images.shape)
        // Colour images (N x H x W x 3): in their colours under the gray map, else the channel sum.
        let images = colormap == .gray ? self.images : try Figure.channelSum(self.images)
        guard n > 0 else { throw LRPError.invalidArgument("cannot render an empty batch") }
        guard (1...64).contains(scale) else { throw LRPError.invalidArgument("scale must be 1 to 64, got \(scale)") }
        guard (0...64).contains(border) else { throw LRPError.invalidArgument("border must be 0 to 64, got \(border)") }
        let ts = textScale ?? (scale >= 2 ? min(max(2, scale / 2), 16) : 1)
        guard (1...16).contains(ts) else { throw LRPError.invalidArgument("text scale must be 1 to 16, got \(ts)") }
        if let columns, !(1...10_000).contains(columns) {
            throw LRPError.invalidArgument("columns must be 1 to 10000, got \(columns)")
        }
        if let rows, !(1...10_000).contains(rows) { throw LRPError.invalidArgument("rows must be 1 to 10000, got \(rows)") }
        let columnCount = columns ?? rows.map { (n + $0 - 1) / $0 } ?? n
        let rowCount = rows ?? (n + columnCount - 1) / columnCount
        guard rowCount * columnCount >= n else {
            throw LRPError.invalidArgument("\(rowCount) rows x \(columnCount) columns cannot hold \(n) images")
        }
        guard captions.isEmpty || captions.count == n else {
            throw LRPError.shapeMismatch(operation: "figure", "\(captions.count) captions for \(n) images")
        }
        var inputGeometry: (h: Int, w: Int)?
        if let inputs {
            let (ni, hi, wi) = try Mosaic.imageGeometry(inputs.shape)
            guard ni == n else {
                throw LRPError.shapeMismatch(operation: "figure",
                    "\(ni) inputs (\(describe(shape: inputs.shape))) for \(n) images (\(describe(shape: images.shape)))")
            }
            inputGeometry = (hi, wi)
        }

        // Layout: cells of (input tile +) image tile, a caption band under each, a grid of cells.
        let tileW = (w + 2 * border) * scale, tileH = (h + 2 * border) * scale
        let inputW = inputGeometry.map { ($0.w + 2 * border) * scale } ?? 0
        let inputH = inputGeometry.map { ($0.h + 2 * border) * scale } ?? 0
        let picturesW = inputW + tileW, picturesH = max(tileH, inputH)
        let captionH = captions.isEmpty ? 0 : (BitmapFont.glyphHeight + 3) * ts
        let widestCaption = captions.map { BitmapFont.width(of: $0.text, scale: ts) }.max() ?? 0
        // Pairs get a frame's width more on each side, so pairs stand apart from each other.
        let pairPadding = inputs == nil ? 0 : border * scale
        let cellW = max(picturesW + 2 * pairPadding, captions.isEmpty ? 0 : widestCaption + 4 * ts)
        let cellH = picturesH + captionH
        let gridW = columnCount * cellW, gridH = rowCount * cellH

        let bar = colorbar ? ColorBar(colormap: colormap, range: range, textScale: ts) : nil
        let width = max(gridW, bar?.minimumWidth ?? 0)
        let height = gridH + (bar?.height ?? 0)
        var canvas = try Canvas(width: width, height: height)

        let gridX = (width - gridW) / 2
        let range = self.range
        let inputRange = inputs.map { inputColormap.range(of: $0.scalars) }
        for k in 0..<n {
            let cellX = gridX + (k % columnCount) * cellW, cellY = (k / columnCount) * cellH
            var x = cellX + (cellW - picturesW) / 2
            if let inputs, let (hi, wi) = inputGeometry, let inputRange {
                let ci = inputs.rank == 4 ? inputs.shape[3] : 1
                canvas.drawTile(inputs.scalars[(k * hi * wi * ci)..<((k + 1) * hi * wi * ci)], height: hi, width: wi, channels: ci,
                                x: x, y: cellY + (picturesH - inputH) / 2, scale: scale, border: border,
                                colormap: inputColormap, range: inputRange)
                x += inputW
            }
            let c = images.rank == 4 ? images.shape[3] : 1
            canvas.drawTile(images.scalars[(k * h * w * c)..<((k + 1) * h * w * c)], height: h, width: w, channels: c,
                            x: x, y: cellY + (picturesH - tileH) / 2, scale: scale, border: border,
                            colormap: colormap, range: range)
            if !captions.isEmpty {
                let caption = captions[k]
                let textW = BitmapFont.width(of: caption.text, scale: ts)
                canvas.draw(caption.text, x: cellX + (cellW - textW) / 2, y: cellY + picturesH + ts,
                            scale: ts, color: caption.color)
            }
        }
        bar?.draw(on: &canvas, top: gridH)
        return try canvas.image()
    }
}

/// Text under one image of a figure.
public struct Caption: Equatable, Sendable {
    public var text: String
    public var color: RGB

    public init(_ text: String, color: RGB = .black) {
        self.text = text
        self.color = color
    }

    /// "7 → 5" (label → prediction), red when they differ; only the one given if the other is nil.
    public static func comparing(label: String?, prediction: String?) -> Caption {
        switch (label, prediction) {
        case let (label?, prediction?):
            return Caption("\(label) → \(prediction)", color: label == prediction ? .black : .red)
        case let (label?, nil): return Caption(label)
        case let (nil, prediction?): return Caption(prediction)
        case (nil, nil): return Caption("")
        }
    }
}

/// The colour bar: a gradient strip over the value range, its ends (and 0, for symmetric maps)
/// labelled underneath.
struct ColorBar {
    let colormap: Colormap
    let range: ClosedRange<Double>
    let textScale: Int

    var margin: Int { 4 * textScale }
    var barHeight: Int { 8 * textScale }
    var height: Int { margin + barHeight + textScale + BitmapFont.height(scale: textScale) + 2 * textScale }

    var labels: (low: String, middle: String?, high: String) {
        (formatNumber(range.lowerBound, digits: 3), colormap.normalization == .symmetric ? "0" : nil,
         formatNumber(range.upperBound, digits: 3))
    }

    /// Room for the strip and its labels with a gap of two characters between them.
    var minimumWidth: Int {
        let l = labels, gap = 2 * BitmapFont.advance * textScale
        let text = BitmapFont.width(of: l.low, scale: textScale) + BitmapFont.width(of: l.high, scale: textScale)
            + (l.middle.map { BitmapFont.width(of: $0, scale: textScale) + gap } ?? 0) + gap
        return max(text, 32 * textScale) + 2 * margin
    }

    func draw(on canvas: inout Canvas, top: Int) {
        let left = margin, barW = max(canvas.width - 2 * margin, 2), y = top + margin
        let low = range.lowerBound, high = range.upperBound
        for i in 0..<barW {
            // The first and last columns are exactly the colours of the range's ends.
            let x = low + (high - low) * Double(i) / Double(barW - 1)
            canvas.fill(x: left + i, y: y, width: 1, height: barHeight, with: colormap.color(x, in: range))
        }
        let textY = y + barHeight + textScale, l = labels
        canvas.draw(l.low, x: left, y: textY, scale: textScale, color: .black)
        let highW = BitmapFont.width(of: l.high, scale: textScale)
        canvas.draw(l.high, x: left + barW - highW, y: textY, scale: textScale, color: .black)
        if let middle = l.middle {
            let middleW = BitmapFont.width(of: middle, scale: textScale)
            canvas.draw(middle, x: left + (barW - middleW) / 2, y: textY, scale: textScale, color: .black)
        }
    }
}
