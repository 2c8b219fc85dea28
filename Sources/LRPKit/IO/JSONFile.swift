/// JSON text for machines reading results (CI dashboards): `save VALUE "x.json"`.
public enum JSONFile {
    /// A JSON value. Objects keep their members in the order given.
    public indirect enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([(key: String, value: Value)])
    }

    /// The most numbers one tensor may put into a JSON file; beyond it `.npy` is the format.
    public static let maximumTensorValues = 100_000

    /// A tensor as nested arrays (a scalar as a number); float32 values in their shortest form.
    public static func value(of tensor: Tensor) throws -> Value {
        guard tensor.count <= maximumTensorValues else {
            throw LRPError.tooLarge("a tensor of shape \(describe(shape: tensor.shape)) (\(tensor.count) values) is more than the \(maximumTensorValues) values a .json file takes; save it as .npy")
        }
        func nest(_ axis: Int, _ offset: Int) -> Value {
            if axis == tensor.rank { return .number(Double(tensor.scalars[offset])) }
            let inner = tensor.shape[(axis + 1)...].reduce(1, *)
            return .array((0..<tensor.shape[axis]).map { nest(axis + 1, offset + $0 * inner) })
        }
        return nest(0, 0)
    }

    /// The text of `value`: two-space indents, arrays of plain values on one line. NaN and
    /// infinities, which JSON cannot write, become `null`.
    public static func text(_ value: Value) -> String {
        var out = ""
        write(value, indent: "", into: &out)
        return out + "\n"
    }

    /// Writes `value` to `path` atomically.
    public static func write(_ value: Value, to path: String) throws {
        try AtomicFile.write(text(value), to: path)
    }

    private static func write(_ value: Value, indent: String, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += number(x)
        case .string(let s): out += quoted(s)
        case .array(let items):
            if items.allSatisfy(\.isPlain) {
                out += "[" + items.map { text($0).dropLast() }.joined(separator: ", ") + "]"
                return
            }
            out += "[\n"
            for (k, item) in items.enumerated() {
                out += indent + "  "
                write(item, indent: indent + "  ", into: &out)
                out += k + 1 < items.count ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (k, member) in members.enumerated() {
                out += indent + "  " + quoted(member.key) + ": "
                write(member.value, indent: indent + "  ", into: &out)
                out += k + 1 < members.count ? ",\n" : "\n"
            }
            out += indent + "}"
        }
    }

    /// Whole numbers without a point; others in Swift's shortest round-trip form (valid JSON).
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), Swift.abs(x) < 9_007_199_254_740_992 { return String(Int64(x)) }
        // A float32 value is written by its own shortest form: 0.1, not 0.10000000149011612.
        if let f = Float(exactly: x) { return "\(f)" }
        return "\(x)"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension JSONFile.Value {
    /// Not an array or object: written inline.
    var isPlain: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }
}
