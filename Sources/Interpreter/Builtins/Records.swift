import LRPKit

/// Records (named values) and the JSON form of values, for `save VALUE "x.json"`.
let recordBuiltins: [Builtin] = [
    Builtin("record", .output, usage: "record(NAME=VALUE, ...)",
            "Named values in order: r = record(errors=76, accuracy=0.9924); r.errors reads one.",
            details: """
            Keys are the keyword names; values may be anything. save r "metrics.json" writes a JSON
            object with the keys in the order given.
            """, acceptsAnyKeyword: true) { c in
        guard c.arguments.isEmpty else {
            throw c.fail("record takes only NAME=VALUE pairs (usage: record(NAME=VALUE, ...))", argument: 0)
        }
        return .record(c.keywords.map { (key: $0.0, value: $0.1) })
    },
]

/// The JSON form of a script value: numbers, strings, booleans, lists, records, tensors and
/// masks (nested arrays, up to JSONFile.maximumTensorValues numbers).
func jsonValue(_ value: Value) throws -> JSONFile.Value {
    switch value {
    case .number(let x): return .number(x)
    case .string(let s): return .string(s)
    case .boolean(let b): return .bool(b)
    case .list(let items): return .array(try items.map(jsonValue))
    case .record(let fields): return .object(try fields.map { (key: $0.key, value: try jsonValue($0.value)) })
    case .tensor(let t): return try JSONFile.value(of: t)
    case .mask(let m):
        let numbers = try JSONFile.value(of: m)
        func truth(_ v: JSONFile.Value) -> JSONFile.Value {
            switch v {
            case .number(let x): return .bool(x != 0)
            case .array(let items): return .array(items.map(truth))
            default: return v
            }
        }
        return truth(numbers)
    default:
        throw LRPError.invalidArgument("\(value.typeName) has no JSON form (numbers, strings, booleans, lists, records, tensors and masks have)")
    }
}
