/// JSON for machines reading results (`save record(...) "x.json"`); lrps does not read it back.
struct JSONFormat: FileFormat {
    var name: String { "JSON" }
    var kind: FileKind { .record }
    var extensions: [String] { ["json"] }
    var canRead: Bool { false }
    var canWrite: Bool { true }

    func sniff(_ path: String) -> Bool { false }

    func write(_ contents: FileContents, to path: String) throws {
        guard case .record(let value) = contents else { throw LRPError.file(path: path, "a JSON file holds a record, not a \(contents.kind.rawValue)") }
        try JSONFile.write(value, to: path)
    }
}
