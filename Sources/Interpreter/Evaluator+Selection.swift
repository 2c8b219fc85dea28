import LRPKit

/// What `X[key]` selects when the key is not a single number: numpy's boolean and integer-array
/// indexing along the first axis, for tensors, masks, lists and data sets.
enum Selector {
    /// From a comparison (`X[P != L]`) or a list of booleans: keeps the entries where it is true.
    case mask(Tensor)
    /// From a tensor or list of whole numbers: those entries, in that order, repeats allowed.
    case indices([Int])
}

extension Evaluator {
    /// The selector `value` stands for, or nil when it is a plain index (a number).
    func selector(_ value: Value, at position: Position) throws(ScriptError) -> Selector? {
        switch value {
        case .mask(let m):
            return .mask(m)
        case .tensor(let t) where t.rank >= 1:
            guard t.rank == 1 else {
                throw error("a tensor of indices must be 1-D, got shape \(describe(shape: t.shape))", at: position)
            }
            return .indices(try wholeNumbers(t.scalars, at: position))
        case .list(let items) where !items.isEmpty && items.allSatisfy({ if case .boolean = $0 { true } else { false } }):
            return .mask(Tensor(items.map { if case .boolean(true) = $0 { 1 } else { 0 } }))
        case .list(let items):
            var numbers: [Float] = []
            for item in items {
                switch item {
                case .number(let n): numbers.append(Float(n))
                case .tensor(let t) where t.rank == 0: numbers.append(t.scalars[0])
                default:
                    throw error("a list used as an index must hold whole numbers (or only true/false), got \(item.typeName)", at: position)
                }
            }
            return .indices(try wholeNumbers(numbers, at: position))
        default:
            return nil
        }
    }

    private func wholeNumbers(_ values: [Float], at position: Position) throws(ScriptError) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(values.count)
        for v in values {
            guard v == v.rounded(), Swift.abs(v) < 1e15 else {
                throw error("an index must be a whole number, got \(formatNumber(v))", at: position)
            }
            result.append(Int(v))
        }
        return result
    }

    /// `base[selector]`.
    func select(_ base: Value, _ selector: Selector, at position: Position) throws(ScriptError) -> Value {
        do {
            switch base {
            case .tensor(let t): return .tensor(try pick(t, selector))
            case .mask(let m): return .mask(try pick(m, selector))
            case .list(let items):
                let chosen = try positions(selector, count: items.count, what: "a list of \(items.count) items")
                return .list(chosen.map { items[$0] })
            case .dataset(let d):
                let chosen = try positions(selector, count: d.count, what: "a dataset of \(d.count) images")
                guard !chosen.isEmpty else { throw LRPError.invalidArgument("the selection leaves no images of \(d.name)") }
                return .dataset(try d.subset(chosen))
            default:
                throw error("cannot index \(base.typeName)", at: position)
            }
        } catch let failure as LRPError {
            throw error(failure.description, at: position)
        } catch let failure as ScriptError {
            throw failure
        } catch {
            throw self.error("\(error)", at: position)
        }
    }

    private func pick(_ t: Tensor, _ selector: Selector) throws -> Tensor {
        switch selector {
        case .mask(let m): return try t.masked(by: m)
        case .indices(let i): return try t.rows(i)
        }
    }

    /// The chosen positions among `count` entries (lists and data sets have one axis to select on).
    private func positions(_ selector: Selector, count: Int, what: String) throws -> [Int] {
        switch selector {
        case .mask(let m):
            guard m.shape == [count] else {
                throw LRPError.shapeMismatch(operation: "mask", "a mask of shape \(describe(shape: m.shape)) does not fit \(what) (it needs shape \(count))")
            }
            return m.scalars.indices.filter { m.scalars[$0] != 0 }
        case .indices(let indices):
            return try indices.map { i in
                let j = i < 0 ? i + count : i
                guard j >= 0, j < count else { throw LRPError.invalidArgument("index \(i) is out of range for \(what)") }
                return j
            }
        }
    }
}
