import Foundation
import XCTest
import LRPKit
@testable import Interpreter

/// The figures `save` writes from the tutorial script equal, pixel for pixel, the numpy oracle's.
final class TutorialFigureTests: XCTestCase {
    /// Runs `scripts/tutorial.lrps` itself, from a scratch folder linked to the shipped data.
    func testTutorialScriptFiguresMatchTheOracle() throws {
        let root = GoldenTests.packageRoot
        let scratch = NSTemporaryDirectory() + "lrps-tutorial-\(getpid())"
        let out = scratch + "/out/tutorial"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for folder in ["data", "models"] {
            try FileManager.default.createSymbolicLink(atPath: "\(scratch)/\(folder)", withDestinationPath: "\(root)/\(folder)")
        }
        let script = try String(contentsOfFile: root + "/scripts/tutorial.lrps", encoding: .utf8)
        let host = RecordingHost()
        try Session(host: host, workingDirectory: scratch).run(script, file: "scripts/tutorial.lrps")
        for line in ["true labels:      [2 1 0 6 8 8 0 3 8 9 4 6]",
                     "MLP predictions:  [2 1 0 6 8 8 0 3 8 9 4 5]",
                     "CNN predictions:  [2 1 0 6 8 8 0 3 8 9 4 5]",
                     "MLP test errors:  105 of 10000", "CNN test errors:  76 of 10000"] {
            XCTAssertTrue(host.output.contains(line + "\n"), "missing \"\(line)\" in:\n\(host.output)")
        }
        // The data figure is compared with the oracle's rendering of float32 pixels (the published one
        // used float64 pixels; see Tests/oracle/README.md).
        for name in ["data", "mlp-sensitivity", "mlp-deeptaylor", "cnn-sensitivity", "cnn-deeptaylor", "cnn-alphabeta"] {
            let image = try PNGFile.read("\(out)/\(name).png")
            let oracleName = name == "data" ? "data-float32-pixels" : name
            let expected = try NumpyFile.read(root + "/Tests/LRPKitTests/Fixtures/oracle/tutorial/figure_\(oracleName).npy")
            XCTAssertEqual([image.height, image.width, image.channels], expected.shape, name)
            let differing = zip(image.pixels, expected.scalars).filter { Float($0) != $1 }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) bytes differ from the oracle")
        }
    }
}
