import Foundation
import XCTest
import CZlib
@testable import LRPKit

/// ONNX models exported from PyTorch by both exporters (Tests/oracle/onnx/make_onnx_fixtures.py):
/// lrps's forward against onnxruntime's outputs, its relevance against zennit's with the same rules
/// and batch-norm canonizer. Error measure: max |a - b| / max |b| (Support.swift), below 1e-5.
final class ONNXTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/onnx").path
    static let names = ["mlp", "lenet", "rescnn", "poolnet", "padnet"]
    static let exporters = ["ts", "dynamo"]

    func fixture(_ name: String) -> String { "\(Self.folder)/\(name)" }

    /// N x C x H x W (torch) to N x H x W x C (lrps); other ranks unchanged.
    static func channelsLast(_ t: Tensor) -> Tensor {
        guard t.rank == 4 else { return t }
        let (n, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        var out = [Float](repeating: 0, count: t.count)
        for b in 0..<n { for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            out[((b * h + y) * w + x) * c + ch] = t.scalars[((b * c + ch) * h + y) * w + x]
        } } } }
        return Tensor(unchecked: [n, h, w, c], scalars: out)
    }

    /// The composite of the oracle script, layer by layer.
    static func zennitRules(_ network: Network) -> RuleSet {
        var seenWeighted = false
        return RuleSet(perLayer: network.layers.map { layer -> Rule? in
            switch layer {
            case is Convolution, is Linear:
                defer { seenWeighted = true }
                if !seenWeighted { return .zB(low: -1, high: 1) }
                return layer is Convolution ? .zPlus : .epsilon(1e-6)
            case is AveragePooling, is GlobalAveragePooling, is Addition: return .epsilon(1e-6)
            default: return nil
            }
        })
    }

    static func softmax(_ y: Tensor) -> Tensor {
        let k = y.shape[1]
        var out = y.scalars
        for row in 0..<y.shape[0] {
            let values = out[(row * k)..<((row + 1) * k)]
            let top = values.max()!
            let e = values.map { exp($0 - top) }
            let sum = e.reduce(0, +)
            for j in 0..<k { out[row * k + j] = e[j] / sum }
        }
        return Tensor(unchecked: y.shape, scalars: out)
    }

    func testPyTorchExportsMatchOnnxruntimeAndZennit() throws {
        for name in Self.names {
            let x = Self.channelsLast(try NumpyFile.read(fixture("\(name)-x.npy")))
            let expectedOutput = try NumpyFile.read(fixture("\(name)-y.npy"))
            let expectedRelevance = Self.channelsLast(try NumpyFile.read(fixture("\(name)-r.npy")))
            for exporter in Self.exporters {
                let label = "\(name)-\(exporter)"
                let (network, sampleShape, notes) = try ONNXModel.read(fixture("\(label).onnx"))
                XCTAssertEqual([x.shape[0]] + sampleShape, x.shape, label)
                let y = try network.forward(x)
                // The MLP ends in a Softmax, which the load drops (and says so).
                if name == "mlp" {
                    XCTAssertTrue(notes.contains { $0.contains("Softmax") && $0.contains("dropped") }, "\(label): \(notes)")
                    assertClose(Self.softmax(y), expectedOutput, within: 1e-5, "\(label) forward")
                } else {
                    assertClose(y, expectedOutput, within: 1e-5, "\(label) forward")
                }
                let t = try Network.oneHotOfArgmax(y)
                let r = try network.relprop(y * t, input: x, rules: Self.zennitRules(network))
                assertClose(r, expectedRelevance, within: 1e-5, "\(label) relevance")
            }
        }
    }

    // MARK: - ONNX out

    /// The tutorial's networks as lrps writes them: onnxruntime's outputs on the 12 tutorial digits
    /// (committed by the oracle script, with the written file's size and CRC-32, which must still
    /// match what lrps writes) equal lrps's; and reading the file back gives the same network.
    func testTutorialNetworksWrittenAsONNX() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for net in ["mlp", "cnn"] {
            let loaded = try NetworkLoader.load(path: root.appendingPathComponent("models/tutorial/\(net)").path)
            let bytes = try ONNXModel.encode(loaded.network, sampleShape: loaded.sampleShape, path: "tutorial-\(net).onnx")
            let crc = bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            let recorded = try String(contentsOfFile: fixture("tutorial-\(net).onnx.crc32"), encoding: .utf8)
            XCTAssertEqual(recorded.trimmingCharacters(in: .whitespacesAndNewlines), "\(bytes.count) \(String(format: "%08x", crc))",
                           "\(net): lrps writes other bytes than onnxruntime ran; rerun Tests/oracle/onnx (see make_onnx_fixtures.py)")
            let x = try NumpyFile.read(fixture("tutorial-x-\(net).npy"))
            let y = try loaded.network.forward(x)
            assertClose(y, try NumpyFile.read(fixture("tutorial-y-\(net).npy")), within: 1e-5, "\(net): lrps vs onnxruntime")
            let path = "\(temporary!)/\(net).onnx"
            try ONNXModel.write(loaded.network, sampleShape: loaded.sampleShape, to: path)
            let back = try ONNXModel.read(path)
            XCTAssertEqual(back.network.layers.map(\.description), loaded.network.layers.map(\.description))
            XCTAssertEqual(back.sampleShape, loaded.sampleShape)
            XCTAssertEqual(try back.network.forward(x).scalars, y.scalars)
        }
    }

    /// Graph networks (the residual and concatenating fixtures) written and read back: the same
    /// layers, wiring and outputs.
    func testGraphNetworksRoundTrip() throws {
        for name in ["rescnn-ts", "poolnet-dynamo", "lenet-ts", "padnet-ts", "padnet-dynamo"] {
            let (network, sampleShape, _) = try ONNXModel.read(fixture("\(name).onnx"))
            let path = "\(temporary!)/\(name).onnx"
            try ONNXModel.write(network, sampleShape: sampleShape, to: path)
            let back = try ONNXModel.read(path)
            XCTAssertEqual(back.network.layers.map(\.description), network.layers.map(\.description), name)
            XCTAssertEqual(back.network.sources, network.sources, name)
            let x = Self.channelsLast(try NumpyFile.read(fixture("\(name.split(separator: "-")[0])-x.npy")))
            XCTAssertEqual(try back.network.forward(x).scalars, try network.forward(x).scalars, name)
        }
    }

    // MARK: - Bad input

    var temporary: String!

    override func setUpWithError() throws {
        temporary = NSTemporaryDirectory() + "lrpkit-onnx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: temporary)
    }

    func assertError(_ fragments: String..., file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected an error containing \(fragments)", file: file, line: line)
        } catch let error as LRPError {
            for fragment in fragments where !error.description.contains(fragment) {
                XCTFail("error '\(error)' lacks '\(fragment)'", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    /// A one-input model: input N x `shape`, the given nodes and initializers, output `output`.
    static func model(input shape: [Int64], nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [],
                      output: String = "y") -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 13
        model.opsetImport = [opset]
        var graph = Onnx_GraphProto()
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        var type = Onnx_TypeProto.Tensor()
        type.elemType = 1
        var dims: [Onnx_TensorShapeProto.Dimension] = []
        for d in [Int64(-1)] + shape {
            var dim = Onnx_TensorShapeProto.Dimension()
            if d < 0 { dim.dimParam = "N" } else { dim.dimValue = d }
            dims.append(dim)
        }
        type.shape.dim = dims
        input.type.tensorType = type
        graph.input = [input]
        var out = Onnx_ValueInfoProto()
        out.name = output
        graph.output = [out]
        graph.node = nodes
        graph.initializer = initializers
        model.graph = graph
        return model
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String? = nil) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        node.name = name ?? op.lowercased()
        return node
    }

    static func tensor(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims
        t.dataType = 1
        t.floatData = values
        return t
    }

    func write(_ model: Onnx_ModelProto, _ name: String) throws -> String {
        let path = "\(temporary!)/\(name)"
        let bytes: [UInt8] = try model.serializedBytes()
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testBadModelsAreErrorsNamingTheFile() throws {
        let lenet = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture("lenet-ts.onnx"))))
        let truncated = "\(temporary!)/truncated.onnx"
        try Data(lenet.prefix(lenet.count / 2)).write(to: URL(fileURLWithPath: truncated))
        assertError(truncated, "not a valid ONNX model") { _ = try ONNXModel.read(truncated) }
        let garbage = "\(temporary!)/garbage.onnx"
        try Data("this is not protobuf at all, just text\n".utf8).write(to: URL(fileURLWithPath: garbage))
        assertError(garbage) { _ = try ONNXModel.read(garbage) }
        assertError("absent.onnx", "No such file") { _ = try ONNXModel.read("\(temporary!)/absent.onnx") }

        let tanh = try write(Self.model(input: [4], nodes: [Self.node("Tanh", ["x"], ["y"], name: "act1")]), "tanh.onnx")
        assertError(tanh, "operator Tanh is not supported", "'act1'", "Gemm", "Conv", "BatchNormalization") { _ = try ONNXModel.read(tanh) }

        let cycle = try write(Self.model(input: [4], nodes: [
            Self.node("Relu", ["x", "b"], ["a"], name: "first"), Self.node("Relu", ["a"], ["b"], name: "second"),
            Self.node("Relu", ["b"], ["y"], name: "third"),
        ]), "cycle.onnx")
        assertError(cycle, "cycle", "'first'") { _ = try ONNXModel.read(cycle) }

        let mismatch = try write(Self.model(input: [4], nodes: [Self.node("Gemm", ["x", "w", "b"], ["y"], name: "fc")],
            initializers: [Self.tensor("w", [3, 2], [Float](repeating: 1, count: 6)), Self.tensor("b", [2], [0, 0])]), "mismatch.onnx")
        assertError(mismatch, "'fc'", "3x2 does not fit the 4 input features") { _ = try ONNXModel.read(mismatch) }

        let absurd = try write(Self.model(input: [1 << 40, 1 << 40], nodes: [Self.node("Relu", ["x"], ["y"])]), "absurd.onnx")
        assertError(absurd, "axis 1") { _ = try ONNXModel.read(absurd) }

        var huge = Self.tensor("w", [1 << 20, 1 << 20], [])
        huge.floatData = []
        let hugeWeight = try write(Self.model(input: [4], nodes: [Self.node("MatMul", ["x", "w"], ["y"])], initializers: [huge]), "huge.onnx")
        assertError(hugeWeight, "too large") { _ = try ONNXModel.read(hugeWeight) }

        let short = try write(Self.model(input: [4], nodes: [Self.node("MatMul", ["x", "w"], ["y"])],
            initializers: [Self.tensor("w", [4, 2], [1, 2, 3])]), "short.onnx")
        assertError(short, "holds 3 values", "needs 8") { _ = try ONNXModel.read(short) }

        let midSoftmax = try write(Self.model(input: [4], nodes: [Self.node("Softmax", ["x"], ["s"]), Self.node("Relu", ["s"], ["y"])]), "softmax.onnx")
        assertError(midSoftmax, "only at the output") { _ = try ONNXModel.read(midSoftmax) }
    }

    /// The dynamo exporter's weights live in NAME.onnx.data beside the model: they load from the
    /// model's folder only, and must be there in full.
    func testExternalData() throws {
        let model = "\(temporary!)/rescnn.onnx"
        let original = try Data(contentsOf: URL(fileURLWithPath: fixture("rescnn-dynamo.onnx")))
        try original.write(to: URL(fileURLWithPath: model))
        assertError("rescnn-dynamo.onnx.data", "missing") { _ = try ONNXModel.read(model) }
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("rescnn-dynamo.onnx.data")))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: "\(temporary!)/rescnn-dynamo.onnx.data"))
        assertError("rescnn-dynamo.onnx.data", "shorter than declared") { _ = try ONNXModel.read(model) }
        try data.write(to: URL(fileURLWithPath: "\(temporary!)/rescnn-dynamo.onnx.data"))
        XCTAssertEqual(try ONNXModel.read(model).network.layers.count, try ONNXModel.read(fixture("rescnn-dynamo.onnx")).network.layers.count)

        for location in ["../outside.data", "/etc/passwd", "sub/../../x.data"] {
            var w = Self.tensor("w", [4, 2], [])
            w.dataLocation = .external
            var entry = Onnx_StringStringEntryProto()
            entry.key = "location"
            entry.value = location
            w.externalData = [entry]
            let path = try write(Self.model(input: [4], nodes: [Self.node("MatMul", ["x", "w"], ["y"])], initializers: [w]), "outside.onnx")
            assertError(path, "outside the model's folder") { _ = try ONNXModel.read(path) }
        }
    }

    /// Toolbox models usually end in SoftMax: the load drops it and says so.
    func testToolboxFinalSoftMaxIsDropped() throws {
        let path = "\(temporary!)/model.txt"
        try "Linear 2 2\n1 0 0 1\n0 0\nSoftMax\n".write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try NetworkLoader.load(path: path)
        XCTAssertEqual(loaded.network.layers.map(\.kind), ["linear"])
        XCTAssertEqual(loaded.notes.count, 1)
        XCTAssertTrue(loaded.notes[0].contains("SoftMax dropped"))
        try "Linear 2 2\n1 0 0 1\n0 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try NetworkLoader.load(path: path).notes, [])
    }
}
