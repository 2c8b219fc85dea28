import Foundation
import SwiftProtobuf

/// Converts an ONNX graph into an lrps `Network`, node by node in topological order.
///
/// Layout: ONNX is N x C x H x W, lrps N x H x W x C. Each value keeps its ONNX (logical) shape per
/// sample and the order in which lrps stores its axes; convolutions and pools want channels last,
/// a Transpose only changes the bookkeeping, and a flatten of channels-last data records the order
/// of its features, which the Gemm/MatMul reading it applies to its weight rows. So the data is
/// converted once, at the input, and no layer moves it.
///
/// Canonization (as zennit's canonizers): a batch norm, or an Add/Sub/Mul/Div by a constant, right
/// after a Gemm/MatMul/Conv whose output nothing else reads is folded into that layer's weights.
struct ONNXImporter {
    /// An activation of the graph under conversion.
    struct Activation {
        var ref: Int                 // lrps value: 0 the input, i + 1 the output of layer i
        var shape: [Int]             // ONNX shape of one sample
        var storage: [Int]           // storage[k]: the ONNX axis lrps keeps as axis k (per sample)
        var flatOrder: [Int]?        // rank 1: lrps position of each ONNX feature, nil if the same

        var isChannelsLast: Bool { shape.count == 3 && storage == [1, 2, 0] }
        var storedShape: [Int] { storage.map { shape[$0] } }
    }

    enum Value {
        case constant(ONNXConstant)
        case activation(Activation)
    }

    static let supported = ["Add", "AveragePool", "BatchNormalization", "Concat", "Constant", "Conv", "Div",
                            "Dropout", "Flatten", "Gemm", "GlobalAveragePool", "Identity", "LeakyRelu",
                            "LogSoftmax", "MatMul", "MaxPool", "Mul", "ReduceMean", "Relu", "Reshape", "Softmax", "Sub",
                            "Transpose"]

    let path: String
    var tensors: ONNXTensorReader
    var values: [String: Value] = [:]
    var layers: [any Layer] = []
    var sources: [[Int]] = []
    var notes: [String] = []
    /// How many nodes (and graph outputs) read each value.
    var readers: [String: Int] = [:]
    var outputs: Set<String> = []
    /// The batch size the graph input declares (nil: symbolic).
    var declaredBatch: Int?

    init(path: String) {
        self.path = path
        tensors = ONNXTensorReader(path: path)
    }

    func fail(_ message: String) -> LRPError { .file(path: path, message) }

    /// The network, the lrps shape of one input sample, and what the conversion changed.
    mutating func convert(_ model: Onnx_ModelProto) throws -> (Network, [Int], [String]) {
        let graph = model.graph
        guard model.hasGraph, !graph.node.isEmpty else { throw fail("is not an ONNX model (no graph nodes)") }
        for (index, initializer) in graph.initializer.enumerated() {
            let name = initializer.name
            values[name] = .constant(try tensors.read(initializer, what: "initializer '\(name.isEmpty ? "#\(index)" : name)'"))
        }
        let inputs = graph.input.filter { values[$0.name] == nil }
        guard inputs.count == 1 else {
            throw fail("has \(inputs.count) inputs (\(inputs.map { "'\($0.name)'" }.joined(separator: ", "))); lrps networks take one")
        }
        let sampleShape = try declareInput(inputs[0])
        guard graph.output.count == 1 else { throw fail("has \(graph.output.count) outputs; lrps networks have one") }
        outputs = [graph.output[0].name]
        for node in graph.node { for name in node.input where !name.isEmpty { readers[name, default: 0] += 1 } }
        for name in outputs { readers[name, default: 0] += 1 }

        for node in try sorted(graph.node) { try convert(node) }

        let outputName = graph.output[0].name
        guard case .activation(let out)? = values[outputName] else {
            throw fail("the output '\(outputName)' is a constant or produced by no node")
        }
        guard !layers.isEmpty, out.ref == layers.count else {
            throw fail("the output '\(outputName)' is not computed by the last layer; lrps networks end in their output")
        }
        guard out.flatOrder == nil, out.storage == Array(out.storage.indices) || out.shape.count == 3 else {
            throw fail("the output '\(outputName)' is stored in a different order than ONNX's; lrps does not reorder outputs")
        }
        let network = try Network(layers, sources: sources)
        return (network, sampleShape, notes)
    }

    // MARK: - Graph structure

    private mutating func declareInput(_ input: Onnx_ValueInfoProto) throws -> [Int] {
        let type = input.type.tensorType
        guard case .tensorType? = input.type.value, type.elemType == 1 || type.elemType == 11 else {
            throw fail("input '\(input.name)' is not a float tensor")
        }
        let dims = type.shape.dim
        guard type.hasShape, dims.count >= 2 else {
            throw fail("input '\(input.name)' has no shape with a batch axis; lrps needs the size of one sample")
        }
        if case .dimValue(let b)? = dims[0].value, b > 0 { declaredBatch = Int(clamping: b) }
        var shape = [Int]()
        for (axis, dim) in dims.enumerated().dropFirst() {
            guard case .dimValue(let d)? = dim.value, d > 0, d <= Int64(Tensor.maximumElementCount) else {
                throw fail("input '\(input.name)' axis \(axis) has no fixed sensible size (\(dim.value.map { "\($0)" } ?? "unknown")); lrps needs the size of one sample")
            }
            shape.append(Int(d))
        }
        do { _ = try Tensor.elementCount(of: shape) } catch { throw fail("input '\(input.name)' shape \(describe(shape: shape)) is absurd") }
        let storage = shape.count == 3 ? [1, 2, 0] : Array(shape.indices)
        let activation = Activation(ref: 0, shape: shape, storage: storage)
        values[input.name] = .activation(activation)
        return activation.storedShape
    }

    /// Nodes in an order where each comes after the nodes it reads (ONNX files should already be).
    private func sorted(_ nodes: [Onnx_NodeProto]) throws -> [Onnx_NodeProto] {
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for name in node.output where !name.isEmpty {
                guard producer[name] == nil, values[name] == nil else {
                    throw fail("node '\(node.name)' (\(node.opType)) writes '\(name)', which is already defined")
                }
                producer[name] = index
            }
        }
        var waiting = [Int](repeating: 0, count: nodes.count)
        var dependents = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for name in Set(node.input) where !name.isEmpty {
                if let p = producer[name] {
                    waiting[index] += 1
                    dependents[p].append(index)
                } else if values[name] == nil {
                    throw fail("node '\(node.name)' (\(node.opType)) reads '\(name)', which no node, input or initializer defines")
                }
            }
        }
        // Always the first ready node in file order: a sorted file keeps its order (and so its
        // layer numbering, which rule lists follow).
        var ready = (0..<nodes.count).filter { waiting[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        while let next = ready.popLast() {
            order.append(next)
            for d in dependents[next] {
                waiting[d] -= 1
                if waiting[d] == 0 {
                    ready.insert(d, at: ready.firstIndex { $0 < d } ?? ready.count)
                }
            }
        }
        guard order.count == nodes.count else {
            let stuck = (0..<nodes.count).filter { waiting[$0] > 0 }.prefix(5).map { "'\(nodes[$0].name)' (\(nodes[$0].opType))" }
            throw fail("the graph has a cycle through nodes \(stuck.joined(separator: ", "))")
        }
        return order.map { nodes[$0] }
    }

    // MARK: - Helpers for the operators (ONNXOperators.swift)

    func input(_ node: Onnx_NodeProto, _ index: Int) -> String? {
        index < node.input.count && !node.input[index].isEmpty ? node.input[index] : nil
    }

    func activation(_ node: Onnx_NodeProto, _ index: Int = 0) throws -> Activation {
        guard let name = input(node, index), case .activation(let a)? = values[name] else {
            throw fail(where: node, "input \(index + 1) must be computed from the network input")
        }
        return a
    }

    func constant(_ node: Onnx_NodeProto, _ index: Int, optional: Bool = false) throws -> ONNXConstant? {
        guard let name = input(node, index) else {
            if optional { return nil }
            throw fail(where: node, "input \(index + 1) is missing")
        }
        guard case .constant(let c)? = values[name] else {
            throw fail(where: node, "input \(index + 1) ('\(name)') must be a constant (an initializer)")
        }
        return c
    }

    func fail(where node: Onnx_NodeProto, _ message: String) -> LRPError {
        fail("node '\(node.name)' (\(node.opType)): \(message)")
    }

    func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? {
        node.attribute.first { $0.name == name }
    }

    func ints(_ node: Onnx_NodeProto, _ name: String) -> [Int]? {
        attribute(node, name).map { $0.ints.map { Int(clamping: $0) } }
    }

    /// Appends a layer reading `reads`; returns its lrps value.
    mutating func append(_ layer: any Layer, reads: [Int]) -> Int {
        layers.append(layer)
        sources.append(reads)
        return layers.count
    }

    /// The layer that computes `a`, if nothing but the node at hand reads it (so it may be changed).
    func soleProducer(of a: Activation, name: String) -> Int? {
        guard a.ref > 0, a.ref == layers.count, readers[name] == 1, !outputs.contains(name) else { return nil }
        return a.ref - 1
    }

    mutating func define(_ node: Onnx_NodeProto, _ value: Value) {
        if let name = node.output.first, !name.isEmpty { values[name] = value }
    }
}

/// Reads and writes ONNX models (`.onnx`, protobuf) for lrps.
public enum ONNXModel {
    /// A network read from an ONNX file, the lrps shape of one input sample (N x C x H x W becomes
    /// H x W x C), and notes on what the conversion changed (folded batch norms, dropped Softmax).
    public static func read(_ path: String) throws -> (network: Network, sampleShape: [Int], notes: [String]) {
        try parse(FileData.readRaw(path), path: path)
    }

    /// The in-memory half of `read`; external data is looked up beside `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws -> (network: Network, sampleShape: [Int], notes: [String]) {
        let model: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            model = try Onnx_ModelProto(serializedBytes: bytes, options: options)
        } catch {
            throw LRPError.file(path: path, "is not a valid ONNX model (protobuf: \(error))")
        }
        var importer = ONNXImporter(path: path)
        return try importer.convert(model)
    }
}
