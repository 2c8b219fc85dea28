import Foundation

/// The tutorial's networks: a folder of `NAME-W.txt` / `NAME-B.txt` weight files.
struct TutorialFolderFormat: FileFormat {
    var name: String { "tutorial weight folder" }
    var kind: FileKind { .network }
    var extensions: [String] { [] }
    var isFolder: Bool { true }

    func sniff(_ path: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return entries.contains { $0.hasSuffix("-W.txt") || $0.hasSuffix("-W.txt.gz") }
    }

    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        .network(try NetworkLoader.load(directory: path))
    }
}
