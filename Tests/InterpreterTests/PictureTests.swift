import Foundation
import XCTest
import LRPKit
@testable import Interpreter

/// `save` of a grid with labels and predictions, read back from the PNG pixel by pixel.
final class PictureTests: XCTestCase {
    func testSavedGridWithLabelsHasItsCaptionsInPlace() throws {
        let folder = NSTemporaryDirectory() + "lrps-pictures-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let host = RecordingHost()
        let session = Session(host: host, workingDirectory: GoldenTests.packageRoot)
        try session.run("""
            X, T = sample (load mnist "data/mnist") 12 seed=1234
            Y = forward (load network "models/tutorial/mlp") X
            print argmax(T, axis=1)
            print argmax(Y, axis=1)
            save X "\(folder)/grid.png" map=gray labels=T predictions=Y columns=4
            save X[3] "\(folder)/digit.png" map=gray scale=4 border=0
            save X "\(folder)/x.npy"
            """, file: "test")
        // The tutorial's labels and MLP predictions: only the last digit (a 6) is taken for a 5.
        XCTAssertEqual(host.output, "[2 1 0 6 8 8 0 3 8 9 4 6]\n[2 1 0 6 8 8 0 3 8 9 4 5]\n")
        let image = try PNGFile.read("\(folder)/grid.png")
        // 3 rows x 4 columns of 64 x 64 tiles, each with a caption band of 20 px.
        XCTAssertEqual([image.width, image.height, image.channels], [256, 252, 3])
        func color(_ x: Int, _ y: Int) -> RGB {
            let o = (y * image.width + x) * 3
            return RGB(image.pixels[o], image.pixels[o + 1], image.pixels[o + 2])
        }
        for k in 0..<12 {
            let cellX = (k % 4) * 64, bandY = (k / 4) * 84 + 64
            var colors = Set<RGB>()
            for y in bandY..<(bandY + 20) { for x in cellX..<(cellX + 64) { colors.insert(color(x, y)) } }
            XCTAssertEqual(colors, k == 11 ? [.white, .red] : [.white, .black], "caption \(k)")
        }
        // The tiles are the tutorial's: the frame white, a pixel of digit 5 at (14, 14) as graymap colours it.
        let x = try NumpyFile.read("\(folder)/x.npy")
        let value = Double(x.scalars[(5 * 28 + 14) * 28 + 14])
        let gray = UInt8(((value * 0.5 + 0.5) * 255).rounded(.towardZero))
        XCTAssertEqual(color(64 + 4 + 28, 84 + 4 + 28), RGB(gray, gray, gray))
        XCTAssertEqual(color(64 + 1, 84 + 1), .white)

        // One digit, 4x, no frame: 112 x 112, each value a 4 x 4 block.
        let digit = try PNGFile.read("\(folder)/digit.png")
        XCTAssertEqual([digit.width, digit.height], [112, 112])
        for (row, column) in [(0, 0), (14, 14), (20, 9), (27, 27)] {
            let v = Double(x.scalars[(3 * 28 + row) * 28 + column])
            let g = UInt8(((v * 0.5 + 0.5) * 255).rounded(.towardZero))
            for (dy, dx) in [(0, 0), (3, 3)] {
                XCTAssertEqual(digit.pixels[((row * 4 + dy) * 112 + column * 4 + dx) * 3], g, "(\(row), \(column))")
            }
        }
    }
}
