/// The rule definition run as written: the reference the fast engine (`LinearMap+Rules.swift`)
/// is tested against for every rule (`Rule.examples`), so a new rule needs no hand-written copy.
///
/// Per part: `Z = sum_t sign_t f(input_t; W_t, b_t?)` (the bias, if used, in the first term) with constant inputs at full size,
/// `S = coefficient * R / stabilise(Z)` (0 where the stabilised Z is 0, and where the layer's output
/// has not the part's `outputSign`, if any), and
/// `R_in += sum_t sign_t input_t * g_{W_t}(S)`, one backward run per term; nothing reused.
extension Recipe {
    /// `firstDenominator` receives the first part's stabilised Z (tests shape their relevance by it).
    func referenceRelprop(_ relevance: Tensor, input x: Tensor, layer: some LinearMap,
                          firstDenominator: inout Tensor?) throws -> Tensor {
        var result = Tensor(unchecked: x.shape, scalars: [Float](repeating: 0, count: x.count))
        for part in parts where !part.terms.isEmpty {
            let inputs = try part.terms.map { term -> Tensor in try term.input.filled(x.shape) ?? term.input.applied(to: x) }
            let weights = part.terms.map { $0.parameters.apply(layer.weight) }
            var z: Tensor?
            for (k, term) in part.terms.enumerated() {
                let bias = part.usesBias && k == 0 ? layer.bias.map(term.parameters.apply) : nil  // the first term's
                let zk = try layer.apply(inputs[k], weight: weights[k], bias: bias) * term.sign
                z = try z.map { try $0 + zk } ?? zk
            }
            let stabilised = z!.map { v -> Float in
                switch part.stabiliser {
                case .none: return v
                case .add(let e): return v + e
                case .signed(let e): return v + (v >= 0 ? e : -e)
                }
            }
            if firstDenominator == nil { firstDenominator = stabilised }
            var s = try Tensor.combine(relevance, stabilised, operation: "reference") { r, v in v == 0 ? 0 : part.coefficient * r / v }
            if let sign = part.outputSign {
                let own = try layer.apply(x, weight: layer.weight, bias: layer.bias)
                s = try Tensor.combine(s, own, operation: "reference") { v, o in o * sign > 0 ? v : 0 }
            }
            for (k, term) in part.terms.enumerated() {
                let g = try layer.applyTransposed(s, weight: weights[k], inputShape: x.shape)
                result = try result + inputs[k] * g * term.sign
            }
        }
        return result
    }
}

extension LinearMap {
    /// `relprop` by the rule's plain definition (`Recipe.referenceRelprop`): slow, for tests.
    public func referenceRelprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor {
        guard let recipe = rule.recipe else {
            throw LRPError.invalidArgument("rule \(rule) does not apply to \(kind)")
        }
        try rule.validate()
        var z: Tensor?
        return try recipe.referenceRelprop(relevance, input: input, layer: self, firstDenominator: &z)
    }
}
