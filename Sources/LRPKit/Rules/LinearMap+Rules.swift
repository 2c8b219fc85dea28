/// The one implementation of every linear-map rule (see `Recipe`).
extension LinearMap {
    public func relprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor {
        guard let recipe = rule.recipe else {
            throw LRPError.invalidArgument("rule \(rule) does not apply to \(kind); use a rule for linear maps (zplus, zB, alphabeta, lrp0, epsilon, gamma, wsquare, flat)")
        }
        var result: Tensor? = nil
        for part in recipe.parts {
            // Transform each term's parameters once per call, not per sample.
            let inputs = part.terms.map { term -> Tensor in
                switch term.input {
                case .data: return input
                case .shifted(let c): return input + c
                case .constant(let c): return Tensor(unchecked: input.shape, scalars: [Float](repeating: c, count: input.count))
                }
            }
            let weights = part.terms.map { $0.parameters.apply(weight) }
            var z: Tensor? = nil
            for (k, term) in part.terms.enumerated() {
                let usesBias = part.usesBias && k == 0
                let zk = try apply(inputs[k], weight: weights[k], bias: usesBias ? bias.map(term.parameters.apply) : nil)
                z = try z.map { try $0 + (term.sign == 1 ? zk : zk * term.sign) } ?? (term.sign == 1 ? zk : zk * term.sign)
            }
            guard var z else { continue }
            switch part.stabiliser {
            case .none: break
            case .add(let e): z = z + e
            case .signed(let e): z = z.map { $0 + ($0 >= 0 ? e : -e) }
            }
            guard relevance.shape == z.shape else {
                throw LRPError.shapeMismatch(operation: description,
                    "relevance of shape \(describe(shape: relevance.shape)) does not match the output \(describe(shape: z.shape))")
            }
            let coefficient = part.coefficient
            let s = try Tensor.combine(relevance, z, operation: "relprop") { r, z in z == 0 ? 0 : coefficient * r / z }
            for (k, term) in part.terms.enumerated() {
                var contribution = try inputs[k] * applyTransposed(s, weight: weights[k], inputShape: input.shape)
                if term.sign != 1 { contribution = contribution * term.sign }
                result = try result.map { try $0 + contribution } ?? contribution
            }
        }
        return result ?? Tensor(unchecked: input.shape, scalars: [Float](repeating: 0, count: input.count))
    }
}
