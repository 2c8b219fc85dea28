import Foundation

/// What a file holds. `load KIND PATH` in the language names these.
public enum FileKind: String, CaseIterable, Sendable {
    case tensor, network, dataset
    /// A picture: written from an `Image`, read as a tensor of its pixel values.
    case picture
    /// Structured values for machines (JSON).
    case record
}

/// A file's contents, one case per `FileKind`.
public enum FileContents: Sendable {
    case tensor(Tensor)
    case network(LoadedNetwork)
    case dataset(Dataset)
    case picture(Image)
    case record(JSONFile.Value)

    public var kind: FileKind {
        switch self {
        case .tensor: return .tensor
        case .network: return .network
        case .dataset: return .dataset
        case .picture: return .picture
        case .record: return .record
        }
    }
}

/// Choices a reader may honour; a format lists the ones it takes in `FileFormat.options`.
public struct ReadOptions: Sendable {
    /// "split": which split of a data set ("t10k", "train").
    public var split: String = "t10k"
    /// Whether a tensor may hold NaN and infinities (data may; network weights may not).
    public var allowingNonFinite = false
    /// "range": pixel values 0...255 are scaled to low...high.
    public var low: Double = -1, high: Double = 1
    /// "classes": how many classes a labelled folder has (nil: the largest label + 1).
    public var classCount: Int?
    public init(split: String = "t10k", allowingNonFinite: Bool = false) {
        self.split = split
        self.allowingNonFinite = allowingNonFinite
    }
}

/// One kind of file lrps reads or writes. Adding a format is a type conforming to this (one file
/// in IO/Formats) and one line in `FileFormats.all`; `load` and `save` find it there.
public protocol FileFormat: Sendable {
    /// What users call it in messages: "numpy .npy", "LRP Toolbox model".
    var name: String { get }
    var kind: FileKind { get }
    /// Lower-case extensions without the dot ("npy"); a trailing ".gz" is looked through when
    /// reading. Folder formats have none.
    var extensions: [String] { get }
    /// A folder rather than a file.
    var isFolder: Bool { get }
    /// The `ReadOptions` its reader honours, by name ("split", "range", "classes").
    var options: [String] { get }
    /// Whether the file or folder at `path` (which exists) looks like this format: its first
    /// bytes or its entries. Cheap, and false when unsure.
    func sniff(_ path: String) -> Bool
    /// Throws for write-only formats (`canRead` false).
    func read(_ path: String, options: ReadOptions) throws -> FileContents
    var canRead: Bool { get }
    var canWrite: Bool { get }
    /// Writes `contents` (of this format's kind) to `path`, atomically.
    func write(_ contents: FileContents, to path: String) throws
}

extension FileFormat {
    public var isFolder: Bool { false }
    public var options: [String] { [] }
    public var canRead: Bool { true }
    public var canWrite: Bool { false }

    public func write(_ contents: FileContents, to path: String) throws {
        throw LRPError.file(path: path, "lrps does not write \(name) files")
    }

    public func read(_ path: String, options: ReadOptions) throws -> FileContents {
        throw LRPError.file(path: path, "lrps does not read \(name) files")
    }

    /// The contents' tensor, or an error naming what was given (for `write`).
    func tensor(_ contents: FileContents, path: String) throws -> Tensor {
        guard case .tensor(let x) = contents else { throw LRPError.file(path: path, "a \(name) file holds a tensor, not a \(contents.kind.rawValue)") }
        return x
    }

    /// The first `count` bytes of the file at `path` (fewer if it is shorter; none if unreadable).
    func leadingBytes(_ path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }
}

/// The registry: every format lrps knows, in order of preference when several claim a file.
public enum FileFormats {
    public static let all: [any FileFormat] = [
        PNGFormat(),
        NumpyFormat(),
        ToolboxModelFormat(),   // before text tensors: both are .txt, the Toolbox one is sniffed by its layer names
        TextTensorFormat(),
        ONNXFormat(),
        JSONFormat(),
        TutorialFolderFormat(),
        MNISTFolderFormat(),
        ImageFolderFormat(),
    ]

    /// Reads `path` with the format `format(forReading:kind:)` picks.
    public static func read(_ path: String, kind: FileKind? = nil, options: ReadOptions = ReadOptions()) throws -> FileContents {
        try format(forReading: path, kind: kind).read(path, options: options)
    }

    /// The format called `name` (`FileFormat.name`), if there is one.
    public static func named(_ name: String) -> (any FileFormat)? {
        all.first { $0.name == name }
    }

    /// The format to read `path` with, of `kind` if given.
    ///
    /// A folder: the folder format whose sniff test passes (with a kind: else that kind's folder
    /// format, whose reader then says what is missing). A file: the formats claiming its
    /// extension, the sniff test choosing among several; with no extension claimed, the first
    /// whose sniff test passes. With a kind, a missing path goes to that kind's format (its reader
    /// names what it looked for). Throws `LRPError.file` naming the path when nothing fits.
    /// `only` narrows the choice to one format by name (`load images` wants the PNG folders).
    public static func format(forReading path: String, kind: FileKind? = nil, only: String? = nil) throws -> any FileFormat {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard exists || kind != nil else { throw LRPError.file(path: path, "no such file or folder") }
        let readable = all.filter { $0.canRead && (kind == nil || $0.kind == kind) && (only == nil || $0.name == only) }
        if exists && isDirectory.boolValue {
            let folders = readable.filter(\.isFolder)
            if let sniffed = folders.first(where: { $0.sniff(path) }) { return sniffed }
            guard kind != nil else { throw LRPError.file(path: path, "a folder with neither tutorial weights (*-W.txt), MNIST files nor sub-folders of PNGs") }
            if let first = folders.first { return first }
            // No folder format of this kind: a file format's reader refuses the folder below.
        }
        let files = readable.filter { !$0.isFolder }
        let claiming = files.filter { $0.extensions.contains(readExtension(path)) }
        if exists, claiming.count > 1, let sniffed = claiming.first(where: { $0.sniff(path) }) { return sniffed }
        if let first = claiming.first { return first }
        if exists, let sniffed = files.first(where: { $0.sniff(path) }) { return sniffed }
        if !exists, let first = readable.first { return first }
        let known = files.flatMap(\.extensions).map { "." + $0 }
        throw LRPError.file(path: path, "cannot tell the format from its name or contents (\(kind.map { "a \($0.rawValue): " } ?? "")\(Array(Set(known)).sorted().joined(separator: ", ")))")
    }

    /// The format to write `path` with, by its extension (of `kind` if given); nil if none.
    public static func format(forWriting path: String, kind: FileKind? = nil) -> (any FileFormat)? {
        let ext = (path as NSString).pathExtension.lowercased()
        return all.first { $0.canWrite && (kind == nil || $0.kind == kind) && $0.extensions.contains(ext) }
    }

    /// Every extension some format writes, dotted, in registry order: ".png, .npy, .txt".
    public static var writableExtensions: [String] {
        all.filter(\.canWrite).flatMap(\.extensions).map { "." + $0 }
    }

    /// The extension that decides a file's format: "npy" for "x.npy" and "x.npy.gz".
    static func readExtension(_ path: String) -> String {
        var name = (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        return (name as NSString).pathExtension
    }
}

extension LRPError {
    /// The error with `resolved` (a path as the program opened it) written back as the user wrote
    /// it, wherever it begins a file error's path: the one place paths in errors are rewritten.
    public func showingPath(_ resolved: String, as written: String) -> LRPError {
        guard written != resolved, case .file(let path, let message) = self, path.hasPrefix(resolved) else { return self }
        return .file(path: written + path.dropFirst(resolved.count), message)
    }
}
