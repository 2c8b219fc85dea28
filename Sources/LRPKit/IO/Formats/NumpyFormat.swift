/// numpy's `.npy` arrays (float32/float64/integers in, float32 out).
struct NumpyFormat: FileFormat {
    var name: String { "numpy .npy" }
    var kind: FileKind { .tensor }
    var extensions: [String] { ["npy"] }
    var canWrite: Bool { true }

    func sniff(_ path: String) -> Bool {
        leadingBytes(path, count: 6) == [0x93] + Array("NUMPY".utf8)
    }

    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        .tensor(try NumpyFile.read(path, allowingNonFinite: options.allowingNonFinite))
    }

    func write(_ contents: FileContents, to path: String) throws {
        try NumpyFile.write(tensor(contents, path: path), to: path)
    }
}
