/// zennit's composites by name (zennit.composites, v0.5): which rule each kind of layer gets.
///
/// A composite is data: a rule for dense layers, one for convolutions, and optionally one for the
/// first layer zennit's first-layer map matches. Sum and average pooling get zennit's `Norm`
/// (LRP-epsilon 1e-6), ReLU and reshapes pass relevance through (zennit's `Pass`), max pooling keeps
/// its default (winner-take-all: zennit leaves it to the gradient, which routes to the maximum).
/// zennit's rules that differ from the tutorial's have their own names (`zPlusSigned`,
/// `alphaBetaSigned`, `gammaSigned`); its `Epsilon` is `epsilon`, its `Flat` is `flat` and its
/// `ZBox` is `zB` (the stabilisers differ: 1e-6 there, 1e-9 here, which CompositeTests shows below
/// the tolerance of 1e-5 on the tutorial's networks).
public enum ZennitComposite: String, CaseIterable, Sendable {
    /// Epsilon(1e-6) on dense layers, zennit's ZPlus on convolutions.
    case epsilonPlus = "EpsilonPlus"
    /// As EpsilonPlus, Flat on the first weighted layer (dense or convolution).
    case epsilonPlusFlat = "EpsilonPlusFlat"
    /// Epsilon(1e-6) on dense layers, zennit's AlphaBeta(2, 1) on convolutions.
    case epsilonAlpha2Beta1 = "EpsilonAlpha2Beta1"
    /// Epsilon(1e-6) on dense layers, zennit's Gamma(0.25) on convolutions, ZBox(-1, 1) on the first.
    case epsilonGammaBox = "EpsilonGammaBox"

    /// Which layers zennit's first-layer map can match.
    public enum FirstLayer: Sendable { case anyWeighted, convolution }

    /// The composite's rules by layer kind.
    public struct Assignment: Sendable, CustomStringConvertible {
        public var dense: Rule
        public var convolution: Rule
        public var first: (matches: FirstLayer, rule: Rule)?
        public var pooling: Rule = .epsilon(1e-6)

        public var description: String {
            let head = first.map { "\($0.rule) on the first \($0.matches == .convolution ? "convolution" : "weighted layer"), " } ?? ""
            return head + "\(dense) dense, \(convolution) convolutions, \(pooling) pooling"
        }
    }

    public var assignment: Assignment {
        let epsilon = Rule.epsilon(1e-6)
        switch self {
        case .epsilonPlus: return Assignment(dense: epsilon, convolution: .zPlusSigned)
        case .epsilonPlusFlat: return Assignment(dense: epsilon, convolution: .zPlusSigned, first: (.anyWeighted, .flat))
        case .epsilonAlpha2Beta1: return Assignment(dense: epsilon, convolution: .alphaBetaSigned(alpha: 2, beta: 1))
        case .epsilonGammaBox:
            return Assignment(dense: epsilon, convolution: .gammaSigned(0.25), first: (.convolution, .zB(low: -1, high: 1)))
        }
    }

    /// One rule per layer of a network, in order. The first-layer rule goes to the first layer its
    /// map matches (a network without convolutions has none for EpsilonGammaBox).
    public func rules(for layers: [any Layer]) -> [Rule] {
        let a = assignment
        var firstPending = a.first != nil
        return layers.map { layer in
            let isConvolution = layer is Convolution, isDense = layer is Linear
            if firstPending, let (matches, rule) = a.first,
               isConvolution || (matches == .anyWeighted && isDense) {
                firstPending = false
                return rule
            }
            if isDense { return a.dense }
            if isConvolution { return a.convolution }
            if layer is SumPooling || layer is AveragePooling { return a.pooling }
            return layer.defaultRule
        }
    }
}
