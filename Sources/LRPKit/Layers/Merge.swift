/// A layer that joins the outputs of several layers (a residual addition, a concatenation) in a
/// graph network. With one input it is the identity, so it still is a `Layer`.
public protocol MergeLayer: Layer {
    func forward(_ inputs: [Tensor]) throws -> Tensor
    func gradprop(_ gradient: Tensor, inputs: [Tensor]) throws -> [Tensor]
    /// The relevance of each input; `output` is the forward output when known (it only saves work).
    func relprop(_ relevance: Tensor, inputs: [Tensor], output: Tensor?, rule: Rule) throws -> [Tensor]
}

extension MergeLayer {
    public func forward(_ input: Tensor) throws -> Tensor { try forward([input]) }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        try gradprop(gradient, inputs: [input])[0]
    }

    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        try relprop(relevance, inputs: [input], output: output, rule: rule)[0]
    }

    public func relprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor {
        try relprop(relevance, inputs: [input], output: nil, rule: rule)[0]
    }
}

/// The sum of branches of equal shape (a residual connection). Relevance is split in proportion
/// to each branch's contribution by the rule given (default: the z rule stabilised by
/// `1e-6 * sign(z)`, zennit's `Norm` on its `Sum`): the rules are the linear-map rules of the
/// rule engine, applied to the sum seen as a linear map of the stacked branches.
public struct Addition: MergeLayer {
    public init() {}
    public var kind: String { "add" }
    public var description: String { "add" }
    public var defaultRule: Rule { .epsilon(1e-6) }

    public func forward(_ inputs: [Tensor]) throws -> Tensor {
        let (stacked, _) = try stack(inputs)
        return try StackedSum(branches: inputs.count).apply(stacked, weight: Tensor([1]), bias: nil).reshaped(inputs[0].shape)
    }

    public func gradprop(_ gradient: Tensor, inputs: [Tensor]) throws -> [Tensor] {
        try check(gradient, inputs)
        return inputs.map { _ in gradient }
    }

    public func relprop(_ relevance: Tensor, inputs: [Tensor], output: Tensor?, rule: Rule) throws -> [Tensor] {
        try check(relevance, inputs)
        let (stacked, sample) = try stack(inputs)
        let n = inputs[0].shape[0]
        let r = try relevance.reshaped([n, sample])
        let z = try output.map { try $0.reshaped([n, sample]) }
        let spread = try StackedSum(branches: inputs.count).relprop(r, input: stacked, output: z, rule: rule)
        return try unstack(spread, like: inputs)
    }

    private func check(_ value: Tensor, _ inputs: [Tensor]) throws {
        guard let first = inputs.first, value.shape == first.shape else {
            throw LRPError.shapeMismatch(operation: "add",
                "\(describe(shape: value.shape)) does not match the branches \(inputs.map { describe(shape: $0.shape) }.joined(separator: ", "))")
        }
    }

    /// The branches as one N x k x M tensor (M values per sample and branch).
    private func stack(_ inputs: [Tensor]) throws -> (Tensor, Int) {
        guard let first = inputs.first, first.rank >= 1 else {
            throw LRPError.invalidArgument("add needs at least one input with a batch axis")
        }
        for other in inputs.dropFirst() where other.shape != first.shape {
            throw LRPError.shapeMismatch(operation: "add",
                "branches of shapes \(inputs.map { describe(shape: $0.shape) }.joined(separator: " and ")) cannot be added")
        }
        let n = first.shape[0], sample = n == 0 ? 0 : first.count / n, k = inputs.count
        var out = [Float](repeating: 0, count: first.count * k)
        for (b, input) in inputs.enumerated() {
            input.scalars.withUnsafeBufferPointer { x in
                for i in 0..<n { for j in 0..<sample { out[(i * k + b) * sample + j] = x[i * sample + j] } }
            }
        }
        return (Tensor(unchecked: [n, k, sample], scalars: out), sample)
    }

    private func unstack(_ stacked: Tensor, like inputs: [Tensor]) throws -> [Tensor] {
        let n = stacked.shape[0], k = stacked.shape[1], sample = stacked.shape[2]
        return inputs.indices.map { b in
            var out = [Float](repeating: 0, count: n * sample)
            stacked.scalars.withUnsafeBufferPointer { s in
                for i in 0..<n { for j in 0..<sample { out[i * sample + j] = s[(i * k + b) * sample + j] } }
            }
            return Tensor(unchecked: inputs[b].shape, scalars: out)
        }
    }
}

/// `y[n, j] = w * sum_b x[n, b, j]`: the addition of k branches as a linear map, so that the rule
/// engine's linear-map rules (Rules/LinearMap+Rules.swift) decide how relevance splits.
struct StackedSum: LinearMap {
    let branches: Int
    var weight: Tensor { Tensor([1]) }
    var bias: Tensor? { nil }
    var kind: String { "add" }
    var description: String { "add of \(branches)" }

    func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let n = input.shape[0], k = input.shape[1], sample = input.shape[2], w = weight.scalars[0]
        var out = [Float](repeating: 0, count: n * sample)
        input.scalars.withUnsafeBufferPointer { x in
            for i in 0..<n { for b in 0..<k { for j in 0..<sample { out[i * sample + j] += x[(i * k + b) * sample + j] } } }
        }
        if w != 1 { for i in out.indices { out[i] *= w } }
        return Tensor(unchecked: [n, sample], scalars: out)
    }

    func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor {
        let n = inputShape[0], k = inputShape[1], sample = inputShape[2], w = weight.scalars[0]
        var out = [Float](repeating: 0, count: n * k * sample)
        gradient.scalars.withUnsafeBufferPointer { g in
            for i in 0..<n { for b in 0..<k { for j in 0..<sample { out[(i * k + b) * sample + j] = w * g[i * sample + j] } } }
        }
        return Tensor(unchecked: inputShape, scalars: out)
    }
}

/// Inputs joined along `axis` (lrps's axis: the channels of N x H x W x C are axis 3). Relevance
/// and gradients are sliced back to the inputs they came from.
public struct Concatenation: MergeLayer {
    public let axis: Int
    public init(axis: Int) { self.axis = axis }
    public var kind: String { "concat" }
    public var description: String { "concat axis \(axis)" }
    public var defaultRule: Rule { .identity }

    public func forward(_ inputs: [Tensor]) throws -> Tensor {
        guard let first = inputs.first, axis >= 1, axis < first.rank else {
            throw LRPError.invalidArgument("concat: axis \(axis) does not fit inputs \(inputs.map { describe(shape: $0.shape) }.joined(separator: ", "))")
        }
        for other in inputs where other.rank != first.rank
            || (0..<first.rank).contains(where: { $0 != axis && other.shape[$0] != first.shape[$0] }) {
            throw LRPError.shapeMismatch(operation: "concat",
                "inputs \(inputs.map { describe(shape: $0.shape) }.joined(separator: ", ")) differ outside axis \(axis)")
        }
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        let widths = inputs.map { $0.shape[axis] * inner }
        let total = widths.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * total)
        var offset = 0
        for (input, width) in zip(inputs, widths) {
            input.scalars.withUnsafeBufferPointer { x in
                for o in 0..<outer { for j in 0..<width { out[o * total + offset + j] = x[o * width + j] } }
            }
            offset += width
        }
        var shape = first.shape
        shape[axis] = inputs.map { $0.shape[axis] }.reduce(0, +)
        return Tensor(unchecked: shape, scalars: out)
    }

    /// `values` (shaped like the output) cut back into pieces shaped like `inputs`.
    private func slice(_ values: Tensor, _ inputs: [Tensor]) throws -> [Tensor] {
        let expected = try forward(inputs).shape
        guard values.shape == expected else {
            throw LRPError.shapeMismatch(operation: "concat", "\(describe(shape: values.shape)) does not match the output \(describe(shape: expected))")
        }
        let outer = expected[..<axis].reduce(1, *), inner = expected[(axis + 1)...].reduce(1, *)
        let total = expected[axis] * inner
        var offset = 0
        return inputs.map { input in
            let width = input.shape[axis] * inner
            var out = [Float](repeating: 0, count: outer * width)
            values.scalars.withUnsafeBufferPointer { v in
                for o in 0..<outer { for j in 0..<width { out[o * width + j] = v[o * total + offset + j] } }
            }
            offset += width
            return Tensor(unchecked: input.shape, scalars: out)
        }
    }

    public func gradprop(_ gradient: Tensor, inputs: [Tensor]) throws -> [Tensor] {
        try slice(gradient, inputs)
    }

    public func relprop(_ relevance: Tensor, inputs: [Tensor], output: Tensor?, rule: Rule) throws -> [Tensor] {
        guard rule == .identity else {
            throw LRPError.invalidArgument("rule \(rule) does not apply to concat; relevance is sliced back to its inputs")
        }
        return try slice(relevance, inputs)
    }
}
