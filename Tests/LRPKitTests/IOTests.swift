import Foundation
import XCTest
@testable import LRPKit

/// Files, formats and sampling. Expected values come from numpy (see Fixtures/io/make_fixtures.py
/// and the comments below) or from the tutorial spec (shared/docs/tutorial.md).
final class IOTests: XCTestCase {
    // Tests/LRPKitTests/IOTests.swift -> package root, two folders up.
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = testsFolder.appendingPathComponent("Fixtures/io").path
    static let mnist = root.appendingPathComponent("data/mnist").path
    static let mlp = root.appendingPathComponent("models/tutorial/mlp").path
    static let cnn = root.appendingPathComponent("models/tutorial/cnn").path
    static let shippedTestSet = Result { try Dataset.loadMNIST(directory: mnist) }

    var temporary: String!

    override func setUpWithError() throws {
        temporary = NSTemporaryDirectory() + "lrpkit-io-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: temporary)
    }

    func fixture(_ name: String) -> String { "\(Self.fixtures)/\(name)" }
    func temp(_ name: String) -> String { "\(temporary!)/\(name)" }
    func write(_ text: String, _ name: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: temp(name)))
        return temp(name)
    }
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: temp(name)))
        return temp(name)
    }

    /// Asserts that `body` throws an `LRPError` whose text contains every fragment.
    func assertError(_ fragments: String..., file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected an error containing \(fragments)", file: file, line: line)
        } catch let error as LRPError {
            let text = error.description
            for fragment in fragments where !text.contains(fragment) {
                XCTFail("error '\(text)' lacks '\(fragment)'", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    // MARK: Sampling

    func testSamplerMatchesTutorial() throws {
        XCTAssertEqual(try randomIndices(count: 12, below: 10_000, seed: 1234),
                       [8915, 1318, 7221, 7540, 664, 6137, 6833, 8471, 9449, 7322, 8222, 1182])
    }

    func testSamplerMatchesNumpyOnOtherSeedsAndRanges() throws {
        // python3 -c "import numpy as np; print(np.random.RandomState(42).randint(0,10000,12))"  (numpy 2.4.6)
        XCTAssertEqual(try randomIndices(count: 12, below: 10_000, seed: 42),
                       [7270, 860, 5390, 5191, 5734, 6265, 466, 4426, 5578, 8322, 1685, 769])
        // np.random.RandomState(2**32-1).randint(0, 60000, 8)
        XCTAssertEqual(try randomIndices(count: 8, below: 60_000, seed: .max),
                       [27043, 16674, 44103, 14260, 20694, 506, 45529, 32544])
        // np.random.RandomState(5).randint(0, 2**40, 4): 64-bit draws, high word first
        XCTAssertEqual(try randomIndices(count: 4, below: 1 << 40, seed: 5),
                       [425_438_759_118, 1_030_067_709_629, 989_404_716_150, 622_681_974_857])
        // np.random.RandomState(1234).randint(0, 2**32, 3): the raw 32-bit outputs
        var generator = MersenneTwister(seed: 1234)
        XCTAssertEqual([generator.next(), generator.next(), generator.next()], [822_569_775, 2_137_449_171, 2_671_936_806])
        // randint(0, 1, k) draws nothing and returns zeros; randint(0, 7, 4) with seed 5 -> 3 6 5 6
        XCTAssertEqual(try randomIndices(count: 4, below: 1, seed: 5), [0, 0, 0, 0])
        XCTAssertEqual(try randomIndices(count: 4, below: 7, seed: 5), [3, 6, 5, 6])
        assertError("empty") { _ = try randomIndices(count: 3, below: 0, seed: 1) }
    }

    // MARK: MNIST

    func testShippedMNISTLoadsWithTutorialLabels() throws {
        let data = try Self.shippedTestSet.get()
        XCTAssertEqual(data.count, 10_000)
        XCTAssertEqual(data.images.shape, [10_000, 28, 28, 1])
        XCTAssertEqual(data.pixels.count, 10_000 * 784)
        XCTAssertEqual(Array(data.labels.prefix(5)), [7, 2, 1, 0, 4])
        XCTAssertEqual(data.images.min(), -1)
        XCTAssertEqual(data.images.max(), 1)
        XCTAssertEqual(data.images.scalars[200], Float(Double(data.pixels[200]) / 255 * 2 - 1))
        let targets = data.targets
        XCTAssertEqual(targets.shape, [10_000, 10])
        XCTAssertEqual(targets.scalars[0..<10], [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
        XCTAssertEqual(targets.sum(), 10_000)

        let sample = try data.sample(count: 12, seed: 1234)
        XCTAssertEqual(sample.labels, [2, 1, 0, 6, 8, 8, 0, 3, 8, 9, 4, 6])
        XCTAssertEqual(sample.images.shape, [12, 28, 28, 1])
        XCTAssertEqual(Array(sample.pixels[0..<784]), Array(data.pixels[8915 * 784..<8916 * 784]))
        assertError("index 10000") { _ = try data.subset([10_000]) }
    }

    func testRawIDXWithDottedNamesLoadsLikeTheGzippedOne() throws {
        let gzipped = try Self.shippedTestSet.get()
        let folder = temp("raw")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (source, target) in [("t10k-images-idx3-ubyte.gz", "t10k-images.idx3-ubyte"),
                                 ("t10k-labels-idx1-ubyte.gz", "t10k-labels.idx1-ubyte")] {
            let raw = try FileData.read("\(Self.mnist)/\(source)")
            try Data(raw).write(to: URL(fileURLWithPath: "\(folder)/\(target)"))
        }
        let images = try FileData.read("\(folder)/t10k-images.idx3-ubyte")
        XCTAssertEqual(images.count, 16 + 10_000 * 784)
        XCTAssertEqual(Array(images[0..<4]), [0, 0, 8, 3])
        XCTAssertEqual(try Dataset.loadMNIST(directory: folder), gzipped)
    }

    func testSmallHandMadeIDX() throws {
        // 3 images of 2x2, raw, dashes; values chosen so scaling is visible.
        let images = try write([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + [0, 255, 51, 204, 1, 2, 3, 4, 9, 9, 9, 9], "train-images-idx3-ubyte")
        _ = try write([0, 0, 8, 1, 0, 0, 0, 3, 9, 0, 5], "train-labels-idx1-ubyte")
        let data = try Dataset.loadMNIST(directory: temporary, split: "train")
        XCTAssertEqual(data.images.shape, [3, 2, 2, 1])
        XCTAssertEqual(data.labels, [9, 0, 5])
        XCTAssertEqual(Array(data.images.scalars[0..<4]), [-1, 1, -0.6, 0.6])
        XCTAssertEqual(try IDXFile.read(images).shape, [3, 2, 2])
    }

    func testMalformedIDXIsRejected() throws {
        let header: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]
        let badMagic = try write([0, 0, 8, 1, 0, 0, 0, 1, 7], "a")
        assertError("bad magic", "0x00000801", "0x00000803") { _ = try IDXFile.read(badMagic, magic: IDXFile.imagesMagic) }
        let truncated = try write(header + [1, 2, 3], "b")
        assertError("truncated", "need 8", "found 3") { _ = try IDXFile.read(truncated) }
        let shortHeader = try write([0, 0, 8, 3, 0, 0], "c")
        assertError("truncated header") { _ = try IDXFile.read(shortHeader) }
        let absurd = try write([0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1], "d")
        assertError("4294967295x4294967295x4294967295", "more bytes than") { _ = try IDXFile.read(absurd) }
        let floats = try write([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], "e")
        assertError("type 0xd") { _ = try IDXFile.read(floats) }
        let empty = try write([UInt8](), "f")
        assertError("too short") { _ = try IDXFile.read(empty) }
        // Two images, three labels; and a label that is not a digit.
        let images = try write(header + [UInt8](repeating: 0, count: 8), "img")
        let labels = try write([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3], "lab")
        assertError("3 labels", "2 images") { _ = try Dataset.loadIDX(images: images, labels: labels, name: "x") }
        let badLabel = try write([0, 0, 8, 1, 0, 0, 0, 2, 1, 12], "lab2")
        assertError("label 12 of image 1") { _ = try Dataset.loadIDX(images: images, labels: badLabel, name: "x") }
        assertError("no MNIST t10k images file") { _ = try Dataset.loadMNIST(directory: temporary) }
    }

    // MARK: Gzip

    func testGzipLimitsTruncationAndCorruption() throws {
        XCTAssertEqual(try FileData.read(fixture("zeros-4mib.gz")).count, 4 << 20)
        assertError("more than the limit of 1048576") { _ = try FileData.read(fixture("zeros-4mib.gz"), limit: 1 << 20) }
        let whole = try Array(Data(contentsOf: URL(fileURLWithPath: "\(Self.mnist)/t10k-labels-idx1-ubyte.gz")))
        let cut = try write(Array(whole.prefix(whole.count / 2)), "cut.gz")
        assertError("truncated") { _ = try FileData.read(cut) }
        var damaged = whole
        for index in 100..<140 { damaged[index] ^= 0x5A }
        let corrupt = try write(damaged, "corrupt.gz")
        assertError("corrupt gzip data") { _ = try FileData.read(corrupt) }
        assertError("No such file") { _ = try FileData.read(temp("missing")) }
        assertError("not a regular file") { _ = try FileData.read(temporary) }
        let raw = try write([1, 2, 3], "raw.bin")
        assertError("more than the limit of 2") { _ = try FileData.read(raw, limit: 2) }
    }

    // MARK: Tutorial weights

    func testTutorialWeightShapesAndValues() throws {
        // Values: numpy.loadtxt on the same files (e.g. loadtxt('mlp/l1-W.txt')[783, 299] == 0.057).
        let l1 = try TutorialWeights.read(prefix: "\(Self.mlp)/l1")
        XCTAssertEqual(l1.weight.shape, [784, 300])
        XCTAssertEqual(l1.bias.shape, [300])
        XCTAssertEqual(l1.weight[0, 0], 0.006)
        XCTAssertEqual(l1.weight[783, 299], 0.057)
        XCTAssertEqual(l1.weight[400, 123], -0.097)
        XCTAssertEqual(try TutorialWeights.read(prefix: "\(Self.mlp)/l2").weight.shape, [300, 100])
        let l3 = try TutorialWeights.read(prefix: "\(Self.mlp)/l3")
        XCTAssertEqual(l3.weight.shape, [100, 10])
        XCTAssertEqual(l3.bias.scalars[9], -0.003)
        for (name, shape) in [("c1-5x5x1x10", [5, 5, 1, 10]), ("c2-5x5x10x25", [5, 5, 10, 25]),
                              ("c3-4x4x25x100", [4, 4, 25, 100]), ("c4-1x1x100x10", [1, 1, 100, 10])] {
            let layer = try TutorialWeights.read(prefix: "\(Self.cnn)/\(name)")
            XCTAssertEqual(layer.weight.shape, shape)
            XCTAssertEqual(layer.bias.shape, [shape[3]])
        }
        let c3 = try TutorialWeights.read(prefix: "\(Self.cnn)/c3-4x4x25x100")
        XCTAssertEqual(c3.weight[3, 2, 24, 99], -0.01)
        XCTAssertEqual(c3.weight[1, 0, 7, 42], 0.005)
        XCTAssertEqual(try TutorialWeights.read(prefix: "\(Self.cnn)/c2-5x5x10x25").bias.scalars[24], -0.009)
    }

    func testNumbersParseLikeNumpyFloat64ThenFloat32() throws {
        let tokens = ["0.006", "-0.0", "+5", "1.5E+2", "1e-3", "-7.25e-1", "0.1234567890123456789",
                      "123456789012345678901234", "3.4028234e38", "1e-50", "0x1p-2", ".5", "5.", "1e22", "1e23"]
        let parsed = try NumberText.parse(Array(tokens.joined(separator: " ").utf8), path: "t").values
        XCTAssertEqual(parsed, tokens.map { Float(Double($0.replacingOccurrences(of: "0x1p-2", with: "0.25"))!) })
        XCTAssertEqual(parsed[1].sign, .minus)
        var generator = MersenneTwister(seed: 7)
        var texts: [String] = []
        for _ in 0..<2000 {
            let value = Double(generator.next()) / 4_294_967_296 * 2 - 1
            let exponent = Int(generator.next() % 40) - 20
            texts.append(String(format: ["%.3f", "%.9g", "%.17g", "%.6e"][Int(generator.next() % 4)],
                                value * pow(10, Double(exponent))))
        }
        let many = try NumberText.parse(Array(texts.joined(separator: "\n").utf8), path: "t")
        XCTAssertEqual(many.values, texts.map { Float(Double($0)!) })
        XCTAssertEqual(many.rowCount, 2000)
    }

    func testMalformedWeightFilesNameFileAndLine() throws {
        func pair(_ name: String, _ weights: String, _ bias: String) throws -> String {
            _ = try write(weights, "\(name)-W.txt")
            _ = try write(bias, "\(name)-B.txt")
            return temp(name)
        }
        let bad = try pair("bad", "1 2\n3 x4\n", "0 0\n")
        assertError("bad-W.txt", "line 2, value 2", "'x4' is not a number") { _ = try TutorialWeights.read(prefix: bad) }
        let nan = try pair("nan", "1 2\n3 4\n# comment\nnan 6\n", "0 0\n")
        assertError("nan-W.txt", "line 4, value 1", "is NaN") { _ = try TutorialWeights.read(prefix: nan) }
        let inf = try pair("inf", "1 2\n3 -inf\n", "0 0\n")
        assertError("line 2, value 2", "is infinite") { _ = try TutorialWeights.read(prefix: inf) }
        let huge = try pair("huge", "1 2\n3 1e39\n", "0 0\n")
        assertError("line 2, value 2", "out of float32 range") { _ = try TutorialWeights.read(prefix: huge) }
        let ragged = try pair("ragged", "1 2\n3 4 5\n", "0 0\n")
        assertError("line 2 has 3 values, line 1 has 2") { _ = try TutorialWeights.read(prefix: ragged) }
        let bias = try pair("bias", "1 2\n3 4\n", "0 0 0\n")
        assertError("bias-B.txt", "holds 3 values", "need 2") { _ = try TutorialWeights.read(prefix: bias) }
        let shape = try pair("c1-2x2x1x3", "1\n2\n3\n", "0\n0\n0\n")
        assertError("holds 3 values", "2x2x1x3", "needs 12") { _ = try TutorialWeights.read(prefix: shape) }
        let absurd = try pair("c1-99999999x99999999x99999x99999", "1\n", "0\n")
        assertError("too large") { _ = try TutorialWeights.read(prefix: absurd) }
        let zero = try pair("c1-0x2x1x3", "1\n", "0\n")
        assertError("zero or oversized") { _ = try TutorialWeights.read(prefix: zero) }
        let empty = try pair("empty", "\n# nothing\n", "")
        assertError("holds no numbers") { _ = try TutorialWeights.read(prefix: empty) }
        assertError("missing-W.txt", "no such file") { _ = try TutorialWeights.read(prefix: temp("missing")) }
    }

    // MARK: Networks

    func testTutorialNetworksReproduceTheSpecLogits() throws {
        let sample = try Self.shippedTestSet.get().sample(count: 12, seed: 1234)
        let mlp = try NetworkLoader.load(directory: Self.mlp)
        XCTAssertEqual(mlp.architecture, .mlp)
        XCTAssertEqual(mlp.sampleShape, [784])
        XCTAssertEqual(mlp.network.layers.map(\.kind), ["linear", "relu", "linear", "relu", "linear"])
        let mlpLogits = try mlp.network.forward(sample.images.reshaped([12, 784]))
        // tutorial.md, "Numbers to hit"
        assertClose(Array(mlpLogits.scalars[0..<10]),
                    [-1.5467, 9.6836, 21.4397, 9.1516, -2.5577, 1.7512, 1.4682, 3.5962, 1.4475, -2.5014])
        XCTAssertEqual(try mlpLogits.argmax(axis: 1).scalars.map(Int.init), [2, 1, 0, 6, 8, 8, 0, 3, 8, 9, 4, 5])

        let cnn = try NetworkLoader.load(path: Self.cnn)
        XCTAssertEqual(cnn.architecture, .cnn)
        XCTAssertEqual(cnn.sampleShape, [32, 32, 1])
        XCTAssertEqual(cnn.network.layers.map(\.kind),
                       ["conv", "relu", "sumpool", "conv", "relu", "sumpool", "conv", "relu", "sumpool", "conv", "flatten"])
        let cnnLogits = try cnn.network.forward(sample.images.paddedSpatially(2, value: -1))
        XCTAssertEqual(cnnLogits.shape, [12, 10])
        assertClose(Array(cnnLogits.scalars[0..<10]),
                    [-3.3709, 4.6261, 30.0149, 6.6108, 2.5873, -8.9452, -1.7391, 8.0377, 2.5111, -9.7981])
        XCTAssertEqual(try cnnLogits.argmax(axis: 1).scalars.map(Int.init), [2, 1, 0, 6, 8, 8, 0, 3, 8, 9, 4, 5])

        assertError("holds no tutorial weight files") { _ = try NetworkLoader.load(directory: temporary) }

        // The numpy oracle's sample (Fixtures/oracle, float32) and logits (float64), read with NumpyFile.
        let oracle = Self.testsFolder.appendingPathComponent("Fixtures/oracle/tutorial").path
        XCTAssertEqual(try NumpyFile.read("\(oracle)/input.npy"), sample.images)
        assertClose(mlpLogits.scalars, try NumpyFile.read("\(oracle)/mlp_logits.npy").scalars, tolerance: 1e-4)
        assertClose(cnnLogits.scalars, try NumpyFile.read("\(oracle)/cnn_logits.npy").scalars, tolerance: 1e-4)
    }

    func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 2e-3,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) where !(abs(a - e) <= tolerance) {  // NaN fails too
            XCTFail("\(actual) differs from \(expected)", file: file, line: line)
            return
        }
    }

    func testToolboxModelMatchesNumpyAndRoundTrips() throws {
        let network = try ToolboxModel.read(fixture("toolbox-small.txt"))
        XCTAssertEqual(network.layers.map(\.description).count, 8)
        XCTAssertEqual(network.layers.map(\.kind), ["conv", "relu", "sumpool", "conv", "relu", "maxpool", "flatten", "linear"])
        XCTAssertEqual((network.layers[2] as? SumPooling)?.scale, 0.5)
        let input = try NumpyFile.read(fixture("toolbox-input.npy"))
        let expected = try NumpyFile.read(fixture("toolbox-output.npy"))  // numpy's forward, float64
        let output = try network.forward(input)
        XCTAssertEqual(output.shape, [2, 4])
        assertClose(output.scalars, expected.scalars, tolerance: 1e-4)

        // The same net built by hand from its parts gives the same output.
        let first = try XCTUnwrap(network.layers[0] as? Convolution)
        let rebuilt = Network([
            try Convolution(weight: first.weight, bias: try XCTUnwrap(first.bias)), ReLU(),
            try SumPooling(size: 2, stride: 2, scale: 0.5)] + Array(network.layers[3...]))
        XCTAssertEqual(try rebuilt.forward(input), output)

        let copy = temp("out/model.txt")
        try ToolboxModel.write(network, to: copy)
        let reread = try ToolboxModel.read(copy)
        XCTAssertEqual(try reread.forward(input), output)
        XCTAssertEqual(try ToolboxModel.encode(reread, path: copy), try String(contentsOfFile: copy, encoding: .utf8))

        // The tutorial CNN (conv, relu, 0.5 sum pooling, flatten) writes and reads back.
        let cnn = try NetworkLoader.load(directory: Self.cnn).network
        try ToolboxModel.write(cnn, to: temp("cnn.txt"))
        let x = try Tensor(shape: [1, 32, 32, 1], repeating: 0.25)
        XCTAssertEqual(try ToolboxModel.read(temp("cnn.txt")).forward(x), try cnn.forward(x))
        assertError("layer 0", "padding") {
            try ToolboxModel.write(Network([try Convolution(weight: first.weight, bias: try XCTUnwrap(first.bias), padding: 1)]), to: temp("p.txt"))
        }
        assertError("layer 1", "1/sqrt") {
            try ToolboxModel.write(Network([ReLU(), try SumPooling(size: 2, stride: 2, scale: 1)]), to: temp("p.txt"))
        }
        assertError("layer 0", "reshape") { try ToolboxModel.write(Network([Reshape(shape: [4])]), to: temp("p.txt")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: temp("p.txt")))
    }

    func testMalformedToolboxModelsNameTheLine() throws {
        func model(_ text: String) throws -> String { try write(text, "m\(text.hashValue).txt") }
        assertError("line 2", "unknown layer type 'Dense'") { _ = try ToolboxModel.read(try model("Rect\nDense 2 3\n")) }
        assertError("line 1", "Tanh") { _ = try ToolboxModel.read(try model("Tanh\n")) }
        assertError("line 1", "only supported as the last layer") { _ = try ToolboxModel.read(try model("SoftMax\nRect\n"), droppingFinalSoftMax: true) }
        assertError("line 4", "SoftMax is not supported") { _ = try ToolboxModel.read(try model("Linear 1 1\n2\n0\nSoftMax\n")) }
        XCTAssertEqual(try ToolboxModel.read(try model("Linear 1 1\n2\n0\nSoftMax\n\n"), droppingFinalSoftMax: true).layers.count, 1)
        assertError("line 2", "weight line holds 3 values, expected 4") { _ = try ToolboxModel.read(try model("Linear 2 2\n1 2 3\n0 0\n")) }
        assertError("line 1", "missing its bias line") { _ = try ToolboxModel.read(try model("Linear 2 2\n1 2 3 4\n")) }
        assertError("line 3, value 2", "'zz' is not a number") { _ = try ToolboxModel.read(try model("Linear 2 2\n1 2 3 4\n0 zz\n")) }
        assertError("line 2, value 1", "is NaN") { _ = try ToolboxModel.read(try model("Linear 1 1\nnan\n0\n")) }
        assertError("line 1", "square pooling") { _ = try ToolboxModel.read(try model("SumPool 2 3 2 2\n")) }
        assertError("line 1", "equal strides") { _ = try ToolboxModel.read(try model("Convolution 1 1 1 1 1 2\n1\n0\n")) }
        assertError("line 1", "'-3' is not a sensible size") { _ = try ToolboxModel.read(try model("Linear -3 2\n")) }
        assertError("line 1", "needs 2 numbers") { _ = try ToolboxModel.read(try model("Linear 3\n")) }
        assertError("line 1", "too large") { _ = try ToolboxModel.read(try model("Linear 16777216 16777216\n1\n1\n")) }
        assertError("holds no layers") { _ = try ToolboxModel.read(try model("\n\n")) }
    }

    // MARK: npy

    func testNpyRoundTripsEachType() throws {
        let values = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Float($0) * 0.5 - 3 })
        for type in NumpyFile.ElementType.allCases where type != .uint8 {
            try NumpyFile.write(values, to: temp("a-\(type).npy"), as: type)
            XCTAssertEqual(try NumpyFile.read(temp("a-\(type).npy")), values)
        }
        let bytes = try Tensor(shape: [3, 2], scalars: [0, 1, 127, 128, 254, 255])
        try NumpyFile.write(bytes, to: temp("b.npy"), as: .uint8)
        XCTAssertEqual(try NumpyFile.read(temp("b.npy")), bytes)
        let header = try FileData.read(temp("b.npy"))
        XCTAssertEqual(header.count, 128 + 6)
        XCTAssertTrue(String(decoding: header[10..<128], as: UTF8.self).hasPrefix("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 2), }"))
        for shape in [[], [0], [5], [1, 1, 1, 1, 1]] {
            let tensor = try Tensor(shape: shape, repeating: 1.5)
            try NumpyFile.write(tensor, to: temp("s.npy"))
            XCTAssertEqual(try NumpyFile.read(temp("s.npy")), tensor)
        }
        assertError("value 0.5 at flat index 1", "uint8") {
            try NumpyFile.write(Tensor([1, 0.5]), to: temp("b.npy"), as: .uint8)
        }
        XCTAssertEqual(try NumpyFile.read(temp("b.npy")), bytes, "a failed write leaves the old file")
    }

    func testNpyFilesMadeByNumpy() throws {
        // See make_fixtures.py for how each file was written.
        XCTAssertEqual(try NumpyFile.read(fixture("numpy-i8.npy")),
                       try Tensor(shape: [2, 3], scalars: [1, -2, 3, 40_000_000_000, 5, -6]))
        XCTAssertEqual(try NumpyFile.read(fixture("numpy-u1.npy")),
                       try Tensor(shape: [2, 3], scalars: [250, 251, 252, 253, 254, 255]))
        XCTAssertEqual(try NumpyFile.read(fixture("numpy-fortran.npy")),
                       try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init)))
        XCTAssertEqual(try NumpyFile.read(fixture("numpy-v2.npy")), Tensor([-1, -0.5, 0, 0.5, 1]))
        XCTAssertEqual(try NumpyFile.read(fixture("numpy-scalar.npy")), Tensor(scalar: 2.5))
        XCTAssertEqual(try NumpyFile.read(fixture("toolbox-input.npy")).shape, [2, 8, 8, 1])
    }

    func testMalformedNpyIsRejected() throws {
        func npy(_ header: String, data: [UInt8] = [], version: UInt8 = 1) throws -> String {
            var padded = header
            while (10 + padded.utf8.count + 1) % 64 != 0 { padded += " " }
            padded += "\n"
            let length = padded.utf8.count
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
            if version > 1 { bytes += [0, 0] }
            return try write(bytes + Array(padded.utf8) + data, "x\(header.hashValue)-\(data.count).npy")
        }
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        XCTAssertEqual(try NumpyFile.read(try npy(good, data: [0, 0, 128, 63, 0, 0, 0, 64])), Tensor([1, 2]))
        assertError("truncated data", "needs 8 bytes", "found 4") { _ = try NumpyFile.read(try npy(good, data: [0, 0, 128, 63])) }
        assertError("4 extra bytes") { _ = try NumpyFile.read(try npy(good, data: [UInt8](repeating: 0, count: 12))) }
        assertError("bad magic at byte 0") { _ = try NumpyFile.read(try write(Array("PK\u{3}\u{4}not numpy".utf8), "zip.npy")) }
        assertError("version 4.0") { _ = try NumpyFile.read(try npy(good, version: 4)) }
        assertError("truncated header") {
            _ = try NumpyFile.read(try write([0x93] + Array("NUMPY".utf8) + [1, 0, 200, 0] + Array("{'descr'".utf8), "h.npy"))
        }
        assertError("absurd") {
            _ = try NumpyFile.read(try npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000, 4000000000), }"))
        }
        assertError("dimension is too large") {
            _ = try NumpyFile.read(try npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }"))
        }
        assertError("trailing comma") { _ = try NumpyFile.read(try npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }")) }
        assertError("unexpected key 'extra'") {
            _ = try NumpyFile.read(try npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}"))
        }
        assertError("lacks shape") { _ = try NumpyFile.read(try npy("{'descr': '<f4', 'fortran_order': False}")) }
        assertError("expected True or False") { _ = try NumpyFile.read(try npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}")) }
        assertError("dtype '<U3' is not supported") { _ = try NumpyFile.read(try npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,)}")) }
        assertError("dtype '<f2'") { _ = try NumpyFile.read(try npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,)}")) }
        assertError("unexpected text after") { _ = try NumpyFile.read(try npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk")) }
    }

    // MARK: PNG

    func testPngRoundTripsGrayRGBAndRGBA() throws {
        let gray = try Image(width: 3, height: 2, channels: 1, pixels: [0, 1, 2, 128, 254, 255])
        let rgb = try Image(width: 2, height: 2, channels: 3, pixels: (0..<12).map { UInt8($0 * 21) })
        let rgba = try Image(width: 1, height: 2, channels: 4, pixels: [10, 20, 30, 255, 40, 50, 60, 128])
        for (index, image) in [gray, rgb, rgba].enumerated() {
            let path = temp("deep/folder/\(index).png")
            try PNGFile.write(image, to: path)
            XCTAssertEqual(Array(try FileData.read(path).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
            XCTAssertEqual(try PNGFile.read(path), image)
        }
    }

    func testPngFormatsAreConvertedTo8Bit() throws {
        // Made by hand in make_fixtures.py (not by our writer).
        XCTAssertEqual(try PNGFile.read(fixture("gray16.png")), try Image(width: 2, height: 2, channels: 1, pixels: [0, 255, 100, 200]))
        XCTAssertEqual(try PNGFile.read(fixture("palette.png")),
                       try Image(width: 3, height: 1, channels: 3, pixels: [255, 0, 0, 10, 200, 30, 0, 0, 255]))
        XCTAssertEqual(try PNGFile.read(fixture("gray-alpha.png")), try Image(width: 2, height: 1, channels: 1, pixels: [255, 100]))
    }

    func testMalformedPngIsRejected() throws {
        assertError("not a readable PNG") { _ = try PNGFile.read(try write(Array("hello, not a png".utf8), "a.png")) }
        let whole = try FileData.read(fixture("palette.png"))
        let cut = try write(Array(whole.prefix(whole.count - 30)), "b.png")
        assertError("b.png") { _ = try PNGFile.read(cut) }
        assertError("No such file") { _ = try PNGFile.read(temp("none.png")) }
    }

    // MARK: Atomic saving

    func testAtomicWriteReplacesKeepsOldOnErrorAndLeavesNoTemporaries() throws {
        let path = temp("new/sub/file.bin")
        try AtomicFile.write([1, 2, 3], to: path)
        XCTAssertEqual(try FileData.read(path), [1, 2, 3])
        chmod(path, 0o640)
        try AtomicFile.write("replaced", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "replaced")
        var info = stat()
        stat(path, &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o640, "the mode of the replaced file is kept")

        try FileManager.default.createDirectory(atPath: temp("new/dir"), withIntermediateDirectories: true)
        assertError("cannot replace") { try AtomicFile.write([9], to: temp("new/dir")) }
        assertError("is not a file name") { try AtomicFile.write([9], to: temp("new/")) }
        _ = try write("blocker", "blocker")
        assertError("cannot create the folder") { try AtomicFile.write([9], to: temp("blocker/inner/x")) }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: temporary).filter { $0.contains(AtomicFile.marker) }
        XCTAssertEqual(leftovers, [])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "replaced")
    }
}
