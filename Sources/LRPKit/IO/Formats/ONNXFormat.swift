/// ONNX models (`ONNXModel`): read from PyTorch's exporters and others, written for onnxruntime.
struct ONNXFormat: FileFormat {
    var name: String { "ONNX model" }
    var kind: FileKind { .network }
    var extensions: [String] { ["onnx"] }
    var canWrite: Bool { true }

    /// A ModelProto starts with field 1 (ir_version, a varint): byte 0x08.
    func sniff(_ path: String) -> Bool {
        leadingBytes(path, count: 1) == [0x08]
    }

    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        let (network, sampleShape, notes) = try ONNXModel.read(path)
        return .network(LoadedNetwork(network: network, architecture: .onnx, sampleShape: sampleShape, source: path, notes: notes))
    }

    func write(_ contents: FileContents, to path: String) throws {
        guard case .network(let loaded) = contents else {
            throw LRPError.file(path: path, "an ONNX file holds a network, not a \(contents.kind.rawValue)")
        }
        try ONNXModel.write(loaded.network, sampleShape: loaded.sampleShape, to: path)
    }
}
