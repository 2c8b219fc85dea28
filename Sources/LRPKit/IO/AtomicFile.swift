import Foundation

/// Crash-safe file replacement: write a temporary file beside the target, then rename it into place.
///
/// Readers see either the old file or the complete new one; on any error the old file is left
/// intact and the temporary file is removed.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw LRPError.file(path: path, "is not a file name")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LRPError.file(path: path, "cannot create the folder \(directory)")
        }
        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw LRPError.file(path: path, "cannot create a temporary file in \(directory): \(FileData.systemMessage())")
        }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var isOpen = true
        var isRenamed = false
        defer {
            if isOpen { close(descriptor) }
            if !isRenamed { unlink(temporaryPath) }
        }
        try writeAll(bytes, to: descriptor, path: path)
        // mkstemp creates 0600; keep an existing file's mode, else the usual 0644.
        var info = stat()
        let mode = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        fchmod(descriptor, mode)
        guard fsync(descriptor) == 0 else {
            throw LRPError.file(path: path, "cannot flush the data: \(FileData.systemMessage())")
        }
        isOpen = false
        guard close(descriptor) == 0 else {
            throw LRPError.file(path: path, "cannot close the temporary file: \(FileData.systemMessage())")
        }
        guard rename(temporaryPath, path) == 0 else {
            throw LRPError.file(path: path, "cannot replace the file: \(FileData.systemMessage())")
        }
        isRenamed = true
    }

    /// Writes `text` as UTF-8.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw LRPError.file(path: path, "cannot write: \(FileData.systemMessage())")
                }
                offset += written
            }
        }
    }
}
