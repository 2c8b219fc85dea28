import LRPKit

/// A network held by a script variable, with the activations of its last `forward` so that
/// `gradprop NET G` and `relprop NET R` can reuse them. A reference: `b = a` shares the trace.
final class NetworkValue {
    let network: Network
    /// Where it came from (a path, or "inline"), for summaries.
    let origin: String
    /// The input of every layer and the output of the last `forward`, or nil before any.
    var trace: [Tensor]?
    /// The lrps shape of one input sample when the file said (ONNX export needs it), else nil.
    let sampleShape: [Int]?
    /// The data set of the last `forward`, when it was the data-set form (which keeps no trace).
    var lastDataSetForward: String?

    init(network: Network, origin: String, sampleShape: [Int]? = nil) {
        self.network = network
        self.origin = origin
        self.sampleShape = sampleShape
    }
}

/// Every value a script can hold.
enum Value {
    case tensor(Tensor)
    /// The result of comparing tensors: 0/1 values that select (`X[X > 0]`, `mnist[wrong]`)
    /// where a tensor of numbers would index. In arithmetic it counts as its 0/1 values.
    case mask(Tensor)
    case number(Double)
    case string(String)
    case boolean(Bool)
    case list([Value])
    case network(NetworkValue)
    case layer(any Layer)
    case rule(Rule)
    case ruleSet(RuleSet)
    case dataset(Dataset)
    /// Named values in order, made by `record(name=value, ...)`; read with `r.name`, saved as JSON.
    case record([(key: String, value: Value)])
    /// Several results of one command (`X, T = sample ...`).
    case results([Value], names: [String])
    /// The result of a command run for its effect (`print`, `save`).
    case none

    /// The type name used in error messages.
    var typeName: String {
        switch self {
        case .tensor: return "a tensor"
        case .mask: return "a mask"
        case .record: return "a record"
        case .number: return "a number"
        case .string: return "a string"
        case .boolean: return "a boolean"
        case .list: return "a list"
        case .network: return "a network"
        case .layer: return "a layer"
        case .rule: return "a rule"
        case .ruleSet: return "a rule preset"
        case .dataset: return "a dataset"
        case .results(let values, _): return "\(values.count) results"
        case .none: return "nothing"
        }
    }
}

// MARK: Display

extension Value {
    /// The notebook-style echo of an unassigned statement: small tensors show their values.
    var summary: String {
        switch self {
        case .tensor(let t):
            return t.count <= 20 && t.count > 0 ? formatTensor(t) : t.description
        case .mask(let m):
            return m.count <= 20 && m.count > 0 ? formatTensor(m, truth: true) : describeMask(m)
        case .results(let values, let names):
            return zip(names, values).map { "\($0) = \($1.summary)" }.joined(separator: "\n")
        case .network(let net):
            // A graph's layers say what they read where it is not the layer before (0: the input).
            let sources = net.network.sources
            let layers = net.network.layers.enumerated().map { index, layer in
                let reads = sources?[index] ?? [index]
                return "  \(index + 1). \(layer.description)" + (reads == [index] ? "" : " (of \(reads.map { $0 == 0 ? "input" : String($0) }.joined(separator: ", ")))")
            }
            return (["network (\(net.origin)), \(net.network.layers.count) layers:"] + layers).joined(separator: "\n")
        case .layer(let layer): return "layer \(layer.description)"
        case .rule(let rule): return "rule \(rule.description)"
        case .ruleSet(let set): return "rules \(describeRuleSet(set))"
        default: return printed
        }
    }

    /// What `print VALUE digits=N` writes: numbers with N significant digits, tensors with N decimals.
    func printed(digits: Int) -> String {
        switch self {
        case .number(let v): return formatNumber(v, digits: digits)
        case .tensor(let t) where t.count <= 1000 && t.count > 0: return formatTensor(t, digits: digits)
        case .results(let values, _): return values.map { $0.printed(digits: digits) }.joined(separator: " ")
        default: return printed
        }
    }

    /// What `print` writes: tensors numpy-style (up to 1000 values, else the one-line summary).
    var printed: String {
        switch self {
        case .tensor(let t): return t.count <= 1000 && t.count > 0 ? formatTensor(t) : t.description
        case .mask(let m): return m.count <= 1000 && m.count > 0 ? formatTensor(m, truth: true) : describeMask(m)
        case .record(let fields):
            return "{" + fields.map { "\($0.key): \($0.value.listItem)" }.joined(separator: ", ") + "}"
        case .number(let v): return formatNumber(v)
        case .string(let s): return s
        case .boolean(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(\.listItem).joined(separator: ", ") + "]"
        case .network(let net): return "network (\(net.origin)): " + net.network.layers.map(\.description).joined(separator: ", ")
        case .layer(let layer): return layer.description
        case .rule(let rule): return rule.description
        case .ruleSet(let set): return describeRuleSet(set)
        case .dataset(let d): return "dataset \(d.name): \(d.count) image\(d.count == 1 ? "" : "s") \(describe(shape: Array(d.images.shape.dropFirst())))"
        case .results(let values, _): return values.map(\.printed).joined(separator: " ")
        case .none: return ""
        }
    }

    var listItem: String {
        if case .string(let s) = self { return "\"\(s)\"" }
        if case .tensor(let t) = self { return t.description }
        if case .mask(let m) = self { return describeMask(m) }
        return printed
    }
}

func describeRuleSet(_ set: RuleSet) -> String {
    if let composite = set.composite { return "\(composite.rawValue) (zennit: \(composite.assignment))" }
    if let name = set.name {
        return name + " (" + set.weighted.map(\.description).joined(separator: " first, then ") + ")"
    }
    return set.description
}

/// "mask 10000 (76 true)": the one-line form of a mask too large to print.
func describeMask(_ m: Tensor) -> String {
    "mask \(describe(shape: m.shape)) (\(m.scalars.filter { $0 != 0 }.count) true)"
}

/// numpy-style array text: `[2 1 0]`, `[[1.5  2.  ]\n [0.25 1.  ]]`, values rounded to 4 decimals
/// (LRPKit's formatArrayCells); with `truth`, numpy's boolean form `[ True False]`. `digits`
/// (print's digits=) asks for that many decimals, or significant digits for a single value.
func formatTensor(_ t: Tensor, truth: Bool = false, digits: Int? = nil) -> String {
    if t.rank == 0 {
        return truth ? (t.scalars[0] != 0 ? "true" : "false") : formatNumber(t.scalars[0], digits: digits ?? 6)
    }
    let cells = truth ? t.scalars.map { $0 != 0 ? " True" : "False" } : formatArrayCells(t.scalars, decimals: digits ?? 4)
    var out = ""
    func emit(_ axis: Int, _ offset: Int, _ indent: Int) {
        out += "["
        let n = t.shape[axis]
        let inner = t.shape[(axis + 1)...].reduce(1, *)
        for i in 0..<n {
            if axis == t.rank - 1 {
                if i > 0 { out += " " }
                out += cells[offset + i]
            } else {
                if i > 0 {
                    out += String(repeating: "\n", count: t.rank - axis - 1)
                    out += String(repeating: " ", count: indent + 1)
                }
                emit(axis + 1, offset + i * inner, indent + 1)
            }
        }
        out += "]"
    }
    emit(0, 0, 0)
    return out
}
