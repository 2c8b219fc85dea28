/// The one implementation of every linear-map rule (see `Recipe`).
///
/// Fast but general, for any `LinearMap`:
/// - a term whose input is a constant gives the same output for every sample, so its forward run
///   is done on one sample and broadcast over the batch;
/// - stabilising, dividing, multiplying by the input and summing are done in place.
///
/// The backward runs of the constant-input terms could be fused into one by linearity of `g` in
/// the weight (`sum_t c_t g_{W_t}(S) = g_{sum_t c_t W_t}(S)`); that is exact in theory but moves
/// the last digits of near-zero relevances (cancellation), which golden outputs print, for a gain
/// within measurement noise on the tutorial nets. So each term keeps its own run, summed in term
/// order like the unoptimised path.
extension LinearMap {
    public func relprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor {
        guard let recipe = rule.recipe else {
            throw LRPError.invalidArgument("rule \(rule) does not apply to \(kind); use a rule for linear maps (zplus, zB, alphabeta, lrp0, epsilon, gamma, wsquare, flat)")
        }
        var result: [Float]? = nil
        for part in recipe.parts {
            guard !part.terms.isEmpty else { continue }
            // Transform each term's parameters once per call, not per sample.
            let weights = part.terms.map { $0.parameters.apply(weight) }
            let constantTerms = part.terms.indices.filter { part.terms[$0].input.constant != nil }
            let dataTerms = part.terms.indices.filter { part.terms[$0].input.constant == nil }
            let dataInputs = dataTerms.map { k in part.terms[k].input.applied(to: input) }

            var sum: Tensor? = nil
            for (j, k) in dataTerms.enumerated() {
                let term = part.terms[k]
                let usesBias = part.usesBias && k == 0
                let zk = try apply(dataInputs[j], weight: weights[k], bias: usesBias ? bias.map(term.parameters.apply) : nil)
                sum = try sum.map { try $0.adding(zk, scaledBy: term.sign) } ?? (term.sign == 1 ? zk : zk * term.sign)
            }
            if !constantTerms.isEmpty {
                let one = try input.oneSample()
                var zOne: Tensor? = nil
                for k in constantTerms {
                    let term = part.terms[k]
                    let usesBias = part.usesBias && k == 0
                    let filled = Tensor(unchecked: one.shape, scalars: [Float](repeating: term.input.constant!, count: one.count))
                    let zk = try apply(filled, weight: weights[k], bias: usesBias ? bias.map(term.parameters.apply) : nil)
                    zOne = try zOne.map { try $0.adding(zk, scaledBy: term.sign) } ?? (term.sign == 1 ? zk : zk * term.sign)
                }
                if let zOne {
                    if sum != nil { try sum!.addPerSample(zOne) } else { sum = zOne.repeatedPerSample(like: input) }
                }
            }
            guard var z = sum else { continue }
            sum = nil  // z's buffer is now unshared, so dividing in place does not copy it
            guard relevance.shape == z.shape else {
                throw LRPError.shapeMismatch(operation: description,
                    "relevance of shape \(describe(shape: relevance.shape)) does not match the output \(describe(shape: z.shape))")
            }
            part.divide(relevance, byStabilised: &z)
            let s = z

            for (j, k) in dataTerms.enumerated() {
                var g = try applyTransposed(s, weight: weights[k], inputShape: input.shape)
                accumulate(&result, &g, times: dataInputs[j], sign: part.terms[k].sign)
            }
            for k in constantTerms {
                var g = try applyTransposed(s, weight: weights[k], inputShape: input.shape)
                accumulate(&result, &g, times: part.terms[k].input.constant!, sign: part.terms[k].sign)
            }
        }
        return Tensor(unchecked: input.shape, scalars: result ?? [Float](repeating: 0, count: input.count))
    }
}

/// `result += (c * g) * sign` for a constant input c, in place, reusing `g`'s buffer.
private func accumulate(_ result: inout [Float]?, _ g: inout Tensor, times c: Float, sign: Float) {
    g.scalars.withUnsafeMutableBufferPointer { v in
        if sign == 1 { for i in v.indices { v[i] = c * v[i] } } else { for i in v.indices { v[i] = c * v[i] * sign } }
    }
    accumulate(&result, &g, times: nil, sign: 1)
}

/// `result += sign * input * g` (or `sign * g` without an input), in place, reusing `g`'s buffer.
private func accumulate(_ result: inout [Float]?, _ g: inout Tensor, times input: Tensor?, sign: Float) {
    g.scalars.withUnsafeMutableBufferPointer { v in
        if let input {
            input.scalars.withUnsafeBufferPointer { x in
                if sign == 1 { for i in v.indices { v[i] = x[i] * v[i] } } else { for i in v.indices { v[i] = x[i] * v[i] * sign } }
            }
        } else if sign != 1 {
            for i in v.indices { v[i] *= sign }
        }
    }
    guard result != nil else { result = g.scalars; return }
    result!.withUnsafeMutableBufferPointer { r in
        g.scalars.withUnsafeBufferPointer { v in for i in r.indices { r[i] += v[i] } }
    }
}

extension Recipe.Input {
    /// The constant of a constant input, nil for inputs that depend on the data.
    var constant: Float? {
        if case .constant(let c) = self { return c }
        return nil
    }

    func applied(to x: Tensor) -> Tensor {
        switch self {
        case .data, .constant: return x
        case .shifted(let c): return x + c
        }
    }
}

extension Recipe.Part {
    /// `Z <- coefficient * R / stabilise(Z)` (the tutorial's S), 0 where the stabilised Z is 0,
    /// in one pass over Z's own buffer.
    func divide(_ relevance: Tensor, byStabilised z: inout Tensor) {
        let coefficient = self.coefficient
        z.scalars.withUnsafeMutableBufferPointer { zs in
            relevance.scalars.withUnsafeBufferPointer { r in
                switch stabiliser {
                case .none:
                    for i in zs.indices { let z = zs[i]; zs[i] = z == 0 ? 0 : coefficient * r[i] / z }
                case .add(let e):
                    for i in zs.indices { let z = zs[i] + e; zs[i] = z == 0 ? 0 : coefficient * r[i] / z }
                case .signed(let e):
                    for i in zs.indices {
                        let z = zs[i] + (zs[i] >= 0 ? e : -e)
                        zs[i] = z == 0 ? 0 : coefficient * r[i] / z
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
                var base = 0
                while base < o.count {
                    for i in 0..<m { o[base + i] += s[i] }
                    base += m
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
