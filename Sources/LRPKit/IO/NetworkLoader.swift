import Foundation

/// A network read from disk, with what is needed to feed it.
public struct LoadedNetwork: Sendable {
    public enum Architecture: String, Sendable {
        /// The tutorial's fully connected net (`l1`, `l2`, ... weight files).
        case mlp
        /// The tutorial's convolutional net (`c1-5x5x1x10`, ... weight files).
        case cnn
        /// An LRP Toolbox plain-text model.
        case toolbox
        /// An ONNX model (`.onnx`).
        case onnx
    }

    public var network: Network
    public var architecture: Architecture
    /// The input shape of one sample (`[784]` for the MLP, `[32, 32, 1]` for the CNN), or nil
    /// when the file does not say (Toolbox models).
    public var sampleShape: [Int]?
    /// The folder or file it came from.
    public var source: String
    /// What the load changed, for the user to read: batch norms folded, a final Softmax dropped.
    public var notes: [String] = []

    public init(network: Network, architecture: Architecture, sampleShape: [Int]?, source: String, notes: [String] = []) {
        (self.network, self.architecture, self.sampleShape, self.source, self.notes) = (network, architecture, sampleShape, source, notes)
    }
}

/// Reads networks: the tutorial's weight folders and LRP Toolbox text models.
public enum NetworkLoader {
    /// A network in any format the registry (`FileFormats`) reads: a tutorial folder, a Toolbox
    /// model (`.txt`, or recognised by its first layer name), ...
    public static func load(path: String) throws -> LoadedNetwork {
        guard case .network(let loaded) = try FileFormats.read(path, kind: .network) else {
            throw LRPError.file(path: path, "is not a network")  // (a network format returns a network)
        }
        return loaded
    }

    /// Builds the tutorial's MLP or CNN from a folder of `NAME-W.txt` / `NAME-B.txt` files.
    ///
    /// Names without a shape (`l1`, `l2`, `l3`) give Linear layers with ReLU between them; names
    /// ending in a kernel shape (`c1-5x5x1x10`, ...) give convolutions with ReLU and 2x2 sum
    /// pooling (scale 0.5) between them and a Flatten at the end (N x 1 x 1 x 10 -> N x 10).
    /// Layers are taken in name order (numeric-aware: `l2` before `l10`).
    public static func load(directory: String) throws -> LoadedNetwork {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw LRPError.file(path: directory, "cannot list the folder")
        }
        let prefixes = Set(names.compactMap { name -> String? in
            for suffix in ["-W.txt", "-W.txt.gz"] where name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
            return nil
        }).sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        guard !prefixes.isEmpty else {
            throw LRPError.file(path: directory, "holds no tutorial weight files (NAME-W.txt with NAME-B.txt)")
        }
        let shaped = try prefixes.filter { try TutorialWeights.kernelShape(inName: $0) != nil }
        let path = { (prefix: String) in (directory as NSString).appendingPathComponent(prefix) }
        if shaped.isEmpty { return try mlp(prefixes.map(path), directory: directory) }
        guard shaped.count == prefixes.count else {
            let plain = prefixes.filter { !shaped.contains($0) }
            throw LRPError.file(path: directory,
                "mixes convolution weights (\(shaped.joined(separator: ", "))) with matrix weights (\(plain.joined(separator: ", ")))")
        }
        return try cnn(prefixes.map(path), directory: directory)
    }

    /// Runs a layer's initializer, naming the weight file in its error.
    private static func named<T>(_ prefix: String, _ make: () throws -> T) throws -> T {
        do { return try make() } catch let error as LRPError {
            if case .file = error { throw error }
            throw LRPError.file(path: prefix + "-W.txt", "\(error)")
        }
    }

    private static func mlp(_ prefixes: [String], directory: String) throws -> LoadedNetwork {
        var layers: [any Layer] = []
        var previous: Linear?
        for prefix in prefixes {
            let (weight, bias) = try TutorialWeights.read(prefix: prefix)
            let layer = try named(prefix) { try Linear(weight: weight, bias: bias) }
            if let previous {
                guard previous.outputCount == layer.inputCount else {
                    throw LRPError.file(path: prefix + "-W.txt",
                        "has \(layer.inputCount) rows, the layer before has \(previous.outputCount) outputs")
                }
                layers.append(ReLU())
            }
            layers.append(layer)
            previous = layer
        }
        return LoadedNetwork(network: Network(layers), architecture: .mlp,
                             sampleShape: [layers.compactMap { $0 as? Linear }[0].inputCount], source: directory)
    }

    private static func cnn(_ prefixes: [String], directory: String) throws -> LoadedNetwork {
        var convolutions: [Convolution] = []
        for prefix in prefixes {
            let (weight, bias) = try TutorialWeights.read(prefix: prefix)
            let layer = try named(prefix) { try Convolution(weight: weight, bias: bias) }
            if let previous = convolutions.last, previous.outputChannels != layer.inputChannels {
                throw LRPError.file(path: prefix + "-W.txt",
                    "takes \(layer.inputChannels) input channels, the layer before gives \(previous.outputChannels)")
            }
            convolutions.append(layer)
        }
        var layers: [any Layer] = []
        for (index, convolution) in convolutions.enumerated() {
            if index > 0 { layers += [ReLU(), try SumPooling(size: 2, stride: 2, scale: 0.5)] }
            layers.append(convolution)
        }
        layers.append(Flatten())
        // The input size that leaves a 1x1 map after the last convolution (32 for the tutorial).
        var side = 1
        for (index, convolution) in convolutions.enumerated().reversed() {
            side += convolution.kernelHeight - 1
            if index > 0 { side *= 2 }
            // Dozens of layers would overflow; no input of that size could be allocated anyway.
            guard side <= Tensor.maximumElementCount else {
                throw LRPError.file(path: directory, "\(convolutions.count) convolutions need an input larger than \(Tensor.maximumElementCount) pixels a side")
            }
        }
        return LoadedNetwork(network: Network(layers), architecture: .cnn,
                             sampleShape: [side, side, convolutions[0].inputChannels], source: directory)
    }
}
