import LRPKit

/// How a statement ended: normally, or by leaving what encloses it.
enum Flow {
    case normal, breakLoop, continueLoop
    case returned(Value)
    case exit(Int32)
}

extension Evaluator {
    /// The deepest chain of function calls, so runaway recursion is an error, not a stack overflow.
    static let maximumCallDepth = 100

    /// Runs one statement. Only a top-level one echoes an unassigned value (as a notebook cell
    /// does); inside blocks, write `print`.
    func execute(_ located: Located, topLevel: Bool = false) throws(ScriptError) -> Flow {
        switch located.statement {
        case .expression(let expr):
            let value = try evaluate(expr)
            try checkMemory(at: expr.position)
            if case .none = value { return .normal }
            guard topLevel else { return .normal }
            host.result(value.summary + "\n")
            if case .results(let values, _) = value { assign("_", values.last ?? .none) } else { assign("_", value) }
        case .assignment(let targets, let expr, let position):
            let value = try evaluate(expr)
            // A value computed while a stop was requested is not assigned: the statement was
            // interrupted, and the variables keep what they held before it.
            if cancellation.isRequested { throw error(cancellation.reason, at: position) }
            try checkMemory(at: position)
            if case .results(let values, let names) = value {
                guard values.count == targets.count else {
                    throw error("the right side gives \(values.count) results (\(names.joined(separator: ", "))) but \(targets.count) name\(targets.count == 1 ? " is" : "s are") assigned; write `\(names.joined(separator: ", ")) = ...`", at: position)
                }
                for (name, v) in zip(targets, values) { assign(name, v) }
                return .normal
            }
            if case .none = value {
                throw error("the right side gives no value to assign", at: expr.position)
            }
            guard targets.count == 1 else {
                throw error("the right side gives one value but \(targets.count) names are assigned", at: position)
            }
            assign(targets[0], value)
        case .conditional(let condition, let then, let otherwise):
            let holds = try truth(try single(condition), at: condition.position)
            return try executeBlock(holds ? then : otherwise)
        case .loop(let name, let sequence, let body, let position):
            let items = try loopItems(try single(sequence), at: sequence.position)
            for k in 0..<items.count {
                if cancellation.isRequested { throw error(cancellation.reason, at: position) }
                assign(name, try items.item(k))
                switch try executeBlock(body) {
                case .breakLoop: return .normal
                case .normal, .continueLoop: continue
                case let leaving: return leaving
                }
            }
        case .function(let function):
            functions[function.name] = function
        case .returning(let expr, _):
            return .returned(try expr.map { (e) throws(ScriptError) in try single(e) } ?? .none)
        case .breakLoop: return .breakLoop
        case .continueLoop: return .continueLoop
        case .exit(let expr, let position):
            var status: Int32 = 0
            if let expr {
                let value = try single(expr)
                guard case .number(let n) = value, n == n.rounded(), n >= 0, n <= 255 else {
                    throw error("exit takes a whole number from 0 to 255, got \(shown(value))", at: expr.position)
                }
                status = Int32(n)
            }
            if !frames.isEmpty {  // inside a function: cross the expression that called it
                exitRequest = status
                throw error("exit", at: position)
            }
            return .exit(status)
        case .assertion(let condition, let message, let position):
            try assertion(condition, message: message, at: position)
        }
        return .normal
    }

    /// Refuses a statement whose result took live data past the memory limit by allocations too
    /// small to be checked each (a long list of small tensors): nothing is assigned, so it is freed.
    private func checkMemory(at position: Position) throws(ScriptError) {
        do { try MemoryBudget.checkInUse(by: "the statement's values") } catch { throw self.error("\(error)", at: position) }
    }

    func executeBlock(_ statements: [Located]) throws(ScriptError) -> Flow {
        for statement in statements {
            let flow = try execute(statement)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    /// The truth of a condition: a boolean, a number (nonzero is true) or a one-element tensor.
    func truth(_ value: Value, at position: Position) throws(ScriptError) -> Bool {
        switch value {
        case .boolean(let b): return b
        case .number(let n): return n != 0
        case .tensor(let t), .mask(let t):
            guard t.count == 1 else {
                throw error("a condition must be one truth value, got \(value.typeName) of \(t.count) values; use all(...) or any(...)", at: position)
            }
            return t.scalars[0] != 0
        default:
            throw error("a condition must be true, false or a number, got \(value.typeName)", at: position)
        }
    }

    /// What `for` walks: a list's items, a tensor's first axis, a data set's images (each a
    /// one-image data set, as `mnist[i]`).
    private func loopItems(_ value: Value, at position: Position) throws(ScriptError) -> (count: Int, item: (Int) throws(ScriptError) -> Value) {
        switch value {
        case .list(let items): return (items.count, { items[$0] })
        case .tensor(let t), .mask(let t):
            guard t.rank >= 1 else { throw error("cannot loop over a single number; write range(N) for 0, 1, ..., N-1", at: position) }
            let isMask = { if case .mask = value { return true } else { return false } }()
            return (t.shape[0], { (k: Int) throws(ScriptError) -> Value in
                do {
                    let part = try t.sliced([.index(k)])
                    if part.rank == 0 { return isMask ? .boolean(part.scalars[0] != 0) : .number(Double(part.scalars[0])) }
                    return isMask ? .mask(part) : .tensor(part)
                } catch { throw self.error("\(error)", at: position) }
            })
        case .dataset(let d):
            return (d.count, { (k: Int) throws(ScriptError) -> Value in
                do { return .dataset(try d.subset([k])) } catch { throw self.error("\(error)", at: position) }
            })
        case .number:
            throw error("cannot loop over a number; write range(N) for 0, 1, ..., N-1", at: position)
        default:
            throw error("cannot loop over \(value.typeName); loop over a list, a tensor, a range or a dataset", at: position)
        }
    }

    // MARK: Functions

    /// Calls a function the script defined: arguments by position or by parameter name, missing
    /// ones from their defaults (evaluated at the call, after the parameters before them).
    func call(_ function: Function, _ args: [Argument], at position: Position) throws(ScriptError) -> Value {
        guard frames.count < Self.maximumCallDepth else {
            throw error("calls nested too deeply (more than \(Self.maximumCallDepth)): does \(function.name) call itself without end?", at: position)
        }
        if cancellation.isRequested { throw error(cancellation.reason, at: position) }
        let names = function.parameters.map(\.name)
        var frame: [String: Value] = [:]
        var positional = 0
        for arg in args {
            if let label = arg.label {
                guard names.contains(label) else {
                    let hint = closestName(to: label, in: names).map { "; did you mean '\($0)'?" } ?? " (usage: \(function.usage))"
                    throw error("\(function.name) has no parameter '\(label)'\(hint)", at: arg.position)
                }
                guard frame[label] == nil else { throw error("\(function.name): '\(label)' given twice", at: arg.position) }
                frame[label] = try single(arg.value)
            } else {
                guard frame.count == positional else { throw error("positional argument after keyword arguments", at: arg.position) }
                guard positional < names.count else {
                    throw error("\(function.name) takes \(names.count) argument\(names.count == 1 ? "" : "s"), got \(args.count) (usage: \(function.usage))", at: arg.position)
                }
                frame[names[positional]] = try single(arg.value)
                positional += 1
            }
        }
        frames.append(frame)
        defer { frames.removeLast() }
        for parameter in function.parameters where frames[frames.count - 1][parameter.name] == nil {
            guard let defaultValue = parameter.defaultValue else {
                throw error("\(function.name) needs a value for '\(parameter.name)' (usage: \(function.usage))", at: position)
            }
            frames[frames.count - 1][parameter.name] = try single(defaultValue)
        }
        switch try executeBlock(function.body) {
        case .returned(let value): return value
        default: return .none
        }
    }

    // MARK: Assertions

    /// `assert CONDITION [MESSAGE]`: a comparison reports both sides, `~=` and `allclose` the
    /// worst element.
    private func assertion(_ condition: Expr, message: Expr?, at position: Position) throws(ScriptError) {
        lastCloseness = nil
        var evidence: String
        let holds: Bool
        if case .binary(let op, let left, let right, let at) = condition, ["==", "!=", "~=", "<", "<=", ">", ">="].contains(op) {
            let a = try single(left), b = try single(right)
            holds = try truth(try binary(op, a, b, at: at), at: at)
            evidence = "\(shown(a)) \(op) \(shown(b))"
        } else {
            holds = try truth(try single(condition), at: condition.position)
            evidence = "the condition is false"
        }
        guard !holds else { return }
        if let closeness = lastCloseness { evidence += ": " + closeness.description }
        let text = try message.map { (m) throws(ScriptError) in try single(m).printed }
        throw error("assertion failed: " + (text.map { $0 + ": " } ?? "") + evidence, at: position)
    }

    /// A value as an assertion shows it: numbers and small tensors in full, others by kind.
    func shown(_ value: Value) -> String {
        switch value {
        case .string(let s): return "\"\(s)\""
        case .tensor(let t), .mask(let t): return t.count <= 20 && t.count > 0 ? formatTensor(t) : t.description
        case .number, .boolean: return value.printed
        case .dataset: return value.printed
        case .list(let items) where items.count <= 20: return value.printed
        default: return value.typeName
        }
    }
}

extension Function {
    /// `name(a, b=...)`, for error messages.
    var usage: String {
        name + "(" + parameters.map { $0.defaultValue == nil ? $0.name : $0.name + "=..." }.joined(separator: ", ") + ")"
    }
}
