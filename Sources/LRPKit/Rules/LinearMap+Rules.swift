/// The one implementation of every linear-map rule (see `Recipe`).
///
/// Fast but general, for any `LinearMap`:
/// - a term whose input is a constant gives the same output for every sample, so its forward run
///   is done on one sample and broadcast over the batch;
/// - a data term with the layer's own weights is the layer's forward output minus its bias: when
///   the caller has that output (a `Network`'s activations), it is reused instead of recomputed;
/// - the backward runs of the constant-input terms are one run with their combined weight
///   (`sum_t c_t g_{W_t}(S) = g_{sum_t c_t W_t}(S)`, `g` being linear in the weight);
/// - stabilising, dividing, multiplying by the input and summing are done in place.
extension LinearMap {
    /// `output`, the layer's forward output `f(input; weight, bias)` when known, only saves work.
    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        try relprop(relevance, input: input, output: output, prepared: prepare(rule))
    }

    /// The rule's recipe with its terms' weights transformed (and the constant terms' weights
    /// combined) once: a pass over a data set prepares each layer once, not once per slice (for
    /// the MLP's first layer that was four passes over 235,000 weights per 64 digits).
    func prepare(_ rule: Rule) throws -> PreparedRule {
        guard let recipe = rule.recipe else {
            throw LRPError.invalidArgument("rule \(rule) does not apply to \(kind); use a rule for linear maps (zplus, zB, alphabeta, lrp0, epsilon, gamma, wsquare, flat)")
        }
        try rule.validate()
        let weights = recipe.parts.map { part in part.terms.map { $0.parameters.apply(weight) } }
        let combined = recipe.parts.indices.map { p -> Tensor? in
            // sum_t sign_t * c_t * W_t over the constant-input terms: their one backward run.
            let part = recipe.parts[p]
            let constantTerms = part.terms.indices.filter { part.terms[$0].input.constantValues != nil }
            // (Constants per channel do not combine: their terms run backward one by one.)
            guard !constantTerms.isEmpty, constantTerms.allSatisfy({ part.terms[$0].input.constant != nil }) else { return nil }
            var sum = [Float](repeating: 0, count: weight.count)
            for k in constantTerms {
                let c = part.terms[k].input.constant! * part.terms[k].sign
                weights[p][k].scalars.withUnsafeBufferPointer { w in
                    for i in sum.indices { sum[i] += c * w[i] }
                }
            }
            return Tensor(unchecked: weight.shape, scalars: sum)
        }
        return PreparedRule(recipe: recipe, weights: weights, combined: combined)
    }

    func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, prepared: PreparedRule) throws -> Tensor {
        var result: [Float]? = nil
        var ownOutput = output  // the layer's own output, for parts that split by its sign
        for (p, part) in prepared.recipe.parts.enumerated() {
            guard !part.terms.isEmpty else { continue }
            let weights = prepared.weights[p]
            let constantTerms = part.terms.indices.filter { part.terms[$0].input.constantValues != nil }
            let dataTerms = part.terms.indices.filter { part.terms[$0].input.constantValues == nil }
            let dataInputs = dataTerms.map { k in part.terms[k].input.applied(to: input) }
            func termBias(_ k: Int) -> Tensor? {
                part.usesBias && k == 0 ? bias.map(part.terms[k].parameters.apply) : nil
            }

            var sum: Tensor? = nil
            // Added to every sample of Z: the constant terms' outputs, and the layer's own bias
            // taken back out of a reused forward output.
            var offset: Tensor? = nil
            for (j, k) in dataTerms.enumerated() {
                let term = part.terms[k]
                let zk: Tensor
                let reuse: OutputReuse = output.map { self.reuse(of: $0, for: term, weight: weights[k], bias: termBias(k), relevance: relevance) } ?? .recompute
                switch reuse {
                case .recompute:
                    zk = try apply(dataInputs[j], weight: weights[k], bias: termBias(k))
                case .asIs:
                    zk = output!
                case .minusBias(let removed):
                    zk = output!
                    let one = Tensor(unchecked: [1] + zk.shape.dropFirst(), scalars: [Float](repeating: 0, count: zk.count / zk.shape[0]))
                    let minus = try one - removed * term.sign
                    offset = try offset.map { try $0.adding(minus, scaledBy: 1) } ?? minus
                }
                sum = try sum.map { try $0.adding(zk, scaledBy: term.sign) } ?? (term.sign == 1 ? zk : zk * term.sign)
            }
            if !constantTerms.isEmpty {
                let one = try input.oneSample()
                for k in constantTerms {
                    let term = part.terms[k]
                    let zk = try apply(term.input.filled(one.shape)!, weight: weights[k], bias: termBias(k))
                    offset = try offset.map { try $0.adding(zk, scaledBy: term.sign) } ?? (term.sign == 1 ? zk : zk * term.sign)
                }
            }
            if let offset {
                if sum != nil { try sum!.addPerSample(offset) } else { sum = offset.repeatedPerSample(like: input) }
            }
            guard var z = sum else { continue }
            sum = nil  // z's buffer is now unshared, so dividing in place does not copy it
            guard relevance.shape == z.shape else {
                throw LRPError.shapeMismatch(operation: description,
                    "relevance of shape \(describe(shape: relevance.shape)) does not match the output \(describe(shape: z.shape))")
            }
            part.divide(relevance, byStabilised: &z)
            if let sign = part.outputSign {
                if ownOutput == nil { ownOutput = try apply(input, weight: weight, bias: bias) }
                let own = ownOutput!
                guard own.shape == z.shape else {
                    throw LRPError.shapeMismatch(operation: description,
                        "the output of shape \(describe(shape: own.shape)) does not match \(describe(shape: z.shape))")
                }
                own.scalars.withUnsafeBufferPointer { o in
                    z.scalars.withUnsafeMutableBufferPointer { zs in
                        for i in zs.indices where !(o[i] * sign > 0) { zs[i] = 0 }
                    }
                }
            }
            let s = z

            for (j, k) in dataTerms.enumerated() {
                var g = try applyTransposed(s, weight: weights[k], inputShape: input.shape)
                accumulate(&result, &g, times: dataInputs[j], sign: part.terms[k].sign)
            }
            if prepared.combined[p] == nil {
                // Constants per channel (z^B's per-channel box): one backward run per term.
                for k in constantTerms {
                    var g = try applyTransposed(s, weight: weights[k], inputShape: input.shape)
                    accumulate(&result, &g, times: try part.terms[k].input.filled(input.shape)!, sign: part.terms[k].sign)
                }
            }
            if let combined = prepared.combined[p] {
                // One backward run with the combined weight sum_t sign_t * c_t * W_t.
                var g = try applyTransposed(s, weight: combined, inputShape: input.shape)
                accumulate(&result, &g, times: nil, sign: 1)
            }
        }
        return Tensor(unchecked: input.shape, scalars: result ?? [Float](repeating: 0, count: input.count))
    }

    private func reuse(of output: Tensor, for term: Recipe.Term, weight termWeight: Tensor, bias termBias: Tensor?,
                       relevance: Tensor) -> OutputReuse {
        guard case .data = term.input, output.shape == relevance.shape, output.rank >= 2, output.shape[0] > 0,
              termWeight.shape == weight.shape else { return .recompute }
        if case .original = term.parameters {} else if termWeight.scalars != weight.scalars { return .recompute }
        // The output holds the layer's bias; Z wants `termBias`: remove the difference.
        let channels = output.shape[output.rank - 1]
        switch (bias, termBias) {
        case (nil, nil): return .asIs
        case let (own?, wanted?) where own.scalars == wanted.scalars: return .asIs
        case let (own?, wanted):
            guard own.count == channels, wanted.map({ $0.count == channels }) ?? true else { return .recompute }
            let difference = wanted.map { w in zip(own.scalars, w.scalars).map { $0 - $1 } } ?? own.scalars
            return .minusBias(Tensor(difference))
        case (nil, _?): return .recompute
        }
    }
}

/// A linear-map rule ready to run on one layer: its recipe, each term's weights (per part, per
/// term) and, per part, the combined weight of its constant-input terms (nil when it has none).
struct PreparedRule: Sendable {
    let recipe: Recipe
    let weights: [[Tensor]]
    let combined: [Tensor?]
}

/// What a data term can take from the layer's forward output `f(X; weight, bias)`.
private enum OutputReuse {
    /// Nothing: run the term forward.
    case recompute
    /// The output is the term's Z.
    case asIs
    /// The output minus this bias (per channel) is the term's Z.
    case minusBias(Tensor)
}

/// `result += sign * input * g` (or `sign * g` without an input), in place: in `g`'s buffer for
/// the first term, in one pass over `result` after that.
private func accumulate(_ result: inout [Float]?, _ g: inout Tensor, times input: Tensor?, sign: Float) {
    if result != nil {
        result!.withUnsafeMutableBufferPointer { r in
            g.scalars.withUnsafeBufferPointer { v in
                let (rp, vp, n) = (r.baseAddress!, v.baseAddress!, r.count)
                if let input {
                    input.scalars.withUnsafeBufferPointer { x in
                        let xp = x.baseAddress!
                        if sign == 1 { for i in 0..<n { rp[i] += xp[i] * vp[i] } } else { for i in 0..<n { rp[i] += xp[i] * vp[i] * sign } }
                    }
                } else if sign == 1 {
                    for i in 0..<n { rp[i] += vp[i] }
                } else {
                    for i in 0..<n { rp[i] += vp[i] * sign }
                }
            }
        }
        return
    }
    g.scalars.withUnsafeMutableBufferPointer { v in
        let (vp, n) = (v.baseAddress!, v.count)
        if let input {
            input.scalars.withUnsafeBufferPointer { x in
                let xp = x.baseAddress!
                if sign == 1 { for i in 0..<n { vp[i] = xp[i] * vp[i] } } else { for i in 0..<n { vp[i] = xp[i] * vp[i] * sign } }
            }
        } else if sign != 1 {
            for i in 0..<n { vp[i] *= sign }
        }
    }
    result = g.scalars
}

extension Recipe.Part {
    /// `Z <- coefficient * R / stabilise(Z)` (the tutorial's S), 0 where the stabilised Z is 0,
    /// in one pass over Z's own buffer.
    func divide(_ relevance: Tensor, byStabilised z: inout Tensor) {
        let coefficient = self.coefficient
        // Branch-free bodies (divide, then select) so the loops vectorise; a zero Z's quotient
        // (inf or nan) is discarded by the select.
        z.scalars.withUnsafeMutableBufferPointer { zs in
            relevance.scalars.withUnsafeBufferPointer { r in
                let (zp, rp, n) = (zs.baseAddress!, r.baseAddress!, zs.count)
                switch stabiliser {
                case .none:
                    for i in 0..<n { let z = zp[i]; let q = coefficient * rp[i] / z; zp[i] = z == 0 ? 0 : q }
                case .add(let e):
                    for i in 0..<n { let z = zp[i] + e; let q = coefficient * rp[i] / z; zp[i] = z == 0 ? 0 : q }
                case .signed(let e):
                    for i in 0..<n {
                        let z = zp[i] + (zp[i] >= 0 ? e : -e)
                        let q = coefficient * rp[i] / z
                        zp[i] = z == 0 ? 0 : q
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// `self + sign * other` for equal shapes (broadcasting otherwise).
    func adding(_ other: Tensor, scaledBy sign: Float) throws -> Tensor {
        guard shape == other.shape else { return try self + (sign == 1 ? other : other * sign) }
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            other.scalars.withUnsafeBufferPointer { b in for i in o.indices { o[i] += sign * b[i] } }
        }
        return Tensor(unchecked: shape, scalars: out)
    }

    /// The first sample (axis 0) of a batch; a rank-0 or rank-1 tensor is one sample already.
    func oneSample() throws -> Tensor {
        guard rank >= 2, shape[0] != 1 else { return self }
        guard shape[0] > 0 else {  // an empty batch still has a sample shape
            return Tensor(unchecked: [1] + shape.dropFirst(), scalars: [Float](repeating: 0, count: shape.dropFirst().reduce(1, *)))
        }
        return try samples(0..<1)
    }

    /// Adds `sample` (one sample's worth of values) to every sample, in place.
    mutating func addPerSample(_ sample: Tensor) throws {
        guard sample.count > 0, count % sample.count == 0 else { self = try self + sample; return }
        let m = sample.count
        scalars.withUnsafeMutableBufferPointer { o in
            sample.scalars.withUnsafeBufferPointer { s in
                let s = s.baseAddress!
                var dst = o.baseAddress!
                for _ in 0..<(o.count / m) {
                    for i in 0..<m { dst[i] += s[i] }
                    dst += m
                }
            }
        }
    }

    /// One sample's output repeated for every sample of `input`'s batch.
    func repeatedPerSample(like input: Tensor) -> Tensor {
        guard input.rank >= 2 else { return self }
        let n = input.shape[0]
        var newShape = shape
        newShape[0] = n
        var out = [Float]()
        out.reserveCapacity(n * count)
        for _ in 0..<n { out.append(contentsOf: scalars) }
        return Tensor(unchecked: newShape, scalars: out)
    }
}
