import LRPKit

/// The members `x.name` of each kind of value. The evaluator reads them from here and completion
/// offers them from here, so a member is listed once.
enum Members {
    private static let dataset: [(String, @Sendable (Dataset) -> Value)] = [
        ("images", { .tensor($0.images) }),
        ("labels", { .tensor(Tensor($0.labels.map(Float.init))) }),
        ("targets", { .tensor($0.targets) }),
        ("count", { .number(Double($0.count)) }),
        ("name", { .string($0.name) }),
    ]
    private static let tensor: [(String, @Sendable (Tensor) -> Value)] = [
        ("shape", { .list($0.shape.map { .number(Double($0)) }) }),
        ("count", { .number(Double($0.count)) }),
        ("rank", { .number(Double($0.rank)) }),
    ]
    private static let network: [(String, @Sendable (NetworkValue) -> Value)] = [
        ("layers", { .list($0.network.layers.map { .layer($0) }) }),
        ("count", { .number(Double($0.network.layers.count)) }),
    ]

    /// The members of `value` with how to get each; nil when it has none.
    static func of(_ value: Value) -> [(name: String, get: () -> Value)]? {
        switch value {
        case .dataset(let d): return dataset.map { member in (member.0, { member.1(d) }) }
        case .tensor(let t), .mask(let t): return tensor.map { member in (member.0, { member.1(t) }) }
        case .record(let fields): return fields.map { field in (field.key, { field.value }) }
        case .network(let n): return network.map { member in (member.0, { member.1(n) }) }
        default: return nil
        }
    }

    /// The member names of `value`, or of every kind of value when it is not known.
    static func names(of value: Value?) -> [String] {
        if let value { return of(value)?.map(\.name) ?? [] }
        var seen = Set<String>()
        return (dataset.map(\.0) + tensor.map(\.0) + network.map(\.0)).filter { seen.insert($0).inserted }
    }
}
