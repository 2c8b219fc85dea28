import Foundation

/// numpy's `.npy` format: magic `\x93NUMPY`, version, a little-endian header length, a Python
/// dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded to a
/// multiple of 64 bytes, then the raw data.
public enum NumpyFile {
    /// The element types written; reading also accepts signed/unsigned integers, bool and big-endian.
    public enum ElementType: String, Sendable, CaseIterable {
        case float32 = "<f4", float64 = "<f8", uint8 = "|u1"
    }

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The longest header read: a 64-dimension shape of 20-digit sizes fits many times over.
    static let maximumHeaderLength = 1 << 16

    /// Reads an `.npy` file (raw or gzipped) into a float32 tensor, converting the element type
    /// and Fortran order. NaN, infinite and beyond-float32 values are errors unless allowed.
    public static func read(_ path: String, allowingNonFinite: Bool = false) throws -> Tensor {
        try decode(FileData.read(path), path: path, allowingNonFinite: allowingNonFinite)
    }

    /// Writes `tensor` as an `.npy` file (version 1.0, C order), atomically.
    public static func write(_ tensor: Tensor, to path: String, as type: ElementType = .float32) throws {
        try AtomicFile.write(encode(tensor, as: type, path: path), to: path)
    }

    // MARK: Encoding

    static func encode(_ tensor: Tensor, as type: ElementType, path: String) throws -> [UInt8] {
        let shapeText = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)"
            : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(type.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        guard header.utf8.count <= Int(UInt16.max) else {
            throw LRPError.file(path: path, "shape \(describe(shape: tensor.shape)) is too long for an npy header")
        }
        var bytes = magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        switch type {
        case .float32:
            for value in tensor.scalars { bytes += littleEndianBytes(value.bitPattern) }
        case .float64:
            for value in tensor.scalars { bytes += littleEndianBytes(Double(value).bitPattern) }
        case .uint8:
            bytes.reserveCapacity(bytes.count + tensor.count)
            for (index, value) in tensor.scalars.enumerated() {
                guard value >= 0, value <= 255, value == value.rounded() else {
                    throw LRPError.file(path: path,
                        "value \(formatNumber(value)) at flat index \(index) is not a byte (0...255, whole); cannot write uint8")
                }
                bytes.append(UInt8(value))
            }
        }
        return bytes
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    // MARK: Decoding

    /// The in-memory half of `read` (bytes already decompressed); `path` names them in errors.
    public static func decode(_ data: [UInt8], path: String, allowingNonFinite: Bool = false) throws -> Tensor {
        guard data.count >= 10, Array(data[0..<6]) == magic else {
            throw LRPError.file(path: path, "bad magic at byte 0: not an npy file (expected \\x93NUMPY)")
        }
        let major = data[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(data[8]) | Int(data[9]) << 8
            headerStart = 10
        case 2, 3:
            guard data.count >= 12 else { throw LRPError.file(path: path, "truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw LRPError.file(path: path, "npy format version \(major).\(data[7]) at byte 6 is not supported (1.0, 2.0, 3.0)")
        }
        // numpy's own reader refuses headers over 10,000 bytes (max_header_size); a header of a
        // gigabyte of spaces would otherwise be decoded and parsed as text.
        guard headerLength <= maximumHeaderLength else {
            throw LRPError.file(path: path, "header of \(headerLength) bytes is longer than the limit of \(maximumHeaderLength) (numpy's own reader refuses more than 10000)")
        }
        guard headerLength <= data.count - headerStart else {
            throw LRPError.file(path: path, "truncated header: it declares \(headerLength) bytes, the file has \(data.count - headerStart) after byte \(headerStart)")
        }
        let headerBytes = data[headerStart..<headerStart + headerLength]
        guard let headerText = String(validating: headerBytes, as: UTF8.self) else {
            throw LRPError.file(path: path, "header is not text")
        }
        let header = try NumpyHeader(parsing: headerText, path: path)
        let element = try ElementCodec(descr: header.descr, path: path)
        let count: Int
        do { count = try Tensor.elementCount(of: header.shape) } catch {
            throw LRPError.file(path: path, "shape \(describe(shape: header.shape)) is absurd: \(error)")
        }
        do { _ = try Tensor.allocationCount(of: header.shape) } catch {
            throw LRPError.file(path: path, "shape \(describe(shape: header.shape)) cannot be loaded: \(error)")
        }
        let dataStart = headerStart + headerLength
        let available = data.count - dataStart
        let (needed, overflow) = count.multipliedReportingOverflow(by: element.size)
        guard !overflow, needed == available else {
            let problem = overflow || needed > available ? "truncated data" : "\(available - needed) extra bytes after the data"
            throw LRPError.file(path: path,
                "\(problem): shape \(describe(shape: header.shape)) of \(header.descr) needs \(needed) bytes after byte \(dataStart), found \(available)")
        }
        var scalars = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            for index in 0..<count { scalars[index] = element.decode(base + index * element.size) }
        }
        if !allowingNonFinite, let bad = scalars.firstIndex(where: { !$0.isFinite }) {
            let what = scalars[bad].isNaN ? "NaN" : "infinite or beyond float32"
            throw LRPError.file(path: path,
                "element \(bad) (file order, at byte \(dataStart + bad * element.size)) is \(what)")
        }
        if header.fortranOrder, header.shape.count > 1 {
            do { try MemoryBudget.check(count * MemoryLayout<Float>.size, for: "reordering it from Fortran order") } catch {
                throw LRPError.file(path: path, "\(error)")
            }
            scalars = cOrder(fromFortran: scalars, shape: header.shape)
        }
        return Tensor(unchecked: header.shape, scalars: scalars)
    }

    /// Reorders column-major values to row-major for the same shape.
    private static func cOrder(fromFortran values: [Float], shape: [Int]) -> [Float] {
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var result = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        var source = 0
        for target in 0..<values.count {
            result[target] = values[source]
            // Advance the C-order index (last axis fastest), tracking the Fortran offset.
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += fortranStrides[axis]
                if index[axis] < shape[axis] { break }
                source -= fortranStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}

/// Decodes one element of an npy `descr` such as `<f4`, `>i8` or `|u1` to Float.
private struct ElementCodec {
    let size: Int
    let decode: (UnsafeRawPointer) -> Float

    init(descr: String, path: String) throws {
        let characters = Array(descr)
        guard characters.count >= 3, "<>|=".contains(characters[0]), let size = Int(String(characters[2...])) else {
            throw LRPError.file(path: path, "dtype '\(descr)' is not supported")
        }
        let big = characters[0] == ">"
        self.size = size
        func load<T: FixedWidthInteger>(_: T.Type) -> (UnsafeRawPointer) -> T {
            { pointer in
                let raw = pointer.loadUnaligned(as: T.self)
                return big ? T(bigEndian: raw) : T(littleEndian: raw)
            }
        }
        switch (characters[1], size) {
        case ("f", 4): let bits = load(UInt32.self); decode = { Float(bitPattern: bits($0)) }
        case ("f", 8): let bits = load(UInt64.self); decode = { Float(Double(bitPattern: bits($0))) }
        case ("u", 1), ("b", 1): decode = { Float($0.load(as: UInt8.self)) }
        case ("i", 1): decode = { Float($0.load(as: Int8.self)) }
        case ("u", 2): let value = load(UInt16.self); decode = { Float(value($0)) }
        case ("i", 2): let value = load(Int16.self); decode = { Float(value($0)) }
        case ("u", 4): let value = load(UInt32.self); decode = { Float(value($0)) }
        case ("i", 4): let value = load(Int32.self); decode = { Float(value($0)) }
        case ("u", 8): let value = load(UInt64.self); decode = { Float(value($0)) }
        case ("i", 8): let value = load(Int64.self); decode = { Float(value($0)) }
        default:
            throw LRPError.file(path: path, "dtype '\(descr)' is not supported (float32/64, integers, uint8, bool)")
        }
    }
}
