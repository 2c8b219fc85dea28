/// A rule for linear maps, written as data.
///
/// Each rule is one or more parts. A part runs the layer forward over its terms (each a modified
/// input through modified weights), stabilises the sum `Z`, divides the scaled relevance by it, runs
/// the layer backward for each term and multiplies by that term's input:
///
///     Z = sum_t f(input_t; weight_t, bias?) ; S = coefficient * R / stabilise(Z)
///     R_in += sum_t input_t * g_{weight_t}(S)
///
/// This is the tutorial's "forward with modified parameters, divide, gradprop, multiply".
struct Recipe {
    /// How a term's input derives from the layer's input X.
    enum Input {
        case data                  // X
        case shifted(Float)        // X + c (alpha-beta's X + 1e-9)
        case constant(Float)       // c everywhere, shaped like X (bounds, or ones for w^2 / flat)
        case positivePart          // max(0, X) (zennit's rules)
        case negativePart          // min(0, X)
    }

    /// How a term's weights (and, when used, the bias) derive from the layer's own.
    enum Parameters {
        case original
        case positive(floor: Float)     // max(floor, W)
        case negative(ceiling: Float)   // min(ceiling, W)
        case squared
        case ones
        case boosted(gamma: Float)      // W + gamma * max(0, W)
        case boostedNegative(gamma: Float)  // W + gamma * min(0, W) (zennit's Gamma)

        func apply(_ w: Tensor) -> Tensor {
            switch self {
            case .original: return w
            case .positive(let floor): return w.maximum(floor)
            case .negative(let ceiling): return w.minimum(ceiling)
            case .squared: return w.map { $0 * $0 }
            case .ones: return w.map { _ in 1 }
            case .boosted(let gamma): return w.map { $0 + gamma * Swift.max(0, $0) }
            case .boostedNegative(let gamma): return w.map { $0 + gamma * Swift.min(0, $0) }
            }
        }
    }

    enum Stabiliser {
        case none
        case add(Float)           // Z + e
        case signed(Float)        // Z + e * sign(Z), sign(0) = +1
    }

    struct Term {
        var input: Input
        var parameters: Parameters
        /// The term enters Z and R_in with this sign (z^B subtracts its bound terms).
        var sign: Float = 1
    }

    struct Part {
        var terms: [Term]
        var coefficient: Float = 1
        /// Whether the layer's bias (modified like the first term's weights) enters Z.
        var usesBias = false
        var stabiliser: Stabiliser
        /// When set, S is kept only where the layer's own output f(X; W, b) has this sign (+1 or
        /// -1) and is zero elsewhere (zennit's Gamma).
        var outputSign: Float? = nil
    }

    var parts: [Part]
}

extension Rule {
    /// The recipe of a linear-map rule; nil for rules of other layers.
    var recipe: Recipe? {
        typealias Term = Recipe.Term
        switch self {
        case .lrp0:
            return Recipe(parts: [.init(terms: [Term(input: .data, parameters: .original)],
                                        usesBias: true, stabiliser: .signed(1e-9))])
        case .epsilon(let e):
            return Recipe(parts: [.init(terms: [Term(input: .data, parameters: .original)],
                                        usesBias: true, stabiliser: .signed(e))])
        case .gamma(let g):
            return Recipe(parts: [.init(terms: [Term(input: .data, parameters: .boosted(gamma: g))],
                                        usesBias: true, stabiliser: .signed(1e-9))])
        case .zPlus:
            return Recipe(parts: [.init(terms: [Term(input: .data, parameters: .positive(floor: 0))],
                                        stabiliser: .add(1e-9))])
        case .zB(let low, let high):
            return Recipe(parts: [.init(terms: [
                Term(input: .data, parameters: .original),
                Term(input: .constant(low), parameters: .positive(floor: 0), sign: -1),
                Term(input: .constant(high), parameters: .negative(ceiling: 0), sign: -1),
            ], stabiliser: .add(1e-9))])
        case .alphaBeta(let alpha, let beta):
            // The tutorial's placement: weights clipped at +-1e-9, input shifted by 1e-9, no Z term.
            return Recipe(parts: [
                .init(terms: [Term(input: .shifted(1e-9), parameters: .positive(floor: 1e-9))],
                      coefficient: alpha, stabiliser: .none),
                .init(terms: [Term(input: .shifted(1e-9), parameters: .negative(ceiling: -1e-9))],
                      coefficient: -beta, stabiliser: .none),
            ])
        case .wSquare:
            return Recipe(parts: [.init(terms: [Term(input: .constant(1), parameters: .squared)],
                                        stabiliser: .add(1e-9))])
        case .flat:
            return Recipe(parts: [.init(terms: [Term(input: .constant(1), parameters: .ones)],
                                        stabiliser: .add(1e-9))])
        case .zennit(let rule):
            return rule.recipe
        case .winnerTakeAll, .identity:
            return nil
        }
    }
}
