/// PNG pictures: written from a rendered `Image` (`save ... "x.png"`), read as an H x W x C
/// tensor of pixel values scaled to the "range" option (`ImageFile`, `load image`).
struct PNGFormat: FileFormat {
    var name: String { "PNG" }
    var kind: FileKind { .picture }
    var extensions: [String] { ["png"] }
    var options: [String] { ["range"] }
    var canWrite: Bool { true }

    func sniff(_ path: String) -> Bool {
        leadingBytes(path, count: 8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    }

    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        .tensor(try ImageFile.read(path, low: options.low, high: options.high))
    }

    func write(_ contents: FileContents, to path: String) throws {
        guard case .picture(let image) = contents else { throw LRPError.file(path: path, "a PNG holds a picture, not a \(contents.kind.rawValue)") }
        try PNGFile.write(image, to: path)
    }
}
