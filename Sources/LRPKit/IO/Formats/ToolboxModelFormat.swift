/// LRP Toolbox plain-text models (`ToolboxModel`), raw or gzipped.
struct ToolboxModelFormat: FileFormat {
    var name: String { "LRP Toolbox model" }
    var kind: FileKind { .network }
    var extensions: [String] { ["txt"] }

    /// The first word is one of the Toolbox's layer names.
    func sniff(_ path: String) -> Bool {
        guard let bytes = try? FileData.decompressed(leadingBytes(path, count: 4096), path: path) else {
            return false  // a gzip prefix may not inflate on its own; the extension decides then
        }
        let word = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
            .prefix { $0 > 0x20 }
        return ["Linear", "Convolution", "Rect", "Tanh", "SumPool", "MaxPool", "Flatten", "SoftMax"]
            .contains(String(decoding: word, as: UTF8.self))
    }

    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        // A Toolbox model usually ends in SoftMax (it was trained so); LRP explains the logits.
        let (network, dropped) = try ToolboxModel.readDroppingFinalSoftMax(path)
        return .network(LoadedNetwork(network: network, architecture: .toolbox, sampleShape: nil, source: path,
                                      notes: dropped ? ["the final SoftMax dropped: LRP explains the logits"] : []))
    }
}
