import XCTest
@testable import LRPKit

/// Pictures of colour (H x W x 3) inputs are drawn in their colours under the gray map; other
/// maps draw the sum over the channels (a colour input's relevance heatmap).
final class ColourPictureTests: XCTestCase {
    func testAColourImageIsDrawnInItsColours() throws {
        // Two pixels: green (-1, 1, -1) and magenta (1, -1, 1); the gray map spans -1...1 here.
        let x = try Tensor(shape: [1, 2, 3], scalars: [-1, 1, -1, 1, -1, 1])
        let (batch, single) = try Figure.batch(x)
        XCTAssertTrue(single)
        var figure = Figure(batch, colormap: .gray)
        figure.scale = 1
        figure.border = 0
        let image = try figure.render()
        XCTAssertEqual([image.width, image.height], [2, 1])
        XCTAssertEqual(image.pixels, [0, 255, 0, 255, 0, 255])
    }

    func testOtherMapsDrawTheChannelSum() throws {
        let x = try Tensor(shape: [1, 1, 2, 3], scalars: [1, 1, 1, -1, -1, -1])
        var colour = Figure(x, colormap: .heat)
        colour.scale = 1; colour.border = 0
        var summed = Figure(try x.sum(axis: 3, keepingDimension: true), colormap: .heat)
        summed.scale = 1; summed.border = 0
        XCTAssertEqual(try colour.render(), try summed.render())
        XCTAssertNotEqual(try colour.render().pixels[0..<3], try colour.render().pixels[3..<6])
    }

    func testAColourInputBesideItsHeatmapIsInColour() throws {
        let input = try Tensor(shape: [1, 1, 1, 3], scalars: [1, -1, -1])   // red
        var figure = Figure(try Tensor(shape: [1, 1, 1, 1], scalars: [1]), colormap: .heat)
        figure.inputs = input
        figure.scale = 1; figure.border = 0
        let image = try figure.render()
        XCTAssertEqual(Array(image.pixels[0..<3]), [255, 0, 0])
    }
}
