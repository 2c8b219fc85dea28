/// `y = scale * x + shift` per channel (the last axis) or for all values: an ONNX Mul/Add/Sub/Div
/// by a constant, or a batch norm, that could not be folded into a linear layer before it (input
/// normalisation, say). Relevance passes through unchanged (like zennit's pass rule): such a layer
/// rescales, it does not decide where relevance goes.
public struct Affine: Layer {
    /// One value, or one per channel.
    public let scale: [Float]
    public let shift: [Float]

    public init(scale: [Float], shift: [Float]) throws {
        guard !scale.isEmpty, !shift.isEmpty, scale.count == shift.count || scale.count == 1 || shift.count == 1 else {
            throw LRPError.invalidArgument("affine: \(scale.count) scales and \(shift.count) shifts do not fit (one value or one per channel)")
        }
        self.scale = scale
        self.shift = shift
    }

    public var kind: String { "affine" }
    public var channels: Int { max(scale.count, shift.count) }
    public var description: String {
        channels == 1 ? "affine x*\(formatNumber(scale[0]))+\(formatNumber(shift[0]))" : "affine per channel (\(channels))"
    }
    public var defaultRule: Rule { .identity }

    private func check(_ shape: [Int]) throws {
        guard channels == 1 || (shape.count >= 2 && shape[shape.count - 1] == channels) else {
            throw LRPError.shapeMismatch(operation: description, "expects \(channels) channels on the last axis, got \(describe(shape: shape))")
        }
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try check(input.shape)
        let (c, sc, sh) = (channels, scale, shift)
        var out = input.scalars
        for i in out.indices {
            let ch = i % c
            out[i] = out[i] * sc[sc.count == 1 ? 0 : ch] + sh[sh.count == 1 ? 0 : ch]
        }
        return Tensor(unchecked: input.shape, scalars: out)
    }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        try check(input.shape)
        guard gradient.shape == input.shape else {
            throw LRPError.shapeMismatch(operation: description, "gradient \(describe(shape: gradient.shape)) does not match input \(describe(shape: input.shape))")
        }
        let c = channels
        var out = gradient.scalars
        for i in out.indices { out[i] *= scale[scale.count == 1 ? 0 : i % c] }
        return Tensor(unchecked: input.shape, scalars: out)
    }

    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        try unchanged(relevance, input: input, rule: rule, layer: self)
    }

    public func relprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor {
        try unchanged(relevance, input: input, rule: rule, layer: self)
    }
}

/// `max(x, slope * x)`. Like ReLU, relevance passes through unchanged.
public struct LeakyReLU: Layer {
    public let slope: Float
    public init(slope: Float) { self.slope = slope }
    public var kind: String { "leakyrelu" }
    public var description: String { "leakyrelu \(formatNumber(slope))" }
    public var defaultRule: Rule { .identity }

    public func forward(_ input: Tensor) throws -> Tensor { input.map { $0 >= 0 ? $0 : slope * $0 } }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        guard gradient.shape == input.shape else {
            throw LRPError.shapeMismatch(operation: description,
                "gradient \(describe(shape: gradient.shape)) does not match input \(describe(shape: input.shape))")
        }
        return try Tensor.combine(gradient, input, operation: kind) { g, x in x >= 0 ? g : slope * g }
    }

    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        try unchanged(relevance, input: input, rule: rule, layer: self)
    }

    public func relprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor {
        try unchanged(relevance, input: input, rule: rule, layer: self)
    }
}

/// The relevance of an elementwise layer that lets it pass (rule `identity`), checked.
private func unchanged(_ relevance: Tensor, input: Tensor, rule: Rule, layer: any Layer) throws -> Tensor {
    guard rule == .identity else {
        throw LRPError.invalidArgument("rule \(rule) does not apply to \(layer.kind); relevance passes through it unchanged")
    }
    guard relevance.shape == input.shape else {
        throw LRPError.shapeMismatch(operation: layer.description, "relevance \(describe(shape: relevance.shape)) does not match input \(describe(shape: input.shape))")
    }
    return relevance
}
