/// Numbers as text, as `numpy.savetxt` writes and `numpy.loadtxt` reads them: a matrix one row
/// per line, anything else one value per line.
struct TextTensorFormat: FileFormat {
    var name: String { "text of numbers (.txt)" }
    var kind: FileKind { .tensor }
    var extensions: [String] { ["txt"] }
    var canWrite: Bool { true }

    /// The first token is a number.
    func sniff(_ path: String) -> Bool {
        let head = leadingBytes(path, count: 64)
        let token = head.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            .prefix { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return !token.isEmpty && Double(String(decoding: token, as: UTF8.self)) != nil
    }

    /// Equal rows of several values: a matrix; otherwise all values as a vector (loadtxt's shapes).
    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        let parsed = try NumberText.parse(FileData.read(path), path: path)
        guard !parsed.values.isEmpty, let first = parsed.firstRow else { throw LRPError.file(path: path, "holds no numbers") }
        let columns = first.count
        if columns > 1, let ragged = parsed.firstRagged {
            throw LRPError.file(path: path, "line \(ragged.line) has \(ragged.count) values, line \(first.line) has \(columns): not a matrix")
        }
        let shape = columns > 1 ? [parsed.rowCount, columns] : [parsed.values.count]
        return .tensor(Tensor(unchecked: shape, scalars: parsed.values))
    }

    func write(_ contents: FileContents, to path: String) throws {
        try AtomicFile.write(Self.text(tensor(contents, path: path)), to: path)
    }

    /// numpy.savetxt's default format (`%.18e`): a matrix one row per line, anything else one value per line.
    static func text(_ x: Tensor) -> String {
        let columns = x.rank == 2 ? x.shape[1] : 1
        var text = ""
        text.reserveCapacity(x.count * 26)
        for (i, v) in x.scalars.enumerated() {
            text += String(format: "%.18e", Double(v))
            text += (i + 1) % columns == 0 ? "\n" : " "
        }
        return text
    }
}
