import Foundation
import LRPKit

/// Walks the syntax tree. Holds the variables, the host and the working directory.
final class Evaluator {
    let host: Host
    let workingDirectory: String?
    /// The script's (global) variables.
    private(set) var variables: [String: Value] = [:]
    /// The local variables of the functions being called, innermost last.
    var frames: [[String: Value]] = []
    /// The functions the session's scripts defined with `def`.
    var functions: [String: Function] = [:]
    /// Set by `exit` inside a function, whose status must cross the expression that called it.
    var exitRequest: Int32?
    /// What the last `~=` or `allclose` found, for `assert` to report.
    var lastCloseness: Closeness?
    private var lines: [String] = []
    private var file = ""
    let cancellation = Cancellation()
    /// The generator of `rand`/`randn`/`randint`/`permutation`; `seed=` replaces it.
    var random: RandomState?

    init(host: Host, workingDirectory: String?) {
        self.host = host
        self.workingDirectory = workingDirectory
    }

    /// A path as the user wrote it, made absolute against the working directory.
    func resolve(path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        guard let base = workingDirectory else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    func error(_ message: String, at position: Position) -> ScriptError {
        ScriptError(location: SourceLocation(file: file, line: position.line, column: position.column),
                    message: message,
                    sourceLine: position.line - 1 < lines.count ? lines[position.line - 1] : "")
    }

    func define(_ name: String, _ value: Value) { variables[name] = value }

    /// A variable's value: the current function's local, else the script's.
    func variable(_ name: String) -> Value? { frames.last?[name] ?? variables[name] }

    /// Inside a function a name assigned is local to it; outside, the script's.
    func assign(_ name: String, _ value: Value) {
        if frames.isEmpty { variables[name] = value } else { frames[frames.count - 1][name] = value }
    }

    // MARK: Statements

    /// Runs the program's statements in order; returns the status an `exit` asked for, or nil.
    func run(_ program: Program, file: String) throws(ScriptError) -> Int32? {
        self.file = file
        self.lines = program.source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        cancellation.reset()
        frames = []
        exitRequest = nil
        let sources = StatementSource.locate(program, lines: lines, file: file)
        for (located, origin) in zip(program.statements, sources) {
            if cancellation.isRequested { throw error(cancellation.reason, at: located.position) }
            host.willRun(origin)
            let start = ContinuousClock.now
            let flow: Flow
            do {
                flow = try execute(located, topLevel: true)
            } catch {
                frames = []
                if let status = exitRequest {  // `exit` inside a function
                    host.didRun(origin, seconds: (ContinuousClock.now - start).inSeconds, error: nil)
                    return status
                }
                host.didRun(origin, seconds: (ContinuousClock.now - start).inSeconds, error: error)
                throw error
            }
            host.didRun(origin, seconds: (ContinuousClock.now - start).inSeconds, error: nil)
            if case .exit(let status) = flow { return status }
        }
        return nil
    }


    // MARK: Expressions

    func evaluate(_ expr: Expr) throws(ScriptError) -> Value {
        switch expr {
        case .number(let v, _): return .number(v)
        case .string(let s, _): return .string(s)
        case .boolean(let b, _): return .boolean(b)
        case .name(let name, let position): return try lookup(name, at: position)
        case .list(let items, _):
            var values: [Value] = []
            for item in items { values.append(try single(item)) }
            return .list(values)
        case .unary("not", let operand, let position):
            return .boolean(!(try truth(try single(operand), at: position)))
        case .binary(let op, let left, let right, _) where op == "and" || op == "or":
            // Short-circuit: the right side runs only when the left doesn't decide.
            let decided = try truth(try single(left), at: left.position)
            if decided == (op == "or") { return .boolean(decided) }
            return .boolean(try truth(try single(right), at: right.position))
        case .unary(_, let operand, let position):
            switch try single(operand) {
            case .number(let v): return .number(-v)
            case .tensor(let t), .mask(let t):
                do { _ = try Tensor.allocationCount(of: t.shape) } catch {
                    throw self.error("'-': \(error)", at: position)
                }
                return .tensor(-t)
            case let other:
                throw error("cannot negate \(other.typeName)", at: position)
            }
        case .binary(let op, let left, let right, let position):
            return try binary(op, try single(left), try single(right), at: position)
        case .call(let name, let args, _, let position):
            return try call(name, args, at: position)
        case .index(let base, let items, let position):
            return try index(try single(base), items, at: position)
        case .member(let base, let member, let position):
            return try self.member(try single(base), member, at: position)
        }
    }

    /// Evaluates an operand, rejecting multi-result and effect-only commands.
    func single(_ expr: Expr) throws(ScriptError) -> Value {
        let value = try evaluate(expr)
        switch value {
        case .results(_, let names):
            throw error("this gives \(names.count) results (\(names.joined(separator: ", "))); assign them first: `\(names.joined(separator: ", ")) = ...`", at: expr.position)
        case .none:
            throw error("this gives no value", at: expr.position)
        default:
            return value
        }
    }

    private func lookup(_ name: String, at position: Position) throws(ScriptError) -> Value {
        if let value = variable(name) { return value }
        if let function = functions[name] {
            if function.parameters.allSatisfy({ $0.defaultValue != nil }) { return try call(function, [], at: position) }
            throw error("\(name) is a function; call it with its arguments: \(function.usage)", at: position)
        }
        if let hint = pythonHabits[name] { throw error("unknown name '\(name)'; \(hint)", at: position) }
        if let builtin = Builtins.table[name] {
            if builtin.bareCall { return try call(name, [], at: position) }
            // Usually a command written inside another command's arguments (`show relprop mlp R`),
            // where it can't take arguments of its own.
            throw error("\(name) needs arguments: \(builtin.usage); inside another command's arguments, put it in parentheses: (\(name) ...)", at: position)
        }
        if name == "_" { throw error("'_' holds the last unassigned value; there is none yet", at: position) }
        let candidates = Array(variables.keys) + Array(frames.last?.keys ?? [:].keys) + Array(functions.keys) + Builtins.names
        let hint = closestName(to: name, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
        throw error("unknown name '\(name)'\(hint)", at: position)
    }

    // MARK: Calls

    private func call(_ name: String, _ args: [Argument], at position: Position) throws(ScriptError) -> Value {
        if let function = functions[name] { return try call(function, args, at: position) }
        guard let builtin = Builtins.table[name] else {
            if let hint = pythonHabits[name] { throw error("unknown command '\(name)'; \(hint)", at: position) }
            let hint = closestName(to: name, in: Builtins.names + functions.keys).map { "; did you mean '\($0)'?" } ?? ""
            if variable(name) != nil {
                throw error("'\(name)' is a variable, not a command\(hint)", at: position)
            }
            throw error("unknown command '\(name)'\(hint)", at: position)
        }
        var positional: [Value] = [], keywords: [(String, Value)] = []
        var positionalAt: [Position] = [], keywordAt: [Position] = []
        for arg in args {
            let takesName = builtin.nameArguments == .all || (builtin.nameArguments == .first && positional.isEmpty)
            if takesName, case .name(let topic, _) = arg.value, arg.label == nil {
                positional.append(.string(topic)); positionalAt.append(arg.position)
                continue
            }
            if let label = arg.label, builtin.wordKeywords.contains(label), case .name(let word, _) = arg.value,
               variable(word) == nil {
                keywords.append((label, .string(word))); keywordAt.append(arg.position)
                continue
            }
            let value = try single(arg.value)
            if let label = arg.label {
                keywords.append((label, value)); keywordAt.append(arg.position)
            } else {
                guard keywords.isEmpty else {
                    throw error("positional argument after keyword arguments", at: arg.position)
                }
                positional.append(value); positionalAt.append(arg.position)
            }
        }
        var invocation = Call(name: name, arguments: positional, keywords: keywords,
                              positions: positionalAt + keywordAt, evaluator: self)
        do {
            try invocation.checkKeywords(builtin.keywords, any: builtin.acceptsAnyKeyword)
            return try builtin.body(&invocation)
        } catch let failure as CallError {
            let at = failure.argument.flatMap { $0 < invocation.positions.count ? invocation.positions[$0] : nil } ?? position
            throw error(failure.message, at: at)
        } catch let failure as LRPError {
            let text = failure.description
            throw error(text.hasPrefix(name) ? text : "\(name): \(text)", at: position)
        } catch let failure as ScriptError {
            throw failure
        } catch is Interrupted {
            throw error("\(name): \(cancellation.reason)", at: position)
        } catch {
            throw self.error("\(name): \(error)", at: position)
        }
    }

    // MARK: Operators

    func binary(_ op: String, _ a: Value, _ b: Value, at position: Position) throws(ScriptError) -> Value {
        if op == "~=" { return .boolean(try closeness(a, b, rtol: Closeness.defaultRtol, atol: Closeness.defaultAtol, at: position).holds) }
        if case .number(let x) = a, case .number(let y) = b {
            switch op {
            case "+": return .number(x + y)
            case "-": return .number(x - y)
            case "*": return .number(x * y)
            case "/": return .number(x / y)
            case "^": return .number(Foundation.pow(x, y))
            case "==": return .number(x == y ? 1 : 0)
            case "!=": return .number(x != y ? 1 : 0)
            case "<": return .number(x < y ? 1 : 0)
            case "<=": return .number(x <= y ? 1 : 0)
            case ">": return .number(x > y ? 1 : 0)
            case ">=": return .number(x >= y ? 1 : 0)
            default: break
            }
        }
        if op == "==" || op == "!=", case .string(let x) = a, case .string(let y) = b {
            return .number((x == y) == (op == "==") ? 1 : 0)
        }
        if op == "+", case .string(let x) = a, case .string(let y) = b { return .string(x + y) }
        guard let x = numericTensor(a), let y = numericTensor(b) else {
            throw error("'\(op)' cannot combine \(a.typeName) and \(b.typeName)", at: position)
        }
        do {
            switch op {
            case "+": return .tensor(try x + y)
            case "-": return .tensor(try x - y)
            case "*": return .tensor(try x * y)
            case "/": return .tensor(try x / y)
            case "^":
                if y.count == 1, y.rank == 0 || b.isNumber {
                    _ = try Tensor.allocationCount(of: x.shape)
                    return .tensor(x.raised(to: y.scalars[0]))
                }
                return .tensor(try Tensor.combine(x, y, operation: "^") { Float(Foundation.pow(Double($0), Double($1))) })
            case "@":
                return .tensor(try x.matmul(y))
            default:
                let test: (Float, Float) -> Bool
                switch op {
                case "==": test = { $0 == $1 }
                case "!=": test = { $0 != $1 }
                case "<": test = { $0 < $1 }
                case "<=": test = { $0 <= $1 }
                case ">": test = { $0 > $1 }
                default: test = { $0 >= $1 }
                }
                return .mask(try Tensor.combine(x, y, operation: op) { test($0, $1) ? 1 : 0 })
            }
        } catch let failure as LRPError {
            if case .shapeMismatch(_, let detail) = failure {
                throw error("'\(op)': \(detail)", at: position)
            }
            throw error("'\(op)': \(failure.description)", at: position)
        } catch {
            throw self.error("'\(op)': \(error)", at: position)
        }
    }

    func numericTensor(_ v: Value) -> Tensor? {
        switch v {
        case .tensor(let t), .mask(let t): return t
        case .number(let n): return Tensor(scalar: Float(n))
        case .list(let items):
            // A (nested) list of numbers, as numpy treats it in arithmetic.
            let parts = items.compactMap(numericTensor)
            guard parts.count == items.count, !parts.isEmpty else { return nil }
            return try? Tensor.stacked(parts)
        default: return nil
        }
    }

    // MARK: Indexing

    private func index(_ base: Value, _ items: [IndexItem], at position: Position) throws(ScriptError) -> Value {
        func integer(_ expr: Expr, _ value: Value? = nil) throws(ScriptError) -> Int {
            let v: Value
            if let value { v = value } else { v = try single(expr) }
            let n: Double
            switch v {
            case .number(let x): n = x
            case .tensor(let t) where t.count == 1: n = Double(t.scalars[0])
            default: throw error("an index must be a whole number, got \(v.typeName)", at: expr.position)
            }
            guard n == n.rounded(), abs(n) < 1e15 else {
                throw error("an index must be a whole number, got \(formatNumber(n))", at: expr.position)
            }
            return Int(n)
        }
        var selections: [AxisSelection] = []
        var picker: (Selector, Position)? = nil
        for (k, item) in items.enumerated() {
            switch item {
            case .index(let e):
                let value = try single(e)
                if let selector = try selector(value, at: e.position) {
                    // `X[mask]`, `X[indices]`: numpy's fancy selection, along the first axis only.
                    guard k == 0 else {
                        throw error("a mask or a list of indices selects along the first axis; put it first: X[\(value.typeName == "a mask" ? "mask" : "indices"), ...]", at: e.position)
                    }
                    picker = (selector, e.position)
                    selections.append(.all)
                } else {
                    selections.append(.index(try integer(e, value)))
                }
            case .slice(let s, let e, let st):
                let start = try s.map { (x) throws(ScriptError) in try integer(x) }
                let end = try e.map { (x) throws(ScriptError) in try integer(x) }
                let step = try st.map { (x) throws(ScriptError) in try integer(x) } ?? 1
                if step == 0 { throw error("slice step cannot be zero", at: st!.position) }
                selections.append(.range(start: start, end: end, step: step))
            }
        }
        if let (selector, at) = picker {
            let picked = try select(base, selector, at: at)
            guard selections.count > 1 else { return picked }
            return try index(picked, selections: selections, at: position)
        }
        return try index(base, selections: selections, at: position)
    }

    /// `base[selections]` once the index expressions are evaluated.
    private func index(_ base: Value, selections: [AxisSelection], at position: Position) throws(ScriptError) -> Value {
        switch base {
        case .tensor(let t):
            do {
                let result = try t.sliced(selections)
                return result.rank == 0 ? .number(Double(result.scalars[0])) : .tensor(result)
            } catch let failure as LRPError {
                throw error(failure.description, at: position)
            } catch {
                throw self.error("\(error)", at: position)
            }
        case .mask(let m):
            do {
                let result = try m.sliced(selections)
                return result.rank == 0 ? .boolean(result.scalars[0] != 0) : .mask(result)
            } catch let failure as LRPError {
                throw error(failure.description, at: position)
            } catch {
                throw self.error("\(error)", at: position)
            }
        case .list(let values):
            guard selections.count == 1 else { throw error("a list takes one index", at: position) }
            switch selections[0] {
            case .index(let i):
                let j = i < 0 ? i + values.count : i
                guard j >= 0, j < values.count else {
                    throw error("index \(i) is out of range for a list of \(values.count) items", at: position)
                }
                return values[j]
            case .range(let s, let e, let step):
                let chosen = sliceIndices(count: values.count, start: s, end: e, step: step)
                return .list(chosen.map { values[$0] })
            }
        case .dataset(let d):
            // `mnist[0:100]`, `mnist[5]`: a smaller data set (one index keeps one image).
            guard selections.count == 1 else { throw error("a dataset takes one index", at: position) }
            let chosen: [Int]
            switch selections[0] {
            case .index(let i):
                let j = i < 0 ? i + d.count : i
                guard j >= 0, j < d.count else {
                    throw error("index \(i) is out of range for a dataset of \(d.count) images", at: position)
                }
                chosen = [j]
            case .range(let s, let e, let step):
                chosen = sliceIndices(count: d.count, start: s, end: e, step: step)
            }
            guard !chosen.isEmpty else { throw error("the selection leaves no images of \(d.name)", at: position) }
            do { return .dataset(try d.subset(chosen)) } catch { throw self.error("\(error)", at: position) }
        default:
            throw error("cannot index \(base.typeName)", at: position)
        }
    }

    private func sliceIndices(count: Int, start: Int?, end: Int?, step: Int) -> [Int] {
        let probe = Tensor((0..<count).map(Float.init))
        let picked = (try? probe.sliced([.range(start: start, end: end, step: step)])) ?? probe
        return picked.scalars.map { Int($0) }
    }

    private func member(_ base: Value, _ name: String, at position: Position) throws(ScriptError) -> Value {
        guard let members = Members.of(base) else { throw error("\(base.typeName) has no members", at: position) }
        if let member = members.first(where: { $0.name == name }) { return member.get() }
        let names = members.map(\.name)
        let hint = closestName(to: name, in: names).map { "; did you mean '\($0)'?" }
            ?? " (it has \(names.joined(separator: ", ")))"
        throw error("\(base.typeName) has no member '\(name)'\(hint)", at: position)
    }
}

extension Value {
    var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
}

extension StatementSource {
    /// The text and surroundings of each statement of `program`: its tokens as written, with a
    /// comment that follows on its last line, and the comment and blank lines before it.
    static func locate(_ program: Program, lines: [String], file: String) -> [StatementSource] {
        let characters = Array(program.source)
        let statements = program.statements
        var sources: [StatementSource] = []
        var previousEnd = 0
        for (k, statement) in statements.enumerated() {
            let span = statement.span
            let next = k + 1 < statements.count ? statements[k + 1].span.range.lowerBound : characters.count
            var end = span.range.upperBound
            if let comment = program.comments.first(where: {
                $0.line == span.lastLine && $0.range.lowerBound >= end && $0.range.lowerBound < next
            }) {
                end = comment.range.upperBound
            }
            var text = String(characters[span.range.lowerBound..<end])
            while let last = text.last, last.isWhitespace { text.removeLast() }
            let start = span.start.line
            let before = previousEnd < start - 1 ? Array(lines[previousEnd..<(start - 1)]) : []
            sources.append(StatementSource(file: file, lines: start...span.lastLine, text: text,
                                           linesBefore: before, index: k))
            previousEnd = span.lastLine
        }
        return sources
    }
}
