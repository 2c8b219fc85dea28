import Foundation

/// A labelled picture data set: `FOLDER/LABEL/*.png` (`Dataset.loadImages`).
struct ImageFolderFormat: FileFormat {
    var name: String { "PNG image folder" }
    var kind: FileKind { .dataset }
    var extensions: [String] { [] }
    var isFolder: Bool { true }
    var options: [String] { ["range", "classes"] }

    /// Some sub-folder holds a PNG.
    func sniff(_ path: String) -> Bool {
        let manager = FileManager.default
        return ((try? manager.contentsOfDirectory(atPath: path)) ?? []).contains { entry in
            ((try? manager.contentsOfDirectory(atPath: path + "/" + entry)) ?? []).contains { $0.lowercased().hasSuffix(".png") }
        }
    }

    func read(_ path: String, options: ReadOptions) throws -> FileContents {
        .dataset(try Dataset.loadImages(folder: path, classCount: options.classCount, low: options.low, high: options.high))
    }
}
