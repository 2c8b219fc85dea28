import CZlib
import Foundation

/// Whole-file reading with transparent gzip decompression.
public enum FileData {
    /// The default bound on the bytes one file may produce after decompression (1 GiB);
    /// a gzip bomb stops here with an error instead of exhausting memory.
    public static let defaultLimit = 1 << 30

    /// The bytes of `path`, decompressed when the file is gzip (detected by content, not name).
    ///
    /// zlib's `gzread` passes non-gzip files through unchanged, so raw and `.gz` files take the
    /// same path. Throws `LRPError.file` for missing files, corrupt or truncated gzip data, and
    /// content beyond `limit` bytes.
    public static func read(_ path: String, limit: Int = defaultLimit) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw LRPError.file(path: path, systemMessage()) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw LRPError.file(path: path, "is not a regular file")
        }
        guard let file = gzopen(path, "rb") else { throw LRPError.file(path: path, systemMessage()) }
        var closed = false
        defer { if !closed { gzclose(file) } }
        let fileSize = Int(info.st_size)
        if gzdirect(file) != 0, fileSize > limit {
            throw LRPError.file(path: path, "is \(fileSize) bytes, more than the limit of \(limit)")
        }
        gzbuffer(file, 1 << 17)
        var bytes = [UInt8]()
        bytes.reserveCapacity(Swift.min(fileSize, limit))
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let got = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(chunkSize)) }
            if got < 0 {
                throw LRPError.file(path: path, "corrupt gzip data: \(zlibMessage(file))")
            }
            if got == 0 { break }
            guard bytes.count + Int(got) <= limit else {
                throw LRPError.file(path: path,
                    "decompresses to more than the limit of \(limit) bytes (a damaged or hostile archive?)")
            }
            bytes.append(contentsOf: chunk[0..<Int(got)])
        }
        closed = true
        let status = gzclose(file)
        // gzclose reports a stream that ended mid-member as Z_BUF_ERROR.
        if status == Z_BUF_ERROR {
            throw LRPError.file(path: path, "gzip data is truncated (unexpected end of file after \(bytes.count) bytes)")
        }
        guard status == Z_OK else { throw LRPError.file(path: path, "read error (zlib status \(status))") }
        return bytes
    }

    /// The size in bytes of a file on disk, or nil when it does not exist.
    static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    static func systemMessage() -> String { String(cString: strerror(errno)) }

    private static func zlibMessage(_ file: gzFile) -> String {
        var code: Int32 = 0
        guard let message = gzerror(file, &code) else { return "zlib error \(code)" }
        return String(cString: message)
    }
}
