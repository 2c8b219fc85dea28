import Foundation
import LRPKit

/// Whether two values agree within numpy's `allclose` tolerance, `|a - b| <= atol + rtol * |b|`
/// element by element (broadcast), and where they agree least.
struct Closeness {
    static let defaultRtol = 1e-5, defaultAtol = 1e-8
    var holds: Bool
    /// The broadcast index of the element furthest beyond its tolerance, and its two values.
    var worst: [Int]
    var a: Double, b: Double
    var rtol: Double, atol: Double
    /// Elements outside the tolerance, of `count`.
    var failing: Int, count: Int

    var description: String {
        let tolerance = atol + rtol * abs(b)
        let place = worst.isEmpty ? "" : " at [\(worst.map(String.init).joined(separator: ", "))]"
        return "\(failing) of \(count) element\(count == 1 ? "" : "s") differ; the worst\(place): "
            + "\(formatNumber(a)) vs \(formatNumber(b)), difference \(formatNumber(abs(a - b))) > tolerance \(formatNumber(tolerance))"
            + " (atol \(formatNumber(atol)) + rtol \(formatNumber(rtol)) * |\(formatNumber(b))|)"
    }

    init(_ x: Tensor, _ y: Tensor, rtol: Double, atol: Double) throws {
        // How far each element is beyond its tolerance; NaN (never close, as in numpy) counts as infinitely far.
        let excess = try Tensor.combine(x, y, operation: "~=") { a, b in
            let e = Double(Swift.abs(a - b)) - (atol + rtol * Double(Swift.abs(b)))
            return e.isNaN ? .infinity : Float(e)
        }
        let worstFlat = excess.scalars.indices.max { excess.scalars[$0] < excess.scalars[$1] } ?? 0
        let left = try Tensor.combine(x, y) { a, _ in a }, right = try Tensor.combine(x, y) { _, b in b }
        var index: [Int] = []
        var rest = worstFlat
        for size in excess.shape.reversed() { index.insert(rest % max(size, 1), at: 0); rest /= max(size, 1) }
        self.worst = index
        self.failing = excess.scalars.filter { $0 > 0 }.count
        self.count = excess.count
        self.holds = failing == 0
        self.a = excess.count > 0 ? Double(left.scalars[worstFlat]) : 0
        self.b = excess.count > 0 ? Double(right.scalars[worstFlat]) : 0
        self.rtol = rtol
        self.atol = atol
    }
}

extension Evaluator {
    /// Compares two numbers or tensors; remembers the finding for `assert`.
    func closeness(_ a: Value, _ b: Value, rtol: Double, atol: Double, at position: Position) throws(ScriptError) -> Closeness {
        guard let x = numericTensor(a), let y = numericTensor(b) else {
            throw error("'~=' compares numbers and tensors, not \(a.typeName) and \(b.typeName)", at: position)
        }
        do {
            let result = try Closeness(x, y, rtol: rtol, atol: atol)
            lastCloseness = result
            return result
        } catch let failure as LRPError {
            if case .shapeMismatch(_, let detail) = failure { throw error("'~=': \(detail)", at: position) }
            throw error("'~=': \(failure.description)", at: position)
        } catch {
            throw self.error("'~=': \(error)", at: position)
        }
    }
}

/// Checks for scripts that test themselves (with `assert`), and the session's names.
let checkBuiltins: [Builtin] = [
    Builtin("allclose", .tensor, usage: "allclose(A, B, rtol=1e-5, atol=1e-8)",
            "True when A and B agree within |a - b| <= atol + rtol * |b| everywhere (numpy's allclose; broadcasts).",
            details: """
            A ~= B is allclose(A, B) with the default tolerances. In an assert, a failure names how
            many elements differ and the worst one: its index and both values.
            """,
            keywords: ["rtol", "atol"]) { c in
        try c.expectCount(2...2, usage: "allclose(A, B, rtol=1e-5, atol=1e-8)")
        let rtol = try c.numberKeyword("rtol", default: Closeness.defaultRtol)
        let atol = try c.numberKeyword("atol", default: Closeness.defaultAtol)
        guard rtol >= 0, atol >= 0 else { throw c.fail("allclose: rtol= and atol= must not be negative") }
        let a = try c.tensor(0, "A"), b = try c.tensor(1, "B")
        let result: Closeness
        do { result = try Closeness(a, b, rtol: rtol, atol: atol) } catch let failure as LRPError {
            if case .shapeMismatch(_, let detail) = failure { throw c.fail("allclose: \(detail)") }
            throw failure
        }
        c.evaluator.lastCloseness = result
        return .boolean(result.holds)
    },
    Builtin("vars", .output, usage: "vars", "Lists the session's variables and functions with what each holds.",
            bareCall: true) { c in
        try c.expectCount(0...0, usage: "vars")
        let evaluator = c.evaluator
        var lines: [String] = []
        for (name, value) in evaluator.variables.sorted(by: { $0.key < $1.key }) where name != "_" {
            var text = "\(name) = \(evaluator.described(value))"
            if text.count > 100 { text = String(text.prefix(99)) + "…" }
            lines.append(text)
        }
        for function in evaluator.functions.values.sorted(by: { $0.name < $1.name }) {
            lines.append("\(function.usage)   (function, line \(function.position.line))")
        }
        evaluator.host.write((lines.isEmpty ? "no variables yet" : lines.joined(separator: "\n")) + "\n")
        return .none
    },
]

extension Evaluator {
    /// One line about a value, for `vars`.
    func described(_ value: Value) -> String {
        switch value {
        case .tensor(let t): return t.count <= 8 && t.count > 0 ? formatTensor(t) : "tensor \(t.description)"
        case .mask(let t): return "mask \(t.description)"
        case .network(let n): return "network (\(n.origin)), \(n.network.layers.count) layers"
        case .list(let items): return items.count <= 8 ? value.printed : "a list of \(items.count) items"
        default: return shown(value)
        }
    }
}
