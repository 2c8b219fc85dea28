/// A network layer: the three passes of the tutorial, each a pure function of its arguments.
///
/// Layers are values and keep no state between passes; `input` is the tensor the layer saw in
/// `forward` (a `Network` keeps these activations for its backward passes).
public protocol Layer: Sendable, CustomStringConvertible {
    /// A short lower-case name: "linear", "conv", "sumpool", "relu", ...
    var kind: String { get }
    func forward(_ input: Tensor) throws -> Tensor
    /// Back-propagates a gradient of the output to the input.
    func gradprop(_ gradient: Tensor, input: Tensor) throws -> Tensor
    /// Redistributes the output relevance onto the input with `rule`.
    func relprop(_ relevance: Tensor, input: Tensor, rule: Rule) throws -> Tensor
    /// The rule used when none is assigned.
    var defaultRule: Rule { get }
}
