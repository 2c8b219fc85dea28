import Foundation

/// A constant of an ONNX model (an initializer or a Constant node's value) as numbers.
struct ONNXConstant {
    var dims: [Int]
    /// Float, double and integer data alike (integers are exact up to 2^24: shapes, axes).
    var values: [Float]
    /// The exact values of integer tensors (Reshape's shape, Pad's pads, ...), else nil.
    var integers: [Int]?

    var count: Int { values.count }
}

/// Turns `TensorProto`s into `ONNXConstant`s: the element types lrps computes with, in-line or
/// raw data, and external data files in the model's own folder.
struct ONNXTensorReader {
    /// The model file (for messages) and its folder (for external data).
    let path: String
    var folder: String { (path as NSString).deletingLastPathComponent }
    /// External data files read so far, by location.
    private var files: [String: [UInt8]] = [:]

    init(path: String) { self.path = path }

    private enum Element: Int32 {
        case float = 1, uint8 = 2, int8 = 3, int32 = 6, int64 = 7, double = 11
        var size: Int {
            switch self {
            case .uint8, .int8: return 1
            case .float, .int32: return 4
            case .int64, .double: return 8
            }
        }
        var isInteger: Bool { self != .float && self != .double }
    }

    mutating func read(_ tensor: Onnx_TensorProto, what: String) throws -> ONNXConstant {
        func fail(_ message: String) -> LRPError { .file(path: path, "\(what): \(message)") }
        guard let element = Element(rawValue: tensor.dataType) else {
            throw fail("element type \(tensor.dataType) is not supported (float, double, int8/uint8/int32/int64 are)")
        }
        var dims = [Int]()
        for d in tensor.dims {
            guard d >= 0, d <= Int64(Tensor.maximumElementCount) else { throw fail("dimension \(d) is absurd") }
            dims.append(Int(d))
        }
        let count: Int
        do { count = try Tensor.elementCount(of: dims) } catch {
            throw fail("shape \(describe(shape: dims)) is too large")
        }
        var integers: [Int]?
        var values: [Float] = []
        if tensor.dataLocation == .external {
            let bytes = try externalBytes(tensor, count: count, element: element, what: what)
            (values, integers) = decode(raw: bytes[...], element: element)
        } else if tensor.hasRawData {
            let raw = tensor.rawData
            guard raw.count == count * element.size else {
                throw fail("raw data holds \(raw.count) bytes, the shape \(describe(shape: dims)) needs \(count * element.size)")
            }
            (values, integers) = decode(raw: ArraySlice(raw), element: element)
        } else {
            switch element {
            case .float: values = tensor.floatData
            case .double: values = tensor.doubleData.map { Float($0) }
            case .int64: integers = tensor.int64Data.map { Int(clamping: $0) }
            case .int32, .int8, .uint8: integers = tensor.int32Data.map { Int($0) }
            }
            if let integers { values = integers.map { Float($0) } }
            guard values.count == count else {
                throw fail("holds \(values.count) values, the shape \(describe(shape: dims)) needs \(count)")
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw fail("value \(values[bad]) at index \(bad) is not finite")
        }
        return ONNXConstant(dims: dims, values: values, integers: integers)
    }

    private func decode(raw: ArraySlice<UInt8>, element: Element) -> ([Float], [Int]?) {
        let n = raw.count / element.size
        var integers: [Int]?
        var values = [Float](repeating: 0, count: n)
        raw.withUnsafeBytes { bytes in
            switch element {
            case .float:
                for i in 0..<n { values[i] = Float(bitPattern: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian) }
            case .double:
                for i in 0..<n { values[i] = Float(Double(bitPattern: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian)) }
            case .int64:
                integers = (0..<n).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            case .int32:
                integers = (0..<n).map { Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            case .int8:
                integers = (0..<n).map { Int(Int8(bitPattern: bytes[$0])) }
            case .uint8:
                integers = (0..<n).map { Int(bytes[$0]) }
            }
        }
        if let integers { values = integers.map { Float($0) } }
        return (values, integers)
    }

    /// The bytes of an external-data tensor: `location` must name a file in the model's folder
    /// (no absolute path, no `..`); `offset` and `length` must lie inside it.
    private mutating func externalBytes(_ tensor: Onnx_TensorProto, count: Int, element: Element, what: String) throws -> ArraySlice<UInt8> {
        var fields: [String: String] = [:]
        for entry in tensor.externalData { fields[entry.key] = entry.value }
        guard let location = fields["location"], !location.isEmpty else {
            throw LRPError.file(path: path, "\(what): external data without a location")
        }
        let parts = location.split(separator: "/", omittingEmptySubsequences: false)
        guard !location.hasPrefix("/"), !location.contains("\\"), !parts.contains(".."), !location.contains("\0") else {
            throw LRPError.file(path: path, "\(what): external data '\(location)' is outside the model's folder (only files beside the model are read)")
        }
        let file = (folder as NSString).appendingPathComponent(location)
        func number(_ key: String) throws -> Int? {
            guard let text = fields[key] else { return nil }
            guard let value = Int(text), value >= 0 else {
                throw LRPError.file(path: file, "\(what): external data \(key) '\(text)' is not a byte count")
            }
            return value
        }
        let offset = try number("offset") ?? 0
        let needed = count * element.size
        let length = try number("length") ?? needed
        guard length == needed else {
            throw LRPError.file(path: file, "\(what): external data length \(length) does not fit the shape (\(needed) bytes)")
        }
        if files[location] == nil {
            guard FileManager.default.fileExists(atPath: file) else {
                throw LRPError.file(path: file, "external data of \(what) is missing")
            }
            files[location] = try FileData.readRaw(file)
        }
        let bytes = files[location]!
        guard offset <= bytes.count, needed <= bytes.count - offset else {
            throw LRPError.file(path: file, "\(what): external data is shorter than declared (\(bytes.count) bytes, needs \(offset) + \(needed))")
        }
        return bytes[offset..<(offset + needed)]
    }
}

extension Onnx_AttributeProto {
    var intValue: Int? { hasI ? Int(clamping: i) : nil }
}
