/// The IDX format of the MNIST files: big-endian magic `0x0000TTDD` (type, dimension count), one
/// big-endian UInt32 per dimension, then the values row-major. Only unsigned bytes (type 0x08).
public enum IDXFile {
    /// Magic of an MNIST image file (ubyte, 3 dimensions).
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic of an MNIST label file (ubyte, 1 dimension).
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// The shape and bytes of an IDX file (raw or gzipped); `magic` checks the header when given.
    public static func read(_ path: String, magic expected: UInt32? = nil) throws -> (shape: [Int], bytes: [UInt8]) {
        try parse(FileData.read(path), path: path, magic: expected)
    }

    /// The in-memory half of `read` (bytes already decompressed); `path` names them in errors.
    public static func parse(_ data: [UInt8], path: String, magic expected: UInt32? = nil) throws -> (shape: [Int], bytes: [UInt8]) {
        guard data.count >= 4 else {
            throw LRPError.file(path: path, "is \(data.count) bytes, too short for an IDX header")
        }
        let magic = bigEndian(data, at: 0)
        if let expected, magic != expected {
            throw LRPError.file(path: path,
                "bad magic number \(hex(magic)) at byte 0, expected \(hex(expected)) (is this the right IDX file?)")
        }
        guard data[0] == 0, data[1] == 0 else {
            throw LRPError.file(path: path, "bad magic number \(hex(magic)) at byte 0: not an IDX file")
        }
        guard data[2] == 0x08 else {
            throw LRPError.file(path: path, "IDX element type 0x\(String(data[2], radix: 16)) at byte 2 is not supported (only unsigned bytes, 0x08)")
        }
        let rank = Int(data[3])
        guard rank >= 1 else { throw LRPError.file(path: path, "IDX header declares no dimensions") }
        let headerSize = 4 + 4 * rank
        guard data.count >= headerSize else {
            throw LRPError.file(path: path, "truncated header: \(rank) dimensions need \(headerSize) bytes, the file has \(data.count)")
        }
        let shape = (0..<rank).map { Int(bigEndian(data, at: 4 + 4 * $0)) }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= data.count else {
                throw LRPError.file(path: path,
                    "dimensions \(describe(shape: shape)) need more bytes than the file's \(data.count)")
            }
            count = product
        }
        let available = data.count - headerSize
        guard available == count else {
            let problem = available < count ? "truncated" : "has \(available - count) extra bytes"
            throw LRPError.file(path: path,
                "\(problem): dimensions \(describe(shape: shape)) need \(count) data bytes after the \(headerSize)-byte header, found \(available)")
        }
        return (shape, Array(data[headerSize...]))
    }

    private static func bigEndian(_ data: [UInt8], at offset: Int) -> UInt32 {
        UInt32(data[offset]) << 24 | UInt32(data[offset + 1]) << 16 | UInt32(data[offset + 2]) << 8 | UInt32(data[offset + 3])
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: Swift.max(0, 8 - digits.count)) + digits
    }
}
