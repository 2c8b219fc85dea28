import Foundation
import LRPKit
@testable import Interpreter

/// A golden script: lrps source whose expected output is written inline, as in *Crafting
/// Interpreters*' test suite (format: Golden/README.md).
///
///     x = 1 + 2            # expect: 3
///     y = zeros(2) + "a"   # expect error col 14: '+' cannot combine a tensor and a string
///
/// An expected error ends a case: the script is run as a series of cases, each up to and including
/// a statement that must fail, all in one session (variables carry over).
struct GoldenScript {
    enum Expectation: Equatable {
        case output(String)
        case error(column: Int?, message: String)
    }

    /// One case: lines `first...last` (0-based) and what they must print, then how they must fail.
    struct Case {
        var first: Int, last: Int
        var outputs: [(line: Int, text: String)] = []
        var error: (line: Int, onCodeLine: Bool, column: Int?, message: String)?
    }

    let name: String
    let lines: [String]

    init(name: String, source: String) {
        self.name = name
        var lines = source.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    /// The expectation a line carries and the code before it ("" for a comment line).
    static func expectation(in line: String) -> (code: String, Expectation)? {
        if let r = line.range(of: "# expect error") {
            var rest = line[r.upperBound...]
            var column: Int?
            if rest.hasPrefix(" col ") {
                let digits = rest.dropFirst(5).prefix(while: \.isNumber)
                column = Int(digits)
                rest = rest.dropFirst(5 + digits.count)
            }
            guard rest.hasPrefix(":") else { return nil }
            let message = rest.dropFirst().drop(while: { $0 == " " })
            return (code(before: r.lowerBound, in: line), .error(column: column, message: String(message)))
        }
        if let r = line.range(of: "# expect:") {
            var text = line[r.upperBound...]
            if text.hasPrefix(" ") { text = text.dropFirst() }
            return (code(before: r.lowerBound, in: line), .output(String(text)))
        }
        return nil
    }

    private static func code(before index: String.Index, in line: String) -> String {
        String(line[..<index]).trimmingCharacters(in: .whitespaces)
    }

    /// The cases, in order: each ends with the line that holds an `# expect error` comment.
    var cases: [Case] {
        var cases: [Case] = [], current = Case(first: 0, last: -1)
        for (i, line) in lines.enumerated() {
            current.last = i
            guard let (code, expectation) = Self.expectation(in: line) else { continue }
            switch expectation {
            case .output(let text):
                current.outputs.append((i, text))
            case .error(let column, let message):
                current.error = (i, !code.isEmpty, column, message)
                cases.append(current)
                current = Case(first: i + 1, last: i)
            }
        }
        if current.last >= current.first { cases.append(current) }
        return cases
    }

    /// The source of lines `first...last`, preceded by blank lines so that errors name the right line.
    func source(of c: Case) -> String {
        String(repeating: "\n", count: c.first) + lines[c.first...c.last].joined(separator: "\n") + "\n"
    }

    /// The script with its expectations rewritten from what it actually printed: `printed[i]` is
    /// the output of the statement ending on line i, `failed[i]` the error of the statement (or
    /// syntax error) ending on line i.
    func rewritten(printed: [Int: [String]], failed: [Int: ScriptError]) -> String {
        var out: [String] = []
        for (i, original) in lines.enumerated() {
            var line = original
            if let (code, _) = Self.expectation(in: line) {
                if code.isEmpty { continue }
                line = String(line[..<line.range(of: "# expect")!.lowerBound])
                while line.hasSuffix(" ") { line.removeLast() }
            }
            var after: [String] = []
            for text in printed[i] ?? [] { after.append("# expect: " + text) }
            if let error = failed[i] {
                // Output of a failing statement must stay inside its case: above it.
                out += after
                after = []
                let comment = "# expect error col \(error.location.column): \(error.message)"
                // On the error's own line, or below a statement that failed on an earlier line.
                if error.location.line - 1 == i { line += "  " + comment } else { after = [comment] }
            } else if after.count == 1, !line.contains("#"), line.count + after[0].count <= 100 {
                line += "  " + after[0]
                after = []
            }
            out.append(line)
            out += after
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// The host a golden script runs with: text as printed; pictures as `[image FNV] caption` and
/// saved pictures as `[saved PATH FNV]`, FNV being a checksum of the pixels, so that every
/// figure a golden script makes is checked pixel for pixel. Output is grouped by statement.
final class GoldenHost: Interpreter.Host {
    private(set) var output = ""
    /// The output of each statement, by the statement's last line (0-based).
    private(set) var printedByLine: [Int: [String]] = [:]
    private var statementStart = ""
    /// For a statement that failed: the (0-based) line of the error -> the statement's last line.
    private(set) var failedStatementEnd: [Int: Int] = [:]
    /// Saved pictures whose file does not hold exactly the pixels shown.
    private(set) var unreadable: [String] = []
    let root: String

    init(root: String) { self.root = root }

    func write(_ text: String) { output += text }
    func show(_ image: Image, caption: String) { output += "[image \(Self.checksum(image))] \(caption)\n" }
    func saved(_ image: Image, path: String, caption: String) {
        output += "[saved \(path) \(Self.checksum(image))]\n"
        // Read the file back: the pixels on disk must be the ones drawn.
        let absolute = path.hasPrefix("/") ? path : root + "/" + path
        if (try? PNGFile.read(absolute)) != image { unreadable.append(path) }
    }
    func willRun(_ statement: StatementSource) { statementStart = output }
    func didRun(_ statement: StatementSource, seconds: Double, error: ScriptError?) {
        if let error { failedStatementEnd[error.location.line - 1] = statement.lines.upperBound - 1 }
        let printed = String(output.dropFirst(statementStart.count))
        let lines = printed.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        printedByLine[statement.lines.upperBound - 1, default: []] += lines
        statementStart = output
    }

    /// FNV-1a (32 bits) over the size and the pixels, as 8 hex digits.
    static func checksum(_ image: Image) -> String {
        var hash: UInt32 = 2_166_136_261
        func mix(_ byte: UInt8) { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        for n in [image.width, image.height, image.channels] { withUnsafeBytes(of: UInt32(n).littleEndian) { $0.forEach(mix) } }
        image.pixels.forEach(mix)
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
