import Foundation
import XCTest
@testable import LRPKit

/// Line plots: the PNG against a golden picture (Fixtures/plot/golden.png, looked at by eye when
/// made: axes, ticks, labels, three lines, legend), the SVG's structure, and the axis ticks.
final class PlotTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/plot/golden.png").path

    static func chart() throws -> LinePlot {
        let steps = (0...20).map(Double.init)
        return try LinePlot(series: [
            .init(name: "lrp", x: steps, y: steps.map { 20 * exp(-$0 / 4) }),
            .init(name: "gradient", x: steps, y: steps.map { 20 * exp(-$0 / 10) }),
            .init(name: "random", x: steps, y: steps.map { 20 - 0.3 * $0 }),
        ], title: "Pixel flipping", xLabel: "patches perturbed", yLabel: "target score")
    }

    func testPNGMatchesGolden() throws {
        let image = try Self.chart().render()
        // To remake after a deliberate change: LRPS_WRITE_GOLDEN=1 swift test --filter PlotTests, then look at it.
        if ProcessInfo.processInfo.environment["LRPS_WRITE_GOLDEN"] == "1" { try PNGFile.write(image, to: Self.golden) }
        let golden = try PNGFile.read(Self.golden)
        XCTAssertEqual([image.width, image.height, image.channels], [golden.width, golden.height, golden.channels])
        XCTAssertTrue(image.pixels == golden.pixels, "the plot differs from Fixtures/plot/golden.png")
        // Every series colour is on the canvas (the lines and legend were drawn).
        var colors = Set<RGB>()
        for i in stride(from: 0, to: image.pixels.count, by: 3) { colors.insert(RGB(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])) }
        for c in LinePlot.palette.prefix(3) { XCTAssertTrue(colors.contains(c), "\(c)") }
    }

    func testSVGHasOneLinePerSeriesAndTheLegend() throws {
        let svg = try Self.chart().svg()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertEqual(svg.components(separatedBy: "stroke-width=\"2\"><title>").count - 1, 3)
        for name in ["lrp", "gradient", "random", "Pixel flipping", "patches perturbed", "target score"] {
            XCTAssertTrue(svg.contains(">\(name)<"), name)
        }
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }

    func testTicksAreRoundNumbersCoveringTheData() {
        let axis = LinePlot.Axis([0.13, 7.9])
        XCTAssertEqual(axis.ticks, [0, 2, 4, 6, 8])
        XCTAssertEqual(LinePlot.Axis([-0.35, 0.42]).ticks, [-0.4, -0.2, 0, 0.2, 0.4, 0.6])
        XCTAssertEqual(LinePlot.Axis([5, 5]).ticks, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6])   // a flat curve still gets an axis
    }

    func testBadSeriesAreErrors() {
        XCTAssertThrowsError(try LinePlot(series: []))
        XCTAssertThrowsError(try LinePlot(series: [.init(name: "a", x: [1, 2], y: [1])]))
        XCTAssertThrowsError(try LinePlot(series: [.init(name: "a", x: [1], y: [.nan])]))
    }
}
