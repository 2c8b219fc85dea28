/// A network layer: the three passes of the tutorial, each a pure function of its arguments.
///
/// Layers are values and keep no state between passes; `input` is the tensor the layer saw in
/// `forward` (a `Network` keeps these activations for its backward passes).
public protocol Layer: Sendable, CustomStringConvertible {
    /// A short lower-case name: "linear", "conv", "sumpool", "relu", ...
    var kind: String { get }
    /// Whether the layer has learned weights (Linear, Convolution). A `RuleSet`'s per-layer list
    /// ("zB first, zplus above") counts these layers; the others keep `defaultRule`.
    var isWeighted: Bool { get }
    func forward(_ input: Tensor) throws -> Tensor
    /// Back-propagates a gradient of the output to the input.
    func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor
    /// Redistributes the output relevance onto the input with `rule`. `output` is this layer's
    /// forward output for `input` when the caller has it (a `Network` keeps it), nil otherwise;
    /// a layer may reuse it to save work, never to change the result.
    func relprop(_ relevance: Tensor, input: Tensor, output: Tensor?, rule: Rule) throws -> Tensor
    /// The rule used when none is assigned.
    var defaultRule: Rule { get }
}

extension Layer {
    /// Most layers have no weights of their own.
    public var isWeighted: Bool { false }

    /// `relprop` without the forward output.
    public func relprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor {
        try relprop(relevance, input: input, output: nil, rule: rule)
    }
}
