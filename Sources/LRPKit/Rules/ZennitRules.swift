/// zennit's rules (zennit.rules, v0.5), as recipes. They differ from the tutorial's rules of the
/// same name: zennit's `ZPlus` and `AlphaBeta` also take negative inputs (the negative inputs
/// through the negative weights count as positive contributions), its `Gamma` splits by the sign
/// of the layer's output, and every zennit rule stabilises with `Z + 1e-6 * sign(Z)` (sign(0) = +1)
/// where the tutorial adds 1e-9. The tutorial's rules keep their names (`zplus`, `alphabeta`, ...).
public enum ZennitRule: Equatable, Sendable, CustomStringConvertible {
    /// `ZPlus`: Z = f(x+; W+, b+) + f(x-; W-, 0), R_in = x+ g_{W+}(S) + x- g_{W-}(S).
    case zPlus
    /// `AlphaBeta(alpha, beta)`: alpha times the positive part (as zPlus) minus beta times the
    /// negative part (x+ through W- with b-, x- through W+), each normalised by its own Z.
    case alphaBeta(alpha: Float, beta: Float)
    /// `Gamma(gamma)`: where the layer's output is positive, x+ through W + gamma W+ (bias
    /// b + gamma b+) and x- through W + gamma W-; where negative, x+ through W + gamma W- (bias
    /// b + gamma b-) and x- through W + gamma W+.
    case gamma(Float)
    /// `ZBox(low, high)`: the z^B rule with zennit's stabiliser.
    case zBox(low: Float, high: Float)
    /// `Flat`: relevance spread uniformly (ones for inputs and weights, no bias).
    case flat
    /// `Epsilon(epsilon)` and, on pooling, `Norm` (epsilon 1e-6): LRP-epsilon.
    case epsilon(Float)

    /// One of each, with zennit's default parameters (Gamma first: `Rule.example(.zennit)`).
    public static let examples: [ZennitRule] = [.gamma(0.25), .zPlus, .alphaBeta(alpha: 2, beta: 1), .zBox(low: -1, high: 1), .flat, .epsilon(1e-6)]

    /// zennit's default stabiliser for every rule but Epsilon.
    public static let stabilizer: Float = 1e-6

    public var description: String {
        switch self {
        case .zPlus: return "ZPlus"
        case .alphaBeta(let a, let b): return "AlphaBeta(\(formatNumber(a)), \(formatNumber(b)))"
        case .gamma(let g): return "Gamma(\(formatNumber(g)))"
        case .zBox(let l, let h): return "ZBox(\(formatNumber(l)), \(formatNumber(h)))"
        case .flat: return "Flat"
        case .epsilon(let e): return "Epsilon(\(formatNumber(e)))"
        }
    }

    var recipe: Recipe {
        typealias Term = Recipe.Term
        let stable = Recipe.Stabiliser.signed(Self.stabilizer)
        switch self {
        case .zPlus:
            return Recipe(parts: [.init(terms: [Term(input: .positivePart, parameters: .positive(floor: 0)),
                                                Term(input: .negativePart, parameters: .negative(ceiling: 0))],
                                        usesBias: true, stabiliser: stable)])
        case .alphaBeta(let alpha, let beta):
            return Recipe(parts: [
                .init(terms: [Term(input: .positivePart, parameters: .positive(floor: 0)),
                              Term(input: .negativePart, parameters: .negative(ceiling: 0))],
                      coefficient: alpha, usesBias: true, stabiliser: stable),
                .init(terms: [Term(input: .positivePart, parameters: .negative(ceiling: 0)),
                              Term(input: .negativePart, parameters: .positive(floor: 0))],
                      coefficient: -beta, usesBias: true, stabiliser: stable),
            ])
        case .gamma(let g):
            return Recipe(parts: [
                .init(terms: [Term(input: .positivePart, parameters: .boosted(gamma: g)),
                              Term(input: .negativePart, parameters: .boostedNegative(gamma: g))],
                      usesBias: true, stabiliser: stable, outputSign: 1),
                .init(terms: [Term(input: .positivePart, parameters: .boostedNegative(gamma: g)),
                              Term(input: .negativePart, parameters: .boosted(gamma: g))],
                      usesBias: true, stabiliser: stable, outputSign: -1),
            ])
        case .zBox(let low, let high):
            return Recipe(parts: [.init(terms: [
                Term(input: .data, parameters: .original),
                Term(input: .constant(low), parameters: .positive(floor: 0), sign: -1),
                Term(input: .constant(high), parameters: .negative(ceiling: 0), sign: -1),
            ], stabiliser: stable)])
        case .flat:
            return Recipe(parts: [.init(terms: [Term(input: .constant(1), parameters: .ones)], stabiliser: stable)])
        case .epsilon(let e):
            return Recipe(parts: [.init(terms: [Term(input: .data, parameters: .original)],
                                        usesBias: true, stabiliser: .signed(e))])
        }
    }
}

/// zennit's composites by name: which zennit rule each layer of a network gets.
public enum ZennitComposite: String, CaseIterable, Sendable {
    /// Epsilon on dense layers, ZPlus on convolutions.
    case epsilonPlus = "EpsilonPlus"
    /// As EpsilonPlus, Flat on the first weighted layer (dense or convolution).
    case epsilonPlusFlat = "EpsilonPlusFlat"
    /// Epsilon on dense layers, AlphaBeta(2, 1) on convolutions.
    case epsilonAlpha2Beta1 = "EpsilonAlpha2Beta1"
    /// Epsilon on dense layers, Gamma(0.25) on convolutions, ZBox(-1, 1) on the first convolution.
    case epsilonGammaBox = "EpsilonGammaBox"

    /// One rule per layer of `network`. Every composite: Norm (epsilon 1e-6) on sum and average
    /// pooling, ReLU and reshapes pass relevance through (zennit's `Pass`), epsilon 1e-6 on dense
    /// layers. The "first layer" is the first layer zennit's first map matches: any weighted layer
    /// for EpsilonPlusFlat, the first convolution for EpsilonGammaBox (a network without
    /// convolutions has none).
    public func rules(for layers: [any Layer]) -> [Rule] {
        var firstSeen = false
        return layers.map { layer in
            let isConv = layer is Convolution, isDense = layer is Linear
            if !firstSeen {
                if self == .epsilonPlusFlat, isConv || isDense { firstSeen = true; return .zennit(.flat) }
                if self == .epsilonGammaBox, isConv { firstSeen = true; return .zennit(.zBox(low: -1, high: 1)) }
            }
            if isDense { return .zennit(.epsilon(1e-6)) }
            if isConv {
                switch self {
                case .epsilonPlus, .epsilonPlusFlat: return .zennit(.zPlus)
                case .epsilonAlpha2Beta1: return .zennit(.alphaBeta(alpha: 2, beta: 1))
                case .epsilonGammaBox: return .zennit(.gamma(0.25))
                }
            }
            if layer is SumPooling || layer is AveragePooling { return .zennit(.epsilon(ZennitRule.stabilizer)) }
            return layer.defaultRule
        }
    }
}
