/// A layer that is an affine map of its input: Linear, Convolution, sum and average pooling.
///
/// Every LRP rule is "run the layer forward with modified parameters, divide, run it backward,
/// multiply" (the tutorial's point). A `LinearMap` exposes exactly those two runs, with the weight
/// and bias passed in, so each rule is written once (Rules/LinearMap+Rules.swift) for all of them.
public protocol LinearMap: Layer {
    /// The layer's own weight (for pooling: its scale as a one-element tensor).
    var weight: Tensor { get }
    /// The layer's own bias, nil for layers without one.
    var bias: Tensor? { get }
    /// The forward map with substituted parameters: `f(input; weight, bias)`.
    func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor
    /// The transpose of the bias-free map, `g_W`: back-propagates `gradient` to an input of `inputShape`.
    func applyTransposed(_ gradient: Tensor, weight: Tensor, inputShape: [Int]) throws -> Tensor
}

extension LinearMap {
    public func forward(_ input: Tensor) throws -> Tensor {
        try apply(input, weight: weight, bias: bias)
    }

    public func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor {
        try applyTransposed(gradient, weight: weight, inputShape: input.shape)
    }

    public var defaultRule: Rule { .zPlus }
}
