import Foundation

/// Crash-safe file replacement: write a temporary file beside the target, then rename it into place.
///
/// Readers see either the old file or the complete new one; on any error the old file is left
/// intact and the temporary file is removed.
///
/// What may be written (issue 9, documented in docs/robustness.md):
/// - Only regular files are replaced. A symbolic link as the target is refused (writing through
///   it could reach any file or device, replacing it would silently break it), as are devices,
///   FIFOs, sockets and folders. Links among the *folders* of the path are followed.
/// - The new file gets the old file's permission bits without setuid, setgid and sticky (0644
///   for a new file).
/// - With `writableFolders` set, only files inside those folders (after resolving links) are
///   written; with `readOnly`, none.
/// - Temporaries are named `.NAME.lrps-tmp-PID-XXXXXX`. The ones of this process are removed on
///   error and by `removeTemporaries()` (a signal ending lrps); those left by a process that no
///   longer exists (kill -9) are removed by the next write into the same folder.
public enum AtomicFile {
    /// When set, the only folders (and their subfolders) files may be written in.
    nonisolated(unsafe) public static var writableFolders: [String]? = nil
    /// When true, every write is refused.
    nonisolated(unsafe) public static var readOnly = false

    public static func write(_ bytes: [UInt8], to path: String) throws {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw LRPError.file(path: path, "is not a file name")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        try checkPermitted(path, directory: directory)
        let mode = try replaceableMode(path)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LRPError.file(path: path, "cannot create the folder \(escapingControlCharacters(directory))")
        }
        removeStaleTemporaries(in: directory)
        var template = Array("\(directory)/.\(url.lastPathComponent)\(marker)\(getpid())-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw LRPError.file(path: path, "cannot create a temporary file in \(directory): \(FileData.systemMessage())")
        }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        Temporaries.shared.insert(temporaryPath)
        var isOpen = true
        var isRenamed = false
        defer {
            if isOpen { close(descriptor) }
            if !isRenamed { unlink(temporaryPath) }
            Temporaries.shared.remove(temporaryPath)
        }
        try writeAll(bytes, to: descriptor, path: path)
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

    /// Creates `folder` and its missing parents, if writing there is permitted (see `write`).
    public static func createFolder(_ folder: String) throws {
        try checkPermitted(folder, directory: folder)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw LRPError.file(path: folder, "cannot create the folder")
        }
    }

    /// Removes the temporary files of writes in progress in this process (for a signal handler's
    /// thread before `_exit`: the writes will never finish).
    public static func removeTemporaries() {
        for path in Temporaries.shared.all { unlink(path) }
    }

    /// Refuses writes that `readOnly` or `writableFolders` forbid.
    static func checkPermitted(_ path: String, directory: String) throws {
        if readOnly {
            throw LRPError.file(path: path, "not written: writing files is turned off (read-only)")
        }
        guard let folders = writableFolders else { return }
        let resolved = resolvedPath(directory)
        let inside = folders.contains { folder in
            let root = resolvedPath(folder)
            return resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
        }
        guard inside else {
            throw LRPError.file(path: path, "not written: it is outside the folders files may be written in (\(folders.joined(separator: ", ")))")
        }
    }

    /// `path` absolute with links resolved; for a folder that does not exist yet, its nearest
    /// existing ancestor resolved and the rest appended (so `out/new/x.png` is judged by `out`).
    static func resolvedPath(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardized.path
        var rest: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                return ([String(cString: real)] + rest.reversed()).joined(separator: "/")
                    .replacingOccurrences(of: "//", with: "/")
            }
            let url = URL(fileURLWithPath: existing)
            guard existing != "/" else { return path }
            rest.append(url.lastPathComponent)
            existing = url.deletingLastPathComponent().path
        }
    }

    /// The permission bits for the new file: a replaced regular file's, without setuid, setgid
    /// and sticky; 0644 for a new one. Anything but a regular file in the way is an error.
    static func replaceableMode(_ path: String) throws -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0o644 }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return info.st_mode & 0o777
        case S_IFLNK:
            throw LRPError.file(path: path, "not written: it is a symbolic link (save does not follow or replace links; write to the file it points to, or remove the link)")
        case S_IFDIR:
            throw LRPError.file(path: path, "not written: cannot replace a folder")
        case S_IFCHR, S_IFBLK:
            throw LRPError.file(path: path, "not written: it is a device, not a regular file")
        default:
            throw LRPError.file(path: path, "not written: it is not a regular file (a FIFO or socket)")
        }
    }

    /// What every temporary's name holds after the target's name: `.x.npy.lrps-tmp-PID-XXXXXX`.
    static let marker = ".lrps-tmp-"

    /// Removes temporaries in `directory` whose process no longer exists (left by kill -9).
    static func removeStaleTemporaries(in directory: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(".") {
            guard let range = entry.range(of: marker, options: .backwards) else { continue }
            let tail = entry[range.upperBound...].split(separator: "-", maxSplits: 1)
            guard tail.count == 2, let pid = pid_t(tail[0]), pid > 0, pid != getpid() else { continue }
            // Only a process that is certainly gone: kill(pid, 0) fails with ESRCH.
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink("\(directory)/\(entry)")
            }
        }
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

/// The temporary files of writes in progress, for removal when a signal ends the process.
private final class Temporaries: @unchecked Sendable {
    static let shared = Temporaries()
    private let lock = NSLock()
    private var paths: Set<String> = []
    func insert(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    func remove(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return Array(paths) }
}
