import Foundation
import XCTest
@testable import LRPKit

/// ONNX padding beyond the fixtures (padnet-*.onnx, checked in ONNXTests against onnxruntime and
/// zennit): SAME_LOWER, and the padding lrps refuses, with the node named.
final class ONNXPaddingTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lrpkit-onnx-pads-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func write(_ model: Onnx_ModelProto, _ name: String) throws -> String {
        let path = "\(folder!)/\(name)"
        let bytes: [UInt8] = try model.serializedBytes()
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func assertError(_ path: String, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ONNXModel.read(path), file: file, line: line) { error in
            for fragment in [path] + fragments where !"\(error)".contains(fragment) {
                XCTFail("error '\(error)' lacks '\(fragment)'", file: file, line: line)
            }
        }
    }

    static func attribute(_ name: String, ints: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = ints.map(Int64.init)
        return a
    }

    static func attribute(_ name: String, string: String? = nil, int: Int? = nil) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        if let string { a.type = .string; a.s = Data(string.utf8) }
        if let int { a.type = .int; a.i = Int64(int) }
        return a
    }

    func pool(_ op: String, _ attributes: [Onnx_AttributeProto], _ file: String) throws -> String {
        var node = ONNXTests.node(op, ["x"], ["y"], name: "pool1")
        node.attribute = [Self.attribute("kernel_shape", ints: [3, 3])] + attributes
        return try write(ONNXTests.model(input: [2, 6, 6], nodes: [node]), file)
    }

    /// SAME_LOWER puts the odd padding row and column first (SAME_UPPER, last: padnet-ts.onnx).
    func testSameLowerPadsAtTheBeginning() throws {
        var node = ONNXTests.node("Conv", ["x", "w"], ["y"], name: "conv1")
        node.attribute = [Self.attribute("auto_pad", string: "SAME_LOWER")]
        let path = try write(ONNXTests.model(input: [1, 5, 5], nodes: [node], initializers: [ONNXTests.tensor("w", [1, 1, 2, 2], [1, 2, 3, 4])]), "lower.onnx")
        let (network, shape, _) = try ONNXModel.read(path)
        XCTAssertEqual(shape, [5, 5, 1])
        let conv = try XCTUnwrap(network.layers.first as? Convolution)
        XCTAssertEqual(conv.pads, [1, 1, 0, 0])
        // Output (0, 0) sees only input (0, 0), through the kernel's last tap.
        let x = Tensor(unchecked: [1, 5, 5, 1], scalars: (0..<25).map { Float($0 + 1) })
        let y = try network.forward(x)
        XCTAssertEqual(y.shape, [1, 5, 5, 1])
        XCTAssertEqual(y.scalars[0], 4)
        let expected: Float = 1 * 1 + 2 * 2 + 6 * 3 + 7 * 4
        XCTAssertEqual(y.scalars[6], expected)
    }

    func testUnsupportedPaddingIsAnErrorNamingTheNode() throws {
        let excluded = try pool("AveragePool", [Self.attribute("pads", ints: [1, 1, 1, 1]), Self.attribute("count_include_pad", int: 0)], "exclude.onnx")
        assertError(excluded, "'pool1'", "count_include_pad=0")
        let wide = try pool("MaxPool", [Self.attribute("pads", ints: [3, 0, 0, 0])], "wide.onnx")
        assertError(wide, "'pool1'", "not below the kernel size 3")
        let mode = try pool("MaxPool", [Self.attribute("auto_pad", string: "SAME_SIDEWAYS")], "mode.onnx")
        assertError(mode, "'pool1'", "auto_pad SAME_SIDEWAYS is not supported")
        XCTAssertThrowsError(try MaxPooling(size: 2, stride: 2, pads: [0, 2, 0, 0]))
        XCTAssertThrowsError(try Convolution(weight: Tensor(shape: [1, 1, 1, 1], repeating: 1), bias: Tensor([0]), pads: [0, -1, 0, 0]))
    }
}
