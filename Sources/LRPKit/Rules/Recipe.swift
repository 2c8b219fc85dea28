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
        case perChannel([Float])   // c[channel] along X's last axis (per-channel z^B bounds)
        case positivePart          // max(0, X)
        case negativePart          // min(0, X)

        /// The constant of a constant input, nil for inputs that depend on the data.
        var constant: Float? {
            if case .constant(let c) = self { return c }
            return nil
        }

        /// The values of an input that is the same for every sample: one (a constant) or one per
        /// channel; nil for inputs that depend on the data.
        var constantValues: [Float]? {
            switch self {
            case .constant(let c): return [c]
            case .perChannel(let values): return values
            case .data, .shifted, .positivePart, .negativePart: return nil
            }
        }

        /// A constant input of the given shape (nil for data inputs); channel values must fit its
        /// last axis.
        func filled(_ shape: [Int]) throws -> Tensor? {
            guard let values = constantValues else { return nil }
            guard values.count == 1 || values.count == shape.last else {
                throw LRPError.shapeMismatch(operation: "zB",
                    "bounds for \(values.count) channels do not fit an input of shape \(describe(shape: shape)) (\(shape.last ?? 0) channels, the last axis)")
            }
            let (count, channels) = (shape.reduce(1, *), values.count)
            if channels == 1 { return Tensor(unchecked: shape, scalars: [Float](repeating: values[0], count: count)) }
            return Tensor(unchecked: shape, scalars: (0..<count).map { values[$0 % channels] })
        }

        /// The term's input for layer input `x` (a constant input: `x` itself; callers fill it).
        func applied(to x: Tensor) -> Tensor {
            switch self {
            case .data, .constant, .perChannel: return x
            case .shifted(let c): return x + c
            case .positivePart: return x.maximum(0)
            case .negativePart: return x.minimum(0)
            }
        }
    }

    /// How a term's weights (and, when used, the bias) derive from the layer's own.
    enum Parameters {
        case original
        case positive(floor: Float)     // max(floor, W)
        case negative(ceiling: Float)   // min(ceiling, W)
        case squared
        case ones
        case boosted(gamma: Float)      // W + gamma * max(0, W)
        case boostedNegative(gamma: Float)  // W + gamma * min(0, W) (zennit's gamma)

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
        /// When set, S is kept only where the layer's own output `f(X; W, b)` has this sign (+1 or
        /// -1) and is 0 elsewhere: zennit's gamma explains positive and negative outputs apart.
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
        case .zPlusSigned:
            // zennit's ZPlus: the bias (clamped like the weights) only in the positive term.
            return Recipe(parts: [.init(terms: [
                Term(input: .positivePart, parameters: .positive(floor: 0)),
                Term(input: .negativePart, parameters: .negative(ceiling: 0)),
            ], usesBias: true, stabiliser: .signed(1e-6))])
        case .gammaSigned(let g):
            // zennit's Gamma: one part per sign of the output, each with the bias of its first term.
            return Recipe(parts: [
                .init(terms: [Term(input: .positivePart, parameters: .boosted(gamma: g)),
                              Term(input: .negativePart, parameters: .boostedNegative(gamma: g))],
                      usesBias: true, stabiliser: .signed(1e-6), outputSign: 1),
                .init(terms: [Term(input: .positivePart, parameters: .boostedNegative(gamma: g)),
                              Term(input: .negativePart, parameters: .boosted(gamma: g))],
                      usesBias: true, stabiliser: .signed(1e-6), outputSign: -1),
            ])
        case .zB(let low, let high):
            return .zB(low: .constant(low), high: .constant(high))
        case .zBox(let low, let high):
            return .zB(low: .perChannel(low), high: .perChannel(high))
        case .alphaBeta(let alpha, let beta):
            // The tutorial's placement: weights clipped at +-1e-9, input shifted by 1e-9, no Z term.
            return Recipe(parts: [
                .init(terms: [Term(input: .shifted(1e-9), parameters: .positive(floor: 1e-9))],
                      coefficient: alpha, stabiliser: .none),
                .init(terms: [Term(input: .shifted(1e-9), parameters: .negative(ceiling: -1e-9))],
                      coefficient: -beta, stabiliser: .none),
            ])
        case .alphaBetaSigned(let alpha, let beta):
            // zennit's AlphaBeta: like zplussigned for each sign, the bias in the first term.
            return Recipe(parts: [
                .init(terms: [Term(input: .positivePart, parameters: .positive(floor: 0)),
                              Term(input: .negativePart, parameters: .negative(ceiling: 0))],
                      coefficient: alpha, usesBias: true, stabiliser: .signed(1e-6)),
                .init(terms: [Term(input: .positivePart, parameters: .negative(ceiling: 0)),
                              Term(input: .negativePart, parameters: .positive(floor: 0))],
                      coefficient: -beta, usesBias: true, stabiliser: .signed(1e-6)),
            ])
        case .wSquare:
            return Recipe(parts: [.init(terms: [Term(input: .constant(1), parameters: .squared)],
                                        stabiliser: .add(1e-9))])
        case .flat:
            return Recipe(parts: [.init(terms: [Term(input: .constant(1), parameters: .ones)],
                                        stabiliser: .add(1e-9))])
        case .winnerTakeAll, .identity:
            return nil
        }
    }
}

extension Recipe {
    /// z^B: the data through the weights, minus the low bound through the positive weights and the
    /// high bound through the negative ones (no bias: zennit's clamped biases cancel in Z).
    static func zB(low: Input, high: Input) -> Recipe {
        Recipe(parts: [.init(terms: [
            Term(input: .data, parameters: .original),
            Term(input: low, parameters: .positive(floor: 0), sign: -1),
            Term(input: high, parameters: .negative(ceiling: 0), sign: -1),
        ], stabiliser: .add(1e-9))])
    }
}
