import Foundation
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
    /// The work stopped because `Interruption` was requested (Ctrl-C); it produced no result.
    case interrupted

    /// The message, with control characters from paths and file contents made visible (a file
    /// name holding a terminal escape sequence must not drive the user's terminal).
    public var description: String {
        let text: String
        switch self {
        case .shapeMismatch(let op, let detail): text = "\(op): \(detail)"
        case .invalidArgument(let message): text = message
        case .file(let path, let message): text = "\(path): \(message)"
        case .layer(let name, let message): text = "layer \(name): \(message)"
        case .tooLarge(let message): text = message
        case .invalidRule(let rule, _, let message): text = "\(rule): \(message)"
        case .interrupted: text = "interrupted"
        }
        return escapingControlCharacters(text)
    }
}

/// Formats a shape the way users write it: `12x28x28x1`.
public func describe(shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
}

/// `text` with control characters (C0, DEL, C1), the byte-order mark and bidirectional overrides
/// written as visible escapes (`\x1b`, `\u{feff}`), so text from files, paths and scripts can be
/// printed in a terminal safely. Tabs stay; newlines stay only when `keepingNewlines`.
public func escapingControlCharacters(_ text: String, keepingNewlines: Bool = false) -> String {
    func needsEscape(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFEFF
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }
    guard text.unicodeScalars.contains(where: { needsEscape($0.value) && $0 != "\t" && !(keepingNewlines && $0 == "\n") }) else {
        return text
    }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        let v = scalar.value
        if !needsEscape(v) || scalar == "\t" || (keepingNewlines && scalar == "\n") {
            out.append(scalar)
            continue
        }
        let escaped: String
        switch scalar {
        case "\n": escaped = "\\n"
        case "\r": escaped = "\\r"
        default: escaped = v <= 0xFF ? "\\x" + String(format: "%02x", v) : "\\u{" + String(v, radix: 16) + "}"
        }
        out.append(contentsOf: escaped.unicodeScalars)
    }
    return String(out)
}

/// A short quotation of file content for an error message: at most `limit` characters, control
/// characters escaped. Quote file content only once the file is recognisably of the kind asked
/// for (an error must not print the first word of an arbitrary file, e.g. a credentials file).
func excerpt<S: StringProtocol>(_ text: S, limit: Int = 24) -> String {
    let clipped = text.count > limit ? String(text.prefix(limit)) + "..." : String(text)
    return escapingControlCharacters(clipped)
}
