import Foundation

/// MNIST: a folder of IDX image and label files (`t10k-images-idx3-ubyte`, ...), raw or gzipped.
struct MNISTFolderFormat: FileFormat {
    var name: String { "MNIST folder" }
    var kind: FileKind { .dataset }
    var extensions: [String] { [] }
    var isFolder: Bool { true }
    var options: [String] { ["split"] }

    func sniff(_ path: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return entries.contains { $0.contains("idx3-ubyte") }
    }

    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        .dataset(try Dataset.loadMNIST(directory: path, split: options.split))
    }
}
