/// An LRP rule as data. The arithmetic of each lives in one place (`LinearMap+Rules.swift`) and is
/// written against `LinearMap`, so Linear, Convolution and sum/average pooling share it.
public enum Rule: Equatable, Sendable, CustomStringConvertible {
    /// LRP-0: `Z = f(X; W, b)`, stabilised by `1e-9 * sign(Z)`.
    case lrp0
    /// LRP-epsilon: `Z + eps * sign(Z)` (sign(0) = +1).
    case epsilon(Float)
    /// LRP-gamma: `W + gamma * max(0, W)`, `b + gamma * max(0, b)`, stabilised like LRP-0.
    case gamma(Float)
    /// z+ (deep Taylor for inputs >= 0): `max(0, W)`, no bias, `Z + 1e-9`. On pooling this is the z rule.
    case zPlus
    /// z^B for inputs in the box [low, high].
    case zB(low: Float, high: Float)
    /// LRP-alpha-beta with the tutorial's stabilisers (section 3.3).
    case alphaBeta(alpha: Float, beta: Float)
    /// w^2: relevance spread by squared weights, independent of the input.
    case wSquare
    /// flat: relevance spread uniformly over the receptive field.
    case flat
    /// Max pooling: all relevance of a window goes to the position of its maximum.
    case winnerTakeAll
    /// ReLU, Flatten, Reshape: relevance passes through unchanged (reshaped to the input).
    case identity
    /// One of zennit's rules (see `ZennitRule`), for zennit's composites.
    case zennit(ZennitRule)

    public var description: String {
        switch self {
        case .lrp0: return "lrp0"
        case .epsilon(let e): return "epsilon(\(formatNumber(e)))"
        case .gamma(let g): return "gamma(\(formatNumber(g)))"
        case .zPlus: return "zplus"
        case .zB(let l, let h): return "zB(\(formatNumber(l)), \(formatNumber(h)))"
        case .alphaBeta(let a, let b): return "alphabeta(\(formatNumber(a)), \(formatNumber(b)))"
        case .wSquare: return "wsquare"
        case .flat: return "flat"
        case .winnerTakeAll: return "wta"
        case .identity: return "identity"
        case .zennit(let rule): return "zennit.\(rule)"
        }
    }
}

extension Rule {
    /// A rule's case without its parameters; the language's name for it.
    public enum Name: String, CaseIterable, Sendable {
        case lrp0, epsilon, gamma, zplus, zB, alphabeta, wsquare, flat, wta, identity
        /// zennit's rules (`ZennitRule`), used by its composites.
        case zennit
    }

    public var name: Name {
        switch self {
        case .lrp0: return .lrp0
        case .epsilon: return .epsilon
        case .gamma: return .gamma
        case .zPlus: return .zplus
        case .zB: return .zB
        case .alphaBeta: return .alphabeta
        case .wSquare: return .wsquare
        case .flat: return .flat
        case .winnerTakeAll: return .wta
        case .identity: return .identity
        case .zennit: return .zennit
        }
    }

    /// The rule of this name with typical parameters.
    public static func example(_ name: Name) -> Rule {
        switch name {
        case .lrp0: return .lrp0
        case .epsilon: return .epsilon(0.1)
        case .gamma: return .gamma(0.25)
        case .zplus: return .zPlus
        case .zB: return .zB(low: -1, high: 1)
        case .alphabeta: return .alphaBeta(alpha: 2, beta: 1)
        case .wsquare: return .wSquare
        case .flat: return .flat
        case .wta: return .winnerTakeAll
        case .identity: return .identity
        case .zennit: return .zennit(ZennitRule.examples[0])
        }
    }

    /// One example of every rule: what tests run every rule on. A new case of `Rule` needs a
    /// `Name` (the compiler insists, in `name`) and so an example (in `example`), and is then here.
    public static var examples: [Rule] {
        Name.allCases.map(example) + ZennitRule.examples.dropFirst().map { .zennit($0) }
    }

    /// Checks the rule's parameters, throwing `LRPError.invalidRule` for values that make the rule
    /// meaningless: z^B needs low < high, epsilon, gamma, alpha and beta must not be negative, and
    /// every parameter must be finite. `relprop` and `RuleSet.rules(for:)` check before using a rule.
    public func validate() throws {
        func finite(_ values: Float..., rule: String) throws {
            if let k = values.firstIndex(where: { !$0.isFinite }) {
                throw LRPError.invalidRule(rule: rule, parameter: k, "parameter \(formatNumber(values[k])) must be a finite number")
            }
        }
        switch self {
        case .epsilon(let e):
            try finite(e, rule: "epsilon")
            guard e >= 0 else { throw LRPError.invalidRule(rule: "epsilon", parameter: 0, "epsilon must not be negative (got \(formatNumber(e)))") }
        case .gamma(let g):
            try finite(g, rule: "gamma")
            guard g >= 0 else { throw LRPError.invalidRule(rule: "gamma", parameter: 0, "gamma must not be negative (got \(formatNumber(g)))") }
        case .zB(let low, let high):
            try finite(low, high, rule: "zB")
            guard low < high else {
                throw LRPError.invalidRule(rule: "zB", parameter: nil, "the low bound \(formatNumber(low)) must be below the high bound \(formatNumber(high))")
            }
        case .alphaBeta(let alpha, let beta):
            try finite(alpha, beta, rule: "alphabeta")
            if let k = [alpha, beta].firstIndex(where: { $0 < 0 }) {
                throw LRPError.invalidRule(rule: "alphabeta", parameter: k, "\(k == 0 ? "alpha" : "beta") must not be negative (got \(formatNumber([alpha, beta][k])))")
            }
        case .lrp0, .zPlus, .wSquare, .flat, .winnerTakeAll, .identity:
            break
        case .zennit:
            break  // built by ZennitComposite with zennit's fixed parameters
        }
    }
}
