import Foundation
import XCTest
import LRPKit
@testable import Interpreter

/// The figures `save` writes from the tutorial script equal, pixel for pixel, the numpy oracle's.
final class TutorialFigureTests: XCTestCase {
    func testSavedFiguresMatchTheOracle() throws {
        let root = GoldenTests.packageRoot
        let out = NSTemporaryDirectory() + "lrps-figures-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let script = """
            mnist = load mnist "data/mnist"
            X, T = sample mnist 12 seed=1234
            save X "\(out)/data.png" map=gray
            mlp = load network "models/tutorial/mlp"
            Y = forward mlp X
            save (gradprop mlp T)^2 "\(out)/mlp-sensitivity.png" map=heat
            save (relprop mlp Y*T rules=deeptaylor) "\(out)/mlp-deeptaylor.png" map=heat
            cnn = load network "models/tutorial/cnn"
            Y = forward cnn pad(X, 2, value=-1)
            save ((gradprop cnn T)^2)[:, 2:-2, 2:-2] "\(out)/cnn-sensitivity.png" map=heat
            save (relprop cnn Y*T rules=deeptaylor)[:, 2:-2, 2:-2] "\(out)/cnn-deeptaylor.png" map=heat
            save crop(relprop cnn Y*T rules=alphabeta, 2) "\(out)/cnn-alphabeta.png" map=heat
            """
        try Session(host: RecordingHost(), workingDirectory: root).run(script, file: "figures.lrps")
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
