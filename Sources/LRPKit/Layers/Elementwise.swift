/// Rectified linear unit. Relevance passes through unchanged: the rule below does the work.
public struct ReLU: Layer {
    public init() {}
    public var kind: String { "relu" }
    public var description: String { "relu" }
    public var defaultRule: Rule { .identity }

    public func forward(_ input: Tensor) throws -> Tensor { input.maximum(0) }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        guard gradient.shape == input.shape else {
            throw LRPError.shapeMismatch(operation: "relu",
                "gradient \(describe(shape: gradient.shape)) does not match input \(describe(shape: input.shape))")
        }
        return try Tensor.combine(gradient, input, operation: "relu") { g, x in x > 0 ? g : 0 }
    }

    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        try passThrough(relevance, input: input, rule: rule, layer: self)
    }
}

/// Flattens N x ... into N x (rest), as between the last convolution and a Linear layer.
public struct Flatten: Layer {
    public init() {}
    public var kind: String { "flatten" }
    public var description: String { "flatten" }
    public var defaultRule: Rule { .identity }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1 else { throw LRPError.shapeMismatch(operation: "flatten", "needs a batch, got a scalar") }
        // The per-sample size written out, not inferred with -1: an empty batch (0 x ...) has
        // nothing to infer it from.
        return try input.reshaped([input.shape[0], input.shape.dropFirst().reduce(1, *)])
    }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        try passThrough(gradient, input: input, rule: .identity, layer: self)
    }

    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        try passThrough(relevance, input: input, rule: rule, layer: self)
    }
}

/// Reshapes each sample: N x ... into N x `shape`.
public struct Reshape: Layer {
    public let shape: [Int]
    public init(shape: [Int]) { self.shape = shape }
    public var kind: String { "reshape" }
    public var description: String { "reshape \(describe(shape: shape))" }
    public var defaultRule: Rule { .identity }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1 else { throw LRPError.shapeMismatch(operation: "reshape", "needs a batch, got a scalar") }
        return try input.reshaped([input.shape[0]] + shape)
    }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        try passThrough(gradient, input: input, rule: .identity, layer: self)
    }

    public func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor {
        try passThrough(relevance, input: input, rule: rule, layer: self)
    }
}

/// Identity propagation shared by shape-only layers: the values, reshaped to the input.
private func passThrough(_ values: Tensor, input: Tensor, rule: Rule, layer: any Layer) throws -> Tensor {
    guard rule == .identity else {
        throw LRPError.invalidArgument("rule \(rule) does not apply to \(layer.kind); relevance passes through it unchanged")
    }
    guard values.count == input.count else {
        throw LRPError.shapeMismatch(operation: layer.description,
            "\(describe(shape: values.shape)) does not fit input \(describe(shape: input.shape))")
    }
    return try values.reshaped(input.shape)
}
