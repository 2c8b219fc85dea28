import XCTest
@testable import LRPKit

/// Colour maps, the bitmap font and figure layout, checked pixel by pixel where it means something.
final class RenderTests: XCTestCase {
    // MARK: Helpers

    private func pixel(_ image: Image, _ x: Int, _ y: Int) -> RGB {
        let o = (y * image.width + x) * image.channels
        return RGB(image.pixels[o], image.pixels[o + 1], image.pixels[o + 2])
    }

    /// The points of `image` inside the rectangle that have `color`.
    private func points(of color: RGB, in image: Image, x: Range<Int>, y: Range<Int>) -> Set<[Int]> {
        var found = Set<[Int]>()
        for row in y { for column in x where pixel(image, column, row) == color { found.insert([column, row]) } }
        return found
    }

    /// A batch of `n` h x w images, image k filled with the value `values[k]`.
    private func constantBatch(_ values: [Float], h: Int, w: Int) throws -> Tensor {
        try Tensor(shape: [values.count, h, w, 1], scalars: values.flatMap { Array(repeating: $0, count: h * w) })
    }

    // MARK: zennit's palettes

    /// Entries of zennit's palettes as zennit's own `ColorMap.palette()` computes them (zennit/cmap.py run
    /// under numpy on the sources in zennit/image.py), not as this code does.
    func testZennitPalettesMatchZennit() {
        let bwr: [Int: RGB] = [0: RGB(0, 0, 255), 1: RGB(1, 1, 255), 32: RGB(63, 63, 255), 63: RGB(125, 125, 255),
                               127: RGB(253, 253, 255), 128: RGB(255, 255, 255), 129: RGB(255, 252, 252),
                               150: RGB(255, 210, 210), 200: RGB(255, 110, 110), 254: RGB(255, 2, 2), 255: RGB(255, 0, 0)]
        let coldnhot: [Int: RGB] = [0: RGB(0, 255, 255), 1: RGB(0, 251, 255), 32: RGB(0, 127, 255), 63: RGB(0, 3, 255),
                                    64: RGB(0, 0, 255), 65: RGB(0, 0, 251), 100: RGB(0, 0, 111), 127: RGB(0, 0, 3),
                                    128: RGB(0, 0, 0), 129: RGB(6, 0, 0), 150: RGB(133, 0, 0), 170: RGB(255, 0, 0),
                                    171: RGB(255, 6, 0), 200: RGB(255, 182, 0), 212: RGB(255, 255, 0),
                                    213: RGB(255, 255, 5), 254: RGB(255, 255, 249), 255: RGB(255, 255, 255)]
        for (p, color) in bwr { XCTAssertEqual(Palettes.bwr[p], color, "bwr[\(p)]") }
        for (p, color) in coldnhot { XCTAssertEqual(Palettes.coldnhot[p], color, "coldnhot[\(p)]") }
        for p in 0...255 { XCTAssertEqual(Palettes.gray[p], RGB(UInt8(p), UInt8(p), UInt8(p)), "gray[\(p)]") }
    }

    func testZennitMapsNormaliseAsZennit() {
        // Symmetric: -max|x| is the first colour, +max|x| the last, 0 zennit's index 127 ((0 + 1) / 2 * 255, truncated).
        let values: [Float] = [-0.5, 0, 2]
        let range = Colormap.bwr.range(of: values)
        XCTAssertEqual(range, -2...2)
        XCTAssertEqual(Colormap.bwr.color(-2, in: range), RGB(0, 0, 255))
        XCTAssertEqual(Colormap.bwr.color(0, in: range), RGB(253, 253, 255))
        XCTAssertEqual(Colormap.bwr.color(2, in: range), RGB(255, 0, 0))
        XCTAssertEqual(Colormap.coldnhot.color(0, in: range), RGB(0, 0, 3))
        XCTAssertEqual(Colormap.coldnhot.color(-2, in: range), RGB(0, 255, 255))
        // zennit's gray spans min ... max: -0.5 is black although |x| is not the largest.
        let minMax = Colormap.zennitGray.range(of: values)
        XCTAssertEqual(minMax, -0.5...2)
        XCTAssertEqual(Colormap.zennitGray.color(-0.5, in: minMax), .black)
        XCTAssertEqual(Colormap.zennitGray.color(2, in: minMax), .white)
        XCTAssertEqual(Colormap.zennitGray.color(0.75, in: minMax), RGB(127, 127, 127))   // t = 0.5
        // The tutorial's gray keeps 0 at mid-grey over the symmetric range.
        XCTAssertEqual(Colormap.gray.color(0, in: Colormap.gray.range(of: values)), RGB(127, 127, 127))
        XCTAssertEqual(Colormap.gray.color(-2, in: -2...2), .black)
        // All values equal: the middle colour, not a division by zero.
        XCTAssertEqual(Colormap.bwr.color(0, in: 0...0), RGB(253, 253, 255))
        XCTAssertEqual(Colormap.zennitGray.color(3, in: 3...3), RGB(127, 127, 127))
    }

    func testMapNamesAreDistinct() {
        XCTAssertEqual(Colormap.allCases.map(\.rawValue), ["gray", "heat", "bwr", "coldnhot", "zennitgray"])
    }

    // MARK: Font

    func testDigitGlyphRendersItsPixels() throws {
        var canvas = try Canvas(width: 14, height: 18)
        canvas.draw("7", x: 2, y: 2, scale: 2, color: .black)
        let image = try canvas.image()
        // The classic 5 x 7 seven, typed here independently of the font table.
        let seven = ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."]
        var expected = Set<[Int]>()
        for (row, line) in seven.enumerated() {
            for (column, mark) in line.enumerated() where mark == "#" {
                for dy in 0..<2 { for dx in 0..<2 { expected.insert([2 + 2 * column + dx, 2 + 2 * row + dy]) } }
            }
        }
        XCTAssertEqual(points(of: .black, in: image, x: 0..<14, y: 0..<18), expected)
    }

    func testTextWidths() {
        XCTAssertEqual(BitmapFont.width(of: "7"), 5)
        XCTAssertEqual(BitmapFont.width(of: "12", scale: 2), 22)
        XCTAssertEqual(BitmapFont.width(of: "7 → 5"), 6 + 3 + 6 + 3 + 5)   // spaces are half width
        XCTAssertEqual(BitmapFont.width(of: ""), 0)
        for character in "0123456789abcxyzABCXYZ.-+e→/" { XCTAssertTrue(BitmapFont.hasGlyph(character), "\(character)") }
        XCTAssertEqual(BitmapFont.rows(of: "€"), BitmapFont.rows(of: "?"))
    }

    // MARK: Figures

    func testDefaultFigureIsTheMosaicLayout() throws {
        // Two 2x3 images, -1 and 1 everywhere: black and white under the gray map.
        let batch = try constantBatch([-1, 1], h: 2, w: 3)
        let image = try Figure(batch, colormap: .gray).render()
        XCTAssertEqual([image.width, image.height], [2 * (3 + 4) * 2, (2 + 4) * 2])
        XCTAssertEqual(pixel(image, 0, 0), .white)            // frame
        XCTAssertEqual(pixel(image, 3, 3), .white)
        XCTAssertEqual(pixel(image, 4, 4), .black)            // first image, first value
        XCTAssertEqual(pixel(image, 9, 7), .black)            // its last value, still inside
        XCTAssertEqual(pixel(image, 10, 4), .white)           // the frame after it
        XCTAssertEqual(pixel(image, 14 + 4, 4), .white)       // second image: 1 -> white, framed in white
        XCTAssertEqual(image, try Mosaic.render(batch, colormap: .gray))
    }

    /// The tutorial's heat map (docs/tutorial.md, "Colormap"), written from its formula rather than
    /// taken from the code under test, stored as the bytes trunc(v * 255).
    static func tutorialHeat(_ x: Double) -> RGB {
        func clip(_ v: Double, _ low: Double, _ high: Double) -> Double { min(max(v, low), high) }
        let r, g, b: Double
        if x >= 0 {
            r = 0.9 - clip(x - 0.3, 0, 0.7) / 0.7 * 0.5
            g = 0.9 - clip(x, 0, 0.3) / 0.3 * 0.5 - clip(x - 0.3, 0, 0.7) / 0.7 * 0.4
            b = g
        } else {
            let n = -x
            r = 0.9 - clip(n, 0, 0.3) / 0.3 * 0.5 - clip(n - 0.3, 0, 0.7) / 0.7 * 0.4
            g = r
            b = 0.9 - clip(n - 0.3, 0, 0.7) / 0.7 * 0.5
        }
        return RGB(UInt8(r * 255), UInt8(g * 255), UInt8(b * 255))
    }

    func testGridPlacesImagesRowByRow() throws {
        // Six 1x1 images valued 0...5, heat over -5...5, no frame, 3 per row.
        let values: [Float] = [0, 1, 2, 3, 4, 5]
        var figure = Figure(try constantBatch(values, h: 1, w: 1), colormap: .heat)
        figure.columns = 3
        figure.border = 0
        figure.scale = 4
        let image = try figure.render()
        XCTAssertEqual([image.width, image.height], [12, 8])
        for (k, v) in values.enumerated() {
            let color = Self.tutorialHeat(Double(v) / 5)
            for (dx, dy) in [(0, 0), (3, 3)] {
                XCTAssertEqual(pixel(image, (k % 3) * 4 + dx, (k / 3) * 4 + dy), color, "image \(k)")
            }
        }
        figure.columns = nil
        figure.rows = 4   // 4 rows of 2; the last two cells stay white
        let tall = try figure.render()
        XCTAssertEqual([tall.width, tall.height], [8, 16])
        XCTAssertEqual(pixel(tall, 4, 12), .white)
        XCTAssertEqual(pixel(tall, 0, 8), Self.tutorialHeat(4.0 / 5))
        figure.rows = 2
        figure.columns = 2
        XCTAssertThrowsError(try figure.render())
    }

    func testCaptionsSitUnderTheirImagesRedWhenWrong() throws {
        var figure = Figure(try constantBatch([1, 1], h: 28, w: 28), colormap: .gray)
        figure.captions = [.comparing(label: "7", prediction: "7"), .comparing(label: "7", prediction: "1")]
        XCTAssertEqual(figure.captions[0], Caption("7 → 7", color: .black))
        XCTAssertEqual(figure.captions[1], Caption("7 → 1", color: .red))
        let image = try figure.render()
        // Tiles of 64 x 64, a caption band of (7 + 3) * 2 below; "7 → 7" is 46 px wide, centred.
        XCTAssertEqual([image.width, image.height], [128, 84])
        let band = 64..<84
        XCTAssertTrue(points(of: .red, in: image, x: 0..<64, y: band).isEmpty)
        XCTAssertFalse(points(of: .black, in: image, x: 0..<64, y: band).isEmpty)
        XCTAssertTrue(points(of: .black, in: image, x: 64..<128, y: band).isEmpty)
        // The first glyph of the second caption is a red 7: its top bar spans 10 px from x = 64 + 9.
        let textX = 64 + (64 - 46) / 2, textY = 64 + 2
        XCTAssertEqual(points(of: .red, in: image, x: textX..<(textX + 12), y: textY..<(textY + 2)).count, 20)
        XCTAssertEqual(pixel(image, textX - 1, textY), .white)
        figure.captions = [Caption("x")]
        XCTAssertThrowsError(try figure.render())
    }

    func testWideCaptionsWidenTheCells() throws {
        var figure = Figure(try constantBatch([1, 1], h: 2, w: 2), colormap: .gray)
        figure.captions = [Caption("label 7 / pred 5"), Caption("")]
        let image = try figure.render()
        let captionWidth = BitmapFont.width(of: "label 7 / pred 5", scale: 2)
        XCTAssertEqual(image.width, 2 * (captionWidth + 8))
    }

    func testInputsSitLeftOfTheirImages() throws {
        // A 4x4 input (gray: -1 black) beside a 2x2 map (heat: +1 dark red), scale 1, no frame.
        var figure = Figure(try constantBatch([1], h: 2, w: 2), colormap: .heat)
        figure.inputs = try constantBatch([-1], h: 4, w: 4)
        figure.scale = 1
        figure.border = 0
        let image = try figure.render()
        XCTAssertEqual([image.width, image.height], [6, 4])
        XCTAssertEqual(pixel(image, 0, 0), .black)
        XCTAssertEqual(pixel(image, 3, 3), .black)
        let red = Self.tutorialHeat(1)
        XCTAssertEqual(red, RGB(102, 0, 0))                     // the tutorial's (0.4, 0, 0), truncated
        XCTAssertEqual(pixel(image, 4, 1), red)                 // the map is centred vertically
        XCTAssertEqual(pixel(image, 5, 2), red)
        XCTAssertEqual(pixel(image, 4, 0), .white)
        XCTAssertEqual(pixel(image, 4, 3), .white)
        // With a frame, pairs stand a frame apart on each side: 1 + (4 + 2) + (2 + 2) + 1 per pair.
        figure.border = 1
        let framed = try figure.render()
        XCTAssertEqual([framed.width, framed.height], [12, 6])
        XCTAssertEqual(pixel(framed, 0, 1), .white)
        XCTAssertEqual(pixel(framed, 1, 1), .white)
        XCTAssertEqual(pixel(framed, 2, 1), .black)   // the input's first value: padding 1, frame 1
        figure.inputs = try constantBatch([-1, -1], h: 4, w: 4)
        XCTAssertThrowsError(try figure.render())
    }

    func testColorBarShowsTheMapOverTheRange() throws {
        var figure = Figure(try constantBatch([-3, 1], h: 28, w: 28), colormap: .bwr)
        figure.colorbar = true
        let image = try figure.render()
        let bar = ColorBar(colormap: .bwr, range: -3...3, textScale: 2)
        XCTAssertEqual(image.height, 64 + bar.height)
        XCTAssertEqual(image.width, 128)
        // The strip runs from x = 8 to width - 8, 16 px high, 8 px below the grid: blue to red.
        let top = 64 + 8
        XCTAssertEqual(pixel(image, 7, top), .white)
        XCTAssertEqual(pixel(image, 8, top), RGB(0, 0, 255))
        XCTAssertEqual(pixel(image, 8, top + 15), RGB(0, 0, 255))
        XCTAssertEqual(pixel(image, 119, top), RGB(255, 0, 0))
        XCTAssertEqual(pixel(image, 120, top), .white)
        XCTAssertEqual(bar.labels.low, "-3")
        XCTAssertEqual(bar.labels.middle, "0")
        XCTAssertEqual(bar.labels.high, "3")
        // Labels in black under the ends: "-3" starts at the strip's left edge with the minus bar.
        let textY = top + 16 + 2
        XCTAssertEqual(points(of: .black, in: image, x: 8..<18, y: (textY + 6)..<(textY + 8)).count, 20)
        XCTAssertFalse(points(of: .black, in: image, x: 98..<120, y: textY..<(textY + 14)).isEmpty)
        // zennit's gray spans min ... max and has no 0 mark.
        XCTAssertNil(ColorBar(colormap: .zennitGray, range: -3...1, textScale: 1).labels.middle)
        XCTAssertEqual(ColorBar(colormap: .heat, range: -0.0123...0.0123, textScale: 1).labels.high, "0.0123")
        XCTAssertEqual(ColorBar(colormap: .heat, range: -1.5e-5...1.5e-5, textScale: 1).labels.low, "-1.5e-05")
    }

    func testColorBarWidensANarrowFigure() throws {
        var figure = Figure(try constantBatch([0.25], h: 1, w: 1), colormap: .heat)
        figure.colorbar = true
        figure.scale = 1
        figure.border = 0
        let image = try figure.render()
        XCTAssertGreaterThan(image.width, 1)
        XCTAssertEqual(image.width, ColorBar(colormap: .heat, range: -0.25...0.25, textScale: 1).minimumWidth)
    }

    func testBatchReadsSingleImages() throws {
        XCTAssertEqual(try Figure.batch(Tensor.zeros([28, 28, 1])).batch.shape, [1, 28, 28])
        XCTAssertEqual(try Figure.batch(Tensor.zeros([784])).batch.shape, [1, 28, 28])
        XCTAssertEqual(try Figure.batch(Tensor.zeros([5, 7])).batch.shape, [1, 5, 7])
        XCTAssertTrue(try Figure.batch(Tensor.zeros([5, 7])).single)
        XCTAssertEqual(try Figure.batch(Tensor.zeros([3, 784])).batch.shape, [3, 784])
        XCTAssertFalse(try Figure.batch(Tensor.zeros([3, 28, 28, 1])).single)
        XCTAssertFalse(try Figure.batch(Tensor.zeros([3, 28, 28])).single)
        XCTAssertThrowsError(try Figure.batch(Tensor.zeros([2, 3, 4, 5])))
        XCTAssertThrowsError(try Figure.batch(Tensor.zeros([5])))
    }

    func testNonFiniteValuesDrawWithoutCrashing() throws {
        let values = try Tensor(shape: [1, 2, 2, 1], scalars: [.nan, 1, .infinity, -1])
        for map in Colormap.allCases {
            var figure = Figure(values, colormap: map)
            figure.colorbar = true
            XCTAssertNoThrow(try figure.render(), map.rawValue)
        }
        XCTAssertEqual(Colormap.gray.color(.nan, in: -1...1), .black)
    }

    func testBadOptionsThrow() throws {
        var figure = Figure(try Tensor.zeros([2, 3, 3, 1]), colormap: .gray)
        figure.scale = 0
        XCTAssertThrowsError(try figure.render())
        figure.scale = 2
        figure.textScale = 0
        XCTAssertThrowsError(try figure.render())
        figure = Figure(try Tensor.zeros([4000, 28, 28, 1]), colormap: .gray)
        figure.scale = 64
        XCTAssertThrowsError(try figure.render()) { error in
            guard case LRPError.tooLarge = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Figure(try Tensor.zeros([0, 3, 3, 1]), colormap: .gray).render())
    }
}
