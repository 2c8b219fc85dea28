import LRPKit

/// A builtin command, function, layer, rule or preset.
struct Builtin: Sendable {
    enum Group: String, CaseIterable, Sendable {
        case data = "data", network = "networks", rules = "rules", tensor = "tensor math", output = "output"
    }

    let name: String
    let group: Group
    /// How it is called, e.g. `relprop NET [X] R rules=RULES`.
    let usage: String
    /// One line for `help`.
    let summary: String
    /// Further lines for `help NAME`.
    let details: String
    /// The keyword arguments it accepts (for checks and completion).
    let keywords: [String]
    /// Whether a bare mention (`relu`, `zplus`, `deeptaylor`, `help`) calls it with no arguments.
    let bareCall: Bool
    /// Keywords whose value may be a bare word taken as a string: `map=heat`.
    let wordKeywords: [String]
    /// Which positional arguments written as a bare name are that name, as a string, rather than
    /// its value: `help relprop`, `load mnist PATH` (even when a variable is called mnist).
    let nameArguments: NameArguments
    enum NameArguments: Sendable { case none, first, all }
    /// Takes any keyword (`record(errors=76, accuracy=0.99)`): the keywords are its data.
    let acceptsAnyKeyword: Bool
    let body: @Sendable (inout Call) throws -> Value

    init(_ name: String, _ group: Group, usage: String, _ summary: String, details: String = "",
         keywords: [String] = [], wordKeywords: [String] = [], nameArguments: NameArguments = .none,
         bareCall: Bool = false, acceptsAnyKeyword: Bool = false, body: @escaping @Sendable (inout Call) throws -> Value) {
        self.name = name
        self.group = group
        self.usage = usage
        self.summary = summary
        self.details = details
        self.keywords = keywords
        self.bareCall = bareCall
        self.wordKeywords = wordKeywords
        self.nameArguments = nameArguments
        self.acceptsAnyKeyword = acceptsAnyKeyword
        self.body = body
    }
}

/// An error inside a builtin, optionally pointing at one argument.
struct CallError: Error {
    var message: String
    /// Index into `Call.positions` (positional arguments first, then keywords in order).
    var argument: Int?
}

/// The evaluated arguments of one builtin call, with accessors that check types and counts.
struct Call {
    let name: String
    var arguments: [Value]
    var keywords: [(String, Value)]
    /// Positions of the positional arguments, then of the keywords.
    let positions: [Position]
    let evaluator: Evaluator

    func fail(_ message: String, argument: Int? = nil) -> CallError {
        CallError(message: message, argument: argument)
    }

    func keywordIndex(_ key: String) -> Int? {
        keywords.firstIndex { $0.0 == key }.map { arguments.count + $0 }
    }

    /// Checks the positional count against `range`, naming the usage on failure.
    func expectCount(_ range: ClosedRange<Int>, usage: String) throws {
        guard range.contains(arguments.count) else {
            let wanted = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw fail("\(name) takes \(wanted) argument\(range.upperBound == 1 ? "" : "s"), got \(arguments.count) (usage: \(usage))",
                       argument: arguments.count > range.upperBound ? range.upperBound : nil)
        }
    }

    // MARK: Positional accessors

    func value(_ i: Int) -> Value { arguments[i] }

    func tensor(_ i: Int, _ what: String = "argument") throws -> Tensor {
        try asTensor(arguments[i], what: what, argument: i)
    }

    func asTensor(_ v: Value, what: String, argument: Int?) throws -> Tensor {
        switch v {
        case .tensor(let t), .mask(let t): return t
        case .number(let n): return Tensor(scalar: Float(n))
        case .boolean(let b): return Tensor(scalar: b ? 1 : 0)
        case .list(let items):
            // A (nested) list of numbers becomes a tensor.
            let parts = try items.map { try asTensor($0, what: what, argument: argument) }
            if parts.isEmpty { return Tensor([]) }
            do { return try Tensor.stacked(parts) } catch {
                throw fail("\(name): the list's items have different shapes", argument: argument)
            }
        default:
            throw fail("\(name): \(what) must be a tensor or a number, got \(v.typeName)", argument: argument)
        }
    }

    func number(_ i: Int, _ what: String = "argument") throws -> Double {
        try asNumber(arguments[i], what: what, argument: i)
    }

    func asNumber(_ v: Value, what: String, argument: Int?) throws -> Double {
        switch v {
        case .number(let n): return n
        case .boolean(let b): return b ? 1 : 0
        case .tensor(let t) where t.count == 1: return Double(t.scalars[0])
        case .mask(let t) where t.count == 1: return Double(t.scalars[0])
        default:
            throw fail("\(name): \(what) must be a number, got \(v.typeName)\(shapeNote(v))", argument: argument)
        }
    }

    func integer(_ i: Int, _ what: String = "argument") throws -> Int {
        try asInteger(arguments[i], what: what, argument: i)
    }

    func asInteger(_ v: Value, what: String, argument: Int?) throws -> Int {
        let n = try asNumber(v, what: what, argument: argument)
        guard n == n.rounded(), abs(n) < 1e15 else {
            throw fail("\(name): \(what) must be a whole number, got \(formatNumber(n))", argument: argument)
        }
        return Int(n)
    }

    func string(_ i: Int, _ what: String = "argument") throws -> String {
        guard case .string(let s) = arguments[i] else {
            throw fail("\(name): \(what) must be a string, got \(arguments[i].typeName)", argument: i)
        }
        return s
    }

    func network(_ i: Int) throws -> NetworkValue {
        guard case .network(let n) = arguments[i] else {
            throw fail("\(name): expected a network, got \(arguments[i].typeName)", argument: i)
        }
        return n
    }

    func dataset(_ i: Int) throws -> Dataset {
        guard case .dataset(let d) = arguments[i] else {
            throw fail("\(name): expected a dataset, got \(arguments[i].typeName)", argument: i)
        }
        return d
    }

    private func shapeNote(_ v: Value) -> String {
        if case .tensor(let t) = v { return " of shape \(describe(shape: t.shape))" }
        if case .mask(let t) = v { return " of shape \(describe(shape: t.shape))" }
        return ""
    }

    // MARK: Keywords

    /// Rejects keywords the builtin does not know, suggesting the closest one.
    func checkKeywords(_ allowed: [String], any: Bool = false) throws {
        for (offset, (key, _)) in keywords.enumerated() where !any && !allowed.contains(key) {
            let hint = closestName(to: key, in: allowed).map { "; did you mean '\($0)'?" }
                ?? (allowed.isEmpty ? "; it takes none" : " (it takes \(allowed.joined(separator: ", ")))")
            throw fail("\(name) has no keyword '\(key)'\(hint)", argument: arguments.count + offset)
        }
        var seen = Set<String>()
        for (offset, (key, _)) in keywords.enumerated() where !seen.insert(key).inserted {
            throw fail("\(name): keyword '\(key)' given twice", argument: arguments.count + offset)
        }
    }

    func keyword(_ key: String) -> Value? { keywords.first { $0.0 == key }?.1 }

    func numberKeyword(_ key: String, default d: Double) throws -> Double {
        guard let v = keyword(key) else { return d }
        return try asNumber(v, what: "\(key)=", argument: keywordIndex(key))
    }

    func integerKeyword(_ key: String, default d: Int) throws -> Int {
        guard let v = keyword(key) else { return d }
        return try asInteger(v, what: "\(key)=", argument: keywordIndex(key))
    }

    func optionalIntegerKeyword(_ key: String) throws -> Int? {
        guard let v = keyword(key) else { return nil }
        return try asInteger(v, what: "\(key)=", argument: keywordIndex(key))
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
func closestName(to name: String, in candidates: [String]) -> String? {
    let lowered = name.lowercased()
    var best: (String, Int)? = nil
    for candidate in candidates {
        let d = editDistance(lowered, candidate.lowercased())
        if best == nil || d < best!.1 { best = (candidate, d) }
    }
    guard let (candidate, distance) = best else { return nil }
    let limit = max(1, min(3, name.count / 3 + 1))
    return distance <= limit ? candidate : nil
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var row = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            row[j] = min(previous[j] + 1, row[j - 1] + 1, substitution)
        }
        previous = row
    }
    return previous[b.count]
}
