import CZlib
import Foundation

/// Whole-file reading with transparent gzip decompression.
public enum FileData {
    /// The default bound on the bytes one file may produce after decompression (1 GiB);
    /// a gzip bomb stops here with an error instead of exhausting memory.
    public static let defaultLimit = 1 << 30

    /// The bytes of `path`, decompressed when the file is gzip (detected by content, not name).
    ///
    /// Throws `LRPError.file` for missing files, folders and devices, corrupt or truncated gzip
    /// data, and content beyond `limit` bytes. The file's size is checked before anything is
    /// allocated for it.
    public static func read(_ path: String, limit: Int = defaultLimit) throws -> [UInt8] {
        try decompressed(readRaw(path, limit: limit), path: path, limit: limit)
    }

    /// `bytes` inflated when they start with the gzip magic (all members, as `gunzip` does),
    /// else unchanged. The in-memory half of `read`, also the fuzzers' entry point.
    public static func decompressed(_ bytes: [UInt8], path: String, limit: Int = defaultLimit) throws -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B else {
            guard bytes.count <= limit else {
                throw LRPError.file(path: path, "is \(bytes.count) bytes, more than the limit of \(limit)")
            }
            return bytes
        }
        return try GzipInflater.inflate(bytes, path: path, limit: limit)
    }

    /// The file's bytes as stored (ONNX external data is read so: raw floats may start like gzip). Compressed files may be slightly larger than what they hold
    /// (stored blocks, headers), hence the slack over `limit`.
    static func readRaw(_ path: String, limit: Int = defaultLimit) throws -> [UInt8] {
        var info = stat()
        // stat before open: opening a FIFO would block.
        guard stat(path, &info) == 0 else { throw LRPError.file(path: path, systemMessage()) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw LRPError.file(path: path, "is not a regular file")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw LRPError.file(path: path, systemMessage()) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw LRPError.file(path: path, "is not a regular file")
        }
        let size = Int(info.st_size)
        let bound = limit.addingReportingOverflow(limit / 256 + 4096)
        guard bound.overflow || size <= bound.partialValue else {
            throw LRPError.file(path: path, "is \(size) bytes, more than the limit of \(limit)")
        }
        do { try MemoryBudget.check(size, for: "reading it") } catch {
            throw LRPError.file(path: path, "\(error)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let got = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + offset, size - offset) }
            if got < 0 {
                if errno == EINTR { continue }
                throw LRPError.file(path: path, "read error at byte \(offset): \(systemMessage())")
            }
            if got == 0 { break }  // shrank while we read
            offset += got
        }
        if offset < size { bytes.removeLast(size - offset) }
        return bytes
    }

    /// The size in bytes of a file on disk, or nil when it does not exist.
    static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    static func systemMessage() -> String { String(cString: strerror(errno)) }
}

/// zlib's inflate over a byte array, gzip members only, output bounded by a limit.
private enum GzipInflater {
    static func inflate(_ input: [UInt8], path: String, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: gzip wrapper only.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LRPError.file(path: path, "cannot start zlib")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        let chunkSize = 1 << 18
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try input.withUnsafeBufferPointer { source in
            var consumed = 0  // input offset of the current member's start plus stream.total_in
            var memberStart = 0
            while true {
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
                stream.avail_in = UInt32(Swift.min(source.count - consumed, Int(UInt32.max)))
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                consumed = memberStart + Int(stream.total_in)
                let produced = chunkSize - Int(stream.avail_out)
                guard output.count + produced <= limit else {
                    throw LRPError.file(path: path,
                        "decompresses to more than the limit of \(limit) bytes (a damaged or hostile archive?)")
                }
                // Growth is checked against the process's memory budget, so a small archive
                // cannot expand past it whatever the per-file `limit`.
                do { try MemoryBudget.grow(&output, by: produced, for: "decompressing it") } catch {
                    throw LRPError.file(path: path, "\(error)")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    let rest = source[consumed...]
                    if rest.count >= 2, rest.first == 0x1F, rest.dropFirst().first == 0x8B {
                        memberStart = consumed
                        inflateReset(&stream)
                        continue
                    }
                    guard rest.allSatisfy({ $0 == 0 }) else {
                        throw LRPError.file(path: path, "corrupt gzip data: \(rest.count) bytes of trailing garbage at byte \(consumed)")
                    }
                    return
                case Z_BUF_ERROR:
                    // The output space is fresh on every call, so no progress means no input left.
                    throw LRPError.file(path: path,
                        "gzip data is truncated (unexpected end of file after \(output.count) bytes decompressed)")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw LRPError.file(path: path, "corrupt gzip data at byte \(consumed): \(message)")
                }
            }
        }
        return output
    }
}
