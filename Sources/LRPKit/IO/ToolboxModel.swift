import Foundation

/// The LRP Toolbox plain-text model format (Lapuschkin et al., JMLR 2016): one header line per
/// layer, and for Linear / Convolution a line of flat weights (C order) then a line of biases.
///
///     Linear m n | Convolution h w d n s0 s1 | Rect | Tanh | SumPool h w s0 s1 |
///     MaxPool h w s0 s1 | Flatten | SoftMax
public enum ToolboxModel {
    /// Reads a model file (raw or gzipped). `Tanh` is not supported; a `SoftMax` is an error
    /// unless it is the last layer and `droppingFinalSoftMax` is set (LRP explains the logits).
    public static func read(_ path: String, droppingFinalSoftMax: Bool = false) throws -> Network {
        try parse(FileData.read(path), path: path, droppingFinalSoftMax: droppingFinalSoftMax)
    }

    /// `read` with a final `SoftMax` dropped; says whether there was one.
    public static func readDroppingFinalSoftMax(_ path: String) throws -> (Network, Bool) {
        let bytes = try FileData.read(path)
        let network = try parse(bytes, path: path, droppingFinalSoftMax: true)
        // parse refuses a SoftMax anywhere else, so a SoftMax line means the final one was dropped.
        let hasSoftMax = bytes.split(separator: UInt8(ascii: "\n")).contains { line in
            line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }).first.map { Array($0) == Array("SoftMax".utf8) } ?? false
        }
        return (network, hasSoftMax)
    }

    /// The in-memory half of `read` (bytes already decompressed); `path` names them in errors.
    public static func parse(_ bytes: [UInt8], path: String, droppingFinalSoftMax: Bool = false) throws -> Network {
        let lines = NumberText.lines(bytes)
        var layers: [any Layer] = []
        var layerLines: [Int] = []
        var index = 0
        func fail(_ line: Int, _ message: String) -> LRPError { .file(path: path, "line \(line): \(message)") }
        while index < lines.count {
            let lineNumber = index + 1
            let words = lines[index].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
                .map { String(decoding: $0, as: UTF8.self) }
            index += 1
            guard let name = words.first else { continue }
            let numbers = words.dropFirst()
            func dimensions(_ count: Int) throws -> [Int] {
                guard numbers.count == count else {
                    throw fail(lineNumber, "\(name) needs \(count) numbers, got \(numbers.count): '\(excerpt(words.joined(separator: " "), limit: 60))'")
                }
                return try numbers.map { word in
                    guard let value = Int(word), value >= 1, value <= 1 << 24 else {
                        throw fail(lineNumber, "'\(excerpt(word))' is not a sensible size for \(name)")
                    }
                    return value
                }
            }
            func parameters(_ count: Int, what: String) throws -> [Float] {
                guard index < lines.count else {
                    throw fail(lineNumber, "\(name) is missing its \(what) line (file ends)")
                }
                let values = try NumberText.parseLine(lines[index], path: path, line: index + 1)
                guard values.count == count else {
                    throw fail(index + 1, "\(name) \(what) line holds \(values.count) values, expected \(count)")
                }
                index += 1
                return values
            }
            do {
            switch name {
            case "Linear":
                let d = try dimensions(2)
                let count = try elementCount(d, line: lineNumber, path: path)
                let weight = Tensor(unchecked: d, scalars: try parameters(count, what: "weight"))
                layers.append(try Linear(weight: weight, bias: Tensor(try parameters(d[1], what: "bias"))))
            case "Convolution":
                let d = try dimensions(6)
                guard d[4] == d[5] else { throw fail(lineNumber, "only equal strides are supported, got \(d[4]) and \(d[5])") }
                let shape = Array(d[0..<4])
                let count = try elementCount(shape, line: lineNumber, path: path)
                let weight = Tensor(unchecked: shape, scalars: try parameters(count, what: "weight"))
                layers.append(try Convolution(weight: weight, bias: Tensor(try parameters(d[3], what: "bias")), stride: d[4]))
            case "SumPool", "MaxPool":
                let d = try dimensions(4)
                guard d[0] == d[1], d[2] == d[3] else {
                    throw fail(lineNumber, "only square pooling with equal strides is supported, got \(name) \(d.map(String.init).joined(separator: " "))")
                }
                layers.append(name == "SumPool"
                    ? try SumPooling(size: d[0], stride: d[2], scale: Float(1 / Double(d[0] * d[1]).squareRoot()))
                    : try MaxPooling(size: d[0], stride: d[2]))
            case "Rect":
                _ = try dimensions(0)
                layers.append(ReLU())
            case "Flatten":
                _ = try dimensions(0)
                layers.append(Flatten())
            case "SoftMax":
                let isLast = lines[index...].allSatisfy { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
                guard droppingFinalSoftMax, isLast else {
                    throw fail(lineNumber, isLast
                        ? "SoftMax is not supported: LRP explains the logits; remove the line or load with the final SoftMax dropped"
                        : "SoftMax is only supported as the last layer (and is then dropped)")
                }
            case "Tanh":
                throw fail(lineNumber, "Tanh layers are not supported")
            default:
                // Quote the word only in a file that has shown itself to be a model: the first
                // word of some other file (a token, a password) must not end up in a message.
                // A first line shaped like a header (a word, then sizes) is quoted; anything else
                // there means the file is something else.
                let looksLikeHeader = name.count <= 24 && name.allSatisfy { $0.isASCII && $0.isLetter }
                    && !numbers.isEmpty && numbers.allSatisfy { Int($0) != nil }
                guard !layers.isEmpty || looksLikeHeader else {
                    throw fail(lineNumber, "not an LRP Toolbox model: the first line is not a layer (Linear, Convolution, Rect, SumPool, MaxPool, Flatten)")
                }
                throw fail(lineNumber, "unknown layer type '\(excerpt(name))' (expected Linear, Convolution, Rect, SumPool, MaxPool, Flatten)")
            }
            } catch let error as LRPError {
                // A layer's own complaint (shapes, strides) gets the file and line.
                if case .file = error { throw error }
                throw fail(lineNumber, "\(name): \(error)")
            }
            if layers.count > layerLines.count { layerLines.append(lineNumber) }
        }
        guard !layers.isEmpty else { throw LRPError.file(path: path, "holds no layers") }
        try checkChaining(layers, lines: layerLines, path: path)
        return Network(layers)
    }

    /// Writes `network` in the Toolbox format, atomically. Layers the format cannot express
    /// (padding, average pooling, reshape, non-square or non-1/sqrt(hw) sum pooling) are errors.
    public static func write(_ network: Network, to path: String) throws {
        try AtomicFile.write(encode(network, path: path), to: path)
    }

    static func encode(_ network: Network, path: String) throws -> String {
        var text = ""
        func values(_ tensor: Tensor, _ what: String, layer: Int) throws -> String {
            if let bad = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                throw LRPError.file(path: path, "layer \(layer) (\(what)): value \(tensor.scalars[bad]) at index \(bad) is not finite")
            }
            return tensor.scalars.map { $0.description }.joined(separator: " ") + "\n"
        }
        for (index, layer) in network.layers.enumerated() {
            func unsupported(_ why: String) -> LRPError {
                .file(path: path, "layer \(index) (\(layer.description)) cannot be written in the Toolbox format: \(why)")
            }
            switch layer {
            case let linear as Linear:
                text += "Linear \(linear.inputCount) \(linear.outputCount)\n"
                text += try values(linear.weight, "weight", layer: index)
                text += try values(linear.bias ?? Tensor.zeros([linear.outputCount]), "bias", layer: index)
            case let convolution as Convolution:
                guard convolution.pads == [0, 0, 0, 0] else { throw unsupported("the format has no padding") }
                let s = convolution.weight.shape
                text += "Convolution \(s[0]) \(s[1]) \(s[2]) \(s[3]) \(convolution.stride) \(convolution.stride)\n"
                text += try values(convolution.weight, "weight", layer: index)
                text += try values(convolution.bias ?? Tensor.zeros([s[3]]), "bias", layer: index)
            case let pooling as SumPooling:
                guard pooling.pads == [0, 0, 0, 0] else { throw unsupported("the format has no padding") }
                let expected = Float(1 / Double(pooling.size * pooling.size).squareRoot())
                guard abs(pooling.scale - expected) <= 1e-6 * expected else {
                    throw unsupported("the format's SumPool scales by 1/sqrt(h*w) = \(formatNumber(expected)), this layer by \(formatNumber(pooling.scale))")
                }
                text += "SumPool \(pooling.size) \(pooling.size) \(pooling.stride) \(pooling.stride)\n"
            case let pooling as MaxPooling:
                guard pooling.pads == [0, 0, 0, 0] else { throw unsupported("the format has no padding") }
                text += "MaxPool \(pooling.size) \(pooling.size) \(pooling.stride) \(pooling.stride)\n"
            case is ReLU:
                text += "Rect\n"
            case is Flatten:
                text += "Flatten\n"
            default:
                throw unsupported("no such layer type in the format")
            }
        }
        return text
    }

    /// Consecutive weighted layers must agree on sizes: a Linear's inputs with the Linear before
    /// it, a Convolution's input channels with the Convolution before it.
    private static func checkChaining(_ layers: [any Layer], lines: [Int], path: String) throws {
        var previous: (layer: any Layer, line: Int)?
        for (layer, line) in zip(layers, lines) {
            switch (previous?.layer, layer) {
            case let (before as Linear, current as Linear) where before.outputCount != current.inputCount:
                throw LRPError.file(path: path,
                    "line \(line): Linear takes \(current.inputCount) inputs, the Linear on line \(previous!.line) gives \(before.outputCount)")
            case let (before as Convolution, current as Convolution) where before.outputChannels != current.inputChannels:
                throw LRPError.file(path: path,
                    "line \(line): Convolution takes \(current.inputChannels) channels, the Convolution on line \(previous!.line) gives \(before.outputChannels)")
            case (_, is Linear), (_, is Convolution):
                break
            case (_, is Flatten):
                if previous?.layer is Convolution { previous = nil }  // sizes after a flatten depend on the input
                continue
            default:
                continue
            }
            previous = (layer, line)
        }
    }

    private static func elementCount(_ shape: [Int], line: Int, path: String) throws -> Int {
        do { return try Tensor.elementCount(of: shape) } catch {
            throw LRPError.file(path: path, "line \(line): the shape \(describe(shape: shape)) is too large")
        }
    }
}
