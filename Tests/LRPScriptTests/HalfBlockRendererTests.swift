import LRPKit
import XCTest
@testable import LRPScript

/// Escape sequences worked out by hand from the format: "▀" shows the upper pixel in the
/// foreground colour (ESC[38;2;R;G;Bm) over the lower one in the background (ESC[48;2;R;G;Bm).
final class HalfBlockRendererTests: XCTestCase {
    private let escape = "\u{1B}"

    func testTwoByTwoColourImage() throws {
        let image = try Image(width: 2, height: 2, channels: 3, pixels: [
            255, 0, 0, 0, 255, 0,  // red, green
            0, 0, 255, 0, 0, 255,  // blue, blue
        ])
        let expected = "\(escape)[38;2;255;0;0m\(escape)[48;2;0;0;255m▀"
            + "\(escape)[38;2;0;255;0m▀"  // background unchanged: not repeated
            + "\(escape)[0m\n"
        XCTAssertEqual(HalfBlockRenderer(maximumColumns: 80).render(image), expected)
    }

    func testOddHeightLeavesTheLastRowsBackgroundAlone() throws {
        let image = try Image(width: 1, height: 3, channels: 1, pixels: [10, 20, 30])
        let expected = "\(escape)[38;2;10;10;10m\(escape)[48;2;20;20;20m▀\(escape)[0m\n"
            + "\(escape)[38;2;30;30;30m▀\(escape)[0m\n"
        XCTAssertEqual(HalfBlockRenderer(maximumColumns: 80).render(image), expected)
    }

    func testRepeatedColoursAreSentOncePerRow() throws {
        let image = try Image(width: 3, height: 4, channels: 3, pixels: Array(repeating: [1, 2, 3], count: 12).flatMap { $0 })
        let row = "\(escape)[38;2;1;2;3m\(escape)[48;2;1;2;3m▀▀▀\(escape)[0m\n"
        XCTAssertEqual(HalfBlockRenderer(maximumColumns: 80).render(image), row + row)
    }

    func testWideImageIsShrunkByAveragingToTheColumns() throws {
        let image = try Image(width: 4, height: 2, channels: 1, pixels: [0, 100, 200, 50,
                                                                         0, 100, 200, 50])
        // Half width, half height (one row): means of the 2x2 blocks.
        let expected = "\(escape)[38;2;50;50;50m▀\(escape)[38;2;125;125;125m▀\(escape)[0m\n"
        XCTAssertEqual(HalfBlockRenderer(maximumColumns: 2).render(image), expected)
    }

    func testNarrowImageIsNotEnlarged() throws {
        let image = try Image(width: 2, height: 1, channels: 1, pixels: [0, 255])
        let rendered = HalfBlockRenderer(maximumColumns: 80).render(image)
        XCTAssertEqual(rendered.filter { $0 == "▀" }.count, 2)
    }

    func testAlphaIsCompositedOverBlack() throws {
        let image = try Image(width: 1, height: 1, channels: 4, pixels: [200, 100, 50, 128])
        XCTAssertEqual(HalfBlockRenderer(maximumColumns: 80).render(image),
                       "\(escape)[38;2;100;50;25m▀\(escape)[0m\n")
    }
}
