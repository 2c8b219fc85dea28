import Foundation
import SwiftProtobuf

/// Writes lrps networks as ONNX (opset 13), for onnxruntime and other ONNX tools.
///
/// Images go in as N x C x H x W, as ONNX expects: each layer is written in that layout (weights
/// moved accordingly), and where lrps flattens or reshapes channels-last data a Transpose to
/// channels last comes first, so the features keep lrps's order and the weights after need no change.
struct ONNXExporter {
    let path: String
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []
    /// Per lrps value: its ONNX name and whether it is an image (N x C x H x W in ONNX).
    var names: [String] = []
    var images: [Bool] = []

    init(path: String) { self.path = path }

    func fail(_ index: Int, _ layer: any Layer, _ why: String) -> LRPError {
        .file(path: path, "layer \(index + 1) (\(layer.description)) cannot be written as ONNX: \(why)")
    }

    mutating func constant(_ name: String, _ dims: [Int], _ values: [Float]) -> String {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims.map(Int64.init)
        t.dataType = 1
        t.floatData = values
        initializers.append(t)
        return name
    }

    mutating func integers(_ name: String, _ values: [Int]) -> String {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = [Int64(values.count)]
        t.dataType = 7
        t.int64Data = values.map(Int64.init)
        initializers.append(t)
        return name
    }

    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], name: String, _ attributes: [Onnx_AttributeProto] = []) -> String {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = name
        n.input = inputs
        n.output = [name]
        n.attribute = attributes
        nodes.append(n)
        return name
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    /// A padded pooling layer's pads (none without padding, so unpadded files keep their bytes);
    /// lrps's average pooling counts padded positions as zeros.
    static func poolPads(_ pads: [Int], average: Bool = true) -> [Onnx_AttributeProto] {
        guard pads.contains(where: { $0 != 0 }) else { return [] }
        return [ints("pads", pads)] + (average ? [int("count_include_pad", 1)] : [])
    }

    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    /// `input` (an image) as N x H x W x C: the order lrps flattens in.
    mutating func channelsLast(_ input: String, name: String) -> String {
        node("Transpose", [input], name: name + "_nhwc", [Self.ints("perm", [0, 2, 3, 1])])
    }

    mutating func encode(_ network: Network, sampleShape: [Int]?) throws -> Onnx_ModelProto {
        let inputShape = try self.inputShape(network, sampleShape)
        names = ["input"]
        images = [inputShape.count == 4]
        let sources = network.sources ?? network.layers.indices.map { [$0] }
        for (index, layer) in network.layers.enumerated() {
            let reads = sources[index]
            let inputs = reads.map { names[$0] }
            let image = images[reads[0]]
            let name = "l\(index + 1)_\(layer.kind)"
            var out = name
            var outImage = image
            switch layer {
            case let linear as Linear:
                let x = image ? node("Flatten", [channelsLast(inputs[0], name: name)], name: name + "_flat", [Self.int("axis", 1)]) : inputs[0]
                let w = constant(name + "_W", linear.weight.shape, linear.weight.scalars)
                let b = constant(name + "_B", [linear.outputCount], linear.bias?.scalars ?? [Float](repeating: 0, count: linear.outputCount))
                node("Gemm", [x, w, b], name: name)
                outImage = false
            case let conv as Convolution:
                guard image else { throw fail(index, layer, "its input is not an image") }
                let (kh, kw, cin, cout) = (conv.kernelHeight, conv.kernelWidth, conv.inputChannels, conv.outputChannels)
                var w = [Float](repeating: 0, count: conv.weight.count)
                for ky in 0..<kh { for kx in 0..<kw { for c in 0..<cin { for o in 0..<cout {
                    w[((o * cin + c) * kh + ky) * kw + kx] = conv.weight.scalars[((ky * kw + kx) * cin + c) * cout + o]
                } } } }
                let wName = constant(name + "_W", [cout, cin, kh, kw], w)
                let bName = constant(name + "_B", [cout], conv.bias?.scalars ?? [Float](repeating: 0, count: cout))
                var x = inputs[0]
                var pads = conv.pads
                if pads.contains(where: { $0 > 0 }) && conv.padValue != 0 {
                    // ONNX's Conv pads with zeros only: pad with the value first.
                    let p = conv.pads
                    x = node("Pad", [x, integers(name + "_pads", [0, 0, p[0], p[1], 0, 0, p[2], p[3]]),
                                     constant(name + "_padvalue", [], [conv.padValue])], name: name + "_pad")
                    pads = [0, 0, 0, 0]
                }
                node("Conv", [x, wName, bName], name: name, [Self.ints("kernel_shape", [kh, kw]), Self.ints("pads", pads),
                                                          Self.ints("strides", [conv.stride, conv.stride])])
            case is ReLU:
                node("Relu", inputs, name: name)
            case let leaky as LeakyReLU:
                node("LeakyRelu", inputs, name: name, [Self.float("alpha", leaky.slope)])
            case let pool as SumPooling:
                guard image else { throw fail(index, layer, "its input is not an image") }
                let avg = node("AveragePool", inputs, name: name + "_avg", [Self.ints("kernel_shape", [pool.size, pool.size]),
                                                                             Self.ints("strides", [pool.stride, pool.stride])] + Self.poolPads(pool.pads))
                node("Mul", [avg, constant(name + "_scale", [], [pool.scale * Float(pool.size * pool.size)])], name: name)
            case let pool as AveragePooling:
                guard image else { throw fail(index, layer, "its input is not an image") }
                node("AveragePool", inputs, name: name, [Self.ints("kernel_shape", [pool.size, pool.size]),
                                                         Self.ints("strides", [pool.stride, pool.stride])] + Self.poolPads(pool.pads))
            case let pool as MaxPooling:
                guard image else { throw fail(index, layer, "its input is not an image") }
                node("MaxPool", inputs, name: name, [Self.ints("kernel_shape", [pool.size, pool.size]),
                                                     Self.ints("strides", [pool.stride, pool.stride])] + Self.poolPads(pool.pads, average: false))
            case is GlobalAveragePooling:
                guard image else { throw fail(index, layer, "its input is not an image") }
                node("GlobalAveragePool", inputs, name: name)
            case is Flatten:
                let x = image ? channelsLast(inputs[0], name: name) : inputs[0]
                node("Flatten", [x], name: name, [Self.int("axis", 1)])
                outImage = false
            case let reshape as Reshape:
                let x = image ? channelsLast(inputs[0], name: name) : inputs[0]
                let shaped = node("Reshape", [x, integers(name + "_shape", [0] + reshape.shape)], name: reshape.shape.count == 3 ? name + "_nhwc" : name)
                if reshape.shape.count == 3 {
                    node("Transpose", [shaped], name: name, [Self.ints("perm", [0, 3, 1, 2])])
                }
                outImage = reshape.shape.count == 3
            case let affine as Affine:
                let dims = affine.channels == 1 ? [] : (image ? [affine.channels, 1, 1] : [affine.channels])
                let scaled = node("Mul", [inputs[0], constant(name + "_scale", affine.scale.count == 1 ? [] : dims, affine.scale)], name: name + "_mul")
                node("Add", [scaled, constant(name + "_shift", affine.shift.count == 1 ? [] : dims, affine.shift)], name: name)
            case is Addition:
                guard reads.allSatisfy({ images[$0] == image }) else { throw fail(index, layer, "adds an image to a vector") }
                var sum = inputs[0]
                for (k, other) in inputs.dropFirst().enumerated() {
                    sum = node("Add", [sum, other], name: k == inputs.count - 2 ? name : "\(name)_\(k)")
                }
                if inputs.count == 1 { node("Identity", inputs, name: name) }
            case let concat as Concatenation:
                guard reads.allSatisfy({ images[$0] == image }) else { throw fail(index, layer, "joins an image and a vector") }
                let axis = image ? [0, 2, 3, 1][concat.axis] : concat.axis
                node("Concat", inputs, name: name, [Self.int("axis", axis)])
            default:
                throw fail(index, layer, "ONNX export knows no \(layer.kind) layer")
            }
            out = name
            names.append(out)
            images.append(outImage)
        }
        return model(inputShape: inputShape, output: names.last!, outputIsImage: images.last!)
    }

    /// N x C x H x W (or N x features) with N symbolic.
    private func inputShape(_ network: Network, _ sampleShape: [Int]?) throws -> [Int] {
        if let sampleShape {
            return sampleShape.count == 3 ? [-1, sampleShape[2], sampleShape[0], sampleShape[1]] : [-1] + sampleShape
        }
        if let linear = network.layers.first as? Linear { return [-1, linear.inputCount] }
        throw LRPError.file(path: path, "the input size of this network is not known; load it from a file that says it (ONNX, tutorial weights) first")
    }

    private func model(inputShape: [Int], output: String, outputIsImage: Bool) -> Onnx_ModelProto {
        func info(_ name: String, _ dims: [Int]?) -> Onnx_ValueInfoProto {
            var v = Onnx_ValueInfoProto()
            v.name = name
            var t = Onnx_TypeProto.Tensor()
            t.elemType = 1
            if let dims {
                t.shape.dim = dims.map { d in
                    var dim = Onnx_TensorShapeProto.Dimension()
                    if d < 0 { dim.dimParam = "N" } else { dim.dimValue = Int64(d) }
                    return dim
                }
            }
            v.type.tensorType = t
            return v
        }
        var graph = Onnx_GraphProto()
        graph.name = "lrps"
        graph.node = nodes
        graph.initializer = initializers
        graph.input = [info("input", inputShape)]
        graph.output = [info(output, nil)]
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "lrps"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = 13
        model.opsetImport = [opset]
        model.graph = graph
        return model
    }
}

extension ONNXModel {
    /// Writes `network` as an ONNX model, atomically. `sampleShape` is the lrps shape of one input
    /// (H x W x C for images, which the model then takes as N x C x H x W); nil works for networks
    /// that start with a linear layer.
    public static func write(_ network: Network, sampleShape: [Int]?, to path: String) throws {
        try AtomicFile.write(encode(network, sampleShape: sampleShape, path: path), to: path)
    }

    static func encode(_ network: Network, sampleShape: [Int]?, path: String) throws -> [UInt8] {
        var exporter = ONNXExporter(path: path)
        let model = try exporter.encode(network, sampleShape: sampleShape)
        do { return try model.serializedBytes() } catch {
            throw LRPError.file(path: path, "cannot encode the model: \(error)")
        }
    }
}
