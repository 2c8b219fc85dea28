import Foundation
import XCTest
import LRPKit

/// The tutorial end to end through LRPKit's public API and the repository's shipped data, checked
/// against the numbers of shared/docs/tutorial.md and the figures the numpy oracle rendered.
final class TutorialTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Loaded once: the test set, the sample, both nets and their outputs.
    struct Run {
        let mnist: Dataset
        let sample: Dataset
        let mlp: Network
        let cnn: Network
        let xm: Tensor, xc: Tensor, t: Tensor
        let ym: Tensor, yc: Tensor
    }

    static let run = Result { () throws -> Run in
        let mnist = try Dataset.loadMNIST(directory: path("data/mnist"))
        let sample = try mnist.sample(count: 12, seed: 1234)
        let mlp = try NetworkLoader.load(path: path("models/tutorial/mlp")).network
        let cnn = try NetworkLoader.load(path: path("models/tutorial/cnn")).network
        let xm = try sample.images.reshaped([12, 784])
        let xc = try sample.images.paddedSpatially(2, value: -1)
        return Run(mnist: mnist, sample: sample, mlp: mlp, cnn: cnn, xm: xm, xc: xc, t: sample.targets,
                   ym: try mlp.forward(xm), yc: try cnn.forward(xc))
    }

    static let inner = AxisSelection.range(start: 2, end: -2, step: 1)

    func testSampleIsTheTutorials() throws {
        let run = try Self.run.get()
        XCTAssertEqual(try randomIndices(count: 12, below: 10_000, seed: 1234),
                       [8915, 1318, 7221, 7540, 664, 6137, 6833, 8471, 9449, 7322, 8222, 1182])
        XCTAssertEqual(run.sample.labels, [2, 1, 0, 6, 8, 8, 0, 3, 8, 9, 4, 6])
    }

    func testLogitsAndPredictionsMatchTheTutorial() throws {
        let run = try Self.run.get()
        let mlp0: [Float] = [-1.5467, 9.6836, 21.4397, 9.1516, -2.5577, 1.7512, 1.4682, 3.5962, 1.4475, -2.5014]
        let cnn0: [Float] = [-3.3709, 4.6261, 30.0149, 6.6108, 2.5873, -8.9452, -1.7391, 8.0377, 2.5111, -9.7981]
        for (a, b) in zip(try run.ym.sliced([.index(0)]).scalars, mlp0) { XCTAssertEqual(a, b, accuracy: 1e-3) }
        for (a, b) in zip(try run.yc.sliced([.index(0)]).scalars, cnn0) { XCTAssertEqual(a, b, accuracy: 1e-3) }
        let predicted = [2, 1, 0, 6, 8, 8, 0, 3, 8, 9, 4, 5]
        XCTAssertEqual(try run.ym.argmax(axis: 1).scalars.map { Int($0) }, predicted)
        XCTAssertEqual(try run.yc.argmax(axis: 1).scalars.map { Int($0) }, predicted)
        let mlpTargets: [Float] = [21.4397, 16.2489, 17.6314, 22.6353, 19.4326, 20.7611, 20.4279, 26.8216, 20.3141, 17.9583, 29.404, 15.4139]
        let cnnTargets: [Float] = [30.0149, 17.2761, 23.6559, 25.6115, 24.0773, 18.6926, 23.8484, 28.748, 23.1698, 20.8248, 34.286, 11.3998]
        for (a, b) in zip(try (run.ym * run.t).sum(axis: 1).scalars, mlpTargets) { XCTAssertEqual(a, b, accuracy: 1e-3) }
        for (a, b) in zip(try (run.yc * run.t).sum(axis: 1).scalars, cnnTargets) { XCTAssertEqual(a, b, accuracy: 1e-3) }
    }

    func testDeepTaylorConservesRelevance() throws {
        let run = try Self.run.get()
        for (net, x, y) in [(run.mlp, run.xm, run.ym), (run.cnn, run.xc, run.yc)] {
            let target = try (y * run.t).sum(axis: 1)
            let r = try net.relprop(y * run.t, input: x, rules: .deepTaylor)
            let sums = try r.reshaped([12, -1]).sum(axis: 1)
            for (s, z) in zip(sums.scalars, target.scalars) {
                XCTAssertLessThan(abs(s - z) / z, 1e-4, "relevance sum \(s) vs target logit \(z)")
            }
        }
    }

    func testTestErrorsOverAllDigits() throws {
        let run = try Self.run.get()
        let labels = run.mnist.labels
        func errors(_ predictions: [Int]) -> Int { zip(predictions, labels).filter { $0 != $1 }.count }
        XCTAssertEqual(errors(try run.mlp.predictions(run.mnist.images.reshaped([10_000, 784]))), 105)
        XCTAssertEqual(errors(try run.cnn.predictions(run.mnist.images.paddedSpatially(2, value: -1))), 76)
    }

    /// The six figures, rendered by LRPKit, equal the oracle's byte for byte.
    func testFiguresAreByteIdenticalToTheOracle() throws {
        let run = try Self.run.get()
        let crop = { (r: Tensor) throws -> Tensor in try r.sliced([.all, Self.inner, Self.inner]) }
        let tc = try run.t.reshaped([12, 10])
        let figures: [(String, Tensor, Colormap)] = [
            ("data-float32-pixels", run.sample.images, .gray),
            ("mlp-sensitivity", try run.mlp.gradprop(run.t, input: run.xm).raised(to: 2), .heat),
            ("mlp-deeptaylor", try run.mlp.relprop(run.ym * run.t, input: run.xm, rules: .deepTaylor), .heat),
            ("cnn-sensitivity", try crop(run.cnn.gradprop(tc, input: run.xc).raised(to: 2)), .heat),
            ("cnn-deeptaylor", try crop(run.cnn.relprop(run.yc * tc, input: run.xc, rules: .deepTaylor)), .heat),
            ("cnn-alphabeta", try crop(run.cnn.relprop(run.yc * tc, input: run.xc, rules: .alphaBeta(alpha: 2, beta: 1))), .heat),
        ]
        let folder = Self.root.appendingPathComponent("Tests/LRPKitTests/Fixtures/oracle/tutorial")
        for (name, values, colormap) in figures {
            let image = try Mosaic.render(values, colormap: colormap)
            XCTAssertEqual([image.height, image.width, image.channels], [64, 768, 3], name)
            let expected = try NumpyFile.read(folder.appendingPathComponent("figure_\(name).npy").path)
            let differing = zip(image.pixels, expected.scalars).filter { Float($0) != $1 }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) bytes differ from the oracle's figure")
        }
        // The published data figure was rendered from float64 pixels; from Float32 pixels some grey
        // levels come out one lower or higher (see Tests/oracle/README.md). Bound how far.
        let published = try NumpyFile.read(folder.appendingPathComponent("figure_data.npy").path)
        let ours = try Mosaic.render(run.sample.images, colormap: .gray)
        let worst = zip(ours.pixels, published.scalars).map { abs(Float($0) - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1)
    }
}
