/// Every error LRPKit throws. Messages speak in the user's terms: shapes, files, layers.
public enum LRPError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two shapes that an operation needed to agree did not.
    case shapeMismatch(operation: String, String)
    /// An argument outside what the operation accepts.
    case invalidArgument(String)
    /// A file could not be read or written, or its contents are malformed.
    case file(path: String, String)
    /// A layer refused its input or rule; `layer` names it (index and kind).
    case layer(String, String)
    /// A rule's parameters out of range (`rule` names it, e.g. "zB"); `parameter` is the position of
    /// the offending parameter among the rule's own (nil: several are involved).
    case invalidRule(rule: String, parameter: Int?, String)
    /// A request that would allocate more than the configured bound.
    case tooLarge(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let op, let detail): return "\(op): \(detail)"
        case .invalidArgument(let message): return message
        case .file(let path, let message): return "\(path): \(message)"
        case .layer(let name, let message): return "layer \(name): \(message)"
        case .tooLarge(let message): return message
        case .invalidRule(let rule, _, let message): return "\(rule): \(message)"
        }
    }
}

/// Formats a shape the way users write it: `12x28x28x1`.
public func describe(shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
}
