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
    /// zennit's `ZPlus`, z+ for signed inputs: `max(0, X) max(0, W) + max(0, b)` plus
    /// `min(0, X) min(0, W)` (positive weights on positive inputs plus negative weights on negative
    /// inputs), stabilised by `1e-6 * sign(Z)`. The tutorial's `zPlus` is this for inputs >= 0
    /// without the bias.
    case zPlusSigned
    /// z^B for inputs in the box [low, high].
    case zB(low: Float, high: Float)
    /// z^B with a box per channel (the last axis of the layer's input, C of N x H x W x C), as
    /// zennit's `ZBox` with tensors: for inputs in [0, 1] normalised by `(x - mean) / std`, the
    /// bounds are `(0 - mean) / std` and `(1 - mean) / std` (`zBox(normalisedFrom:)`).
    case zBox(low: [Float], high: [Float])
    /// LRP-alpha-beta with the tutorial's stabilisers (section 3.3).
    case alphaBeta(alpha: Float, beta: Float)
    /// zennit's `AlphaBeta`, alpha-beta for signed inputs: alpha times the positive contributions
    /// (`max(0,X)` through `max(0,W)` with `max(0,b)`, `min(0,X)` through `min(0,W)`) minus beta times
    /// the negative ones (`max(0,X)` through `min(0,W)` with `min(0,b)`, `min(0,X)` through
    /// `max(0,W)`), each normalised by its own Z `+ 1e-6 sign(Z)`.
    case alphaBetaSigned(alpha: Float, beta: Float)
    /// zennit's `Gamma`, gamma for signed inputs: where the layer's output `f(X; W, b)` is positive,
    /// `max(0,X)` through `W + gamma max(0,W)` (bias `b + gamma max(0,b)`) plus `min(0,X)` through
    /// `W + gamma min(0,W)`; where it is negative, the same with the roles of `max` and `min` on the
    /// weights swapped; `+ 1e-6 sign(Z)`. The tutorial's `gamma` is the positive case for inputs >= 0.
    case gammaSigned(Float)
    /// w^2: relevance spread by squared weights, independent of the input.
    case wSquare
    /// flat: relevance spread uniformly over the receptive field.
    case flat
    /// Max pooling: all relevance of a window goes to the position of its maximum.
    case winnerTakeAll
    /// ReLU, Flatten, Reshape: relevance passes through unchanged (reshaped to the input).
    case identity

    public var description: String {
        switch self {
        case .lrp0: return "lrp0"
        case .epsilon(let e): return "epsilon(\(formatNumber(e)))"
        case .gamma(let g): return "gamma(\(formatNumber(g)))"
        case .zPlus: return "zplus"
        case .zPlusSigned: return "zplussigned"
        case .zB(let l, let h): return "zB(\(formatNumber(l)), \(formatNumber(h)))"
        case .zBox(let l, let h):
            func list(_ v: [Float]) -> String { "[" + v.map { formatNumber($0) }.joined(separator: ", ") + "]" }
            return "zB(\(list(l)), \(list(h)))"
        case .alphaBeta(let a, let b): return "alphabeta(\(formatNumber(a)), \(formatNumber(b)))"
        case .alphaBetaSigned(let a, let b): return "alphabetasigned(\(formatNumber(a)), \(formatNumber(b)))"
        case .gammaSigned(let g): return "gammasigned(\(formatNumber(g)))"
        case .wSquare: return "wsquare"
        case .flat: return "flat"
        case .winnerTakeAll: return "wta"
        case .identity: return "identity"
        }
    }
}

extension Rule {
    /// A rule's case without its parameters; the language's name for it.
    public enum Name: String, CaseIterable, Sendable {
        case lrp0, epsilon, gamma, gammasigned, zplus, zplussigned, zB, zbox, alphabeta, alphabetasigned, wsquare, flat, wta, identity
    }

    public var name: Name {
        switch self {
        case .lrp0: return .lrp0
        case .epsilon: return .epsilon
        case .gamma: return .gamma
        case .zPlus: return .zplus
        case .zPlusSigned: return .zplussigned
        case .zB: return .zB
        case .zBox: return .zbox
        case .alphaBeta: return .alphabeta
        case .alphaBetaSigned: return .alphabetasigned
        case .gammaSigned: return .gammasigned
        case .wSquare: return .wsquare
        case .flat: return .flat
        case .winnerTakeAll: return .wta
        case .identity: return .identity
        }
    }

    /// The rule of this name with typical parameters.
    public static func example(_ name: Name) -> Rule {
        switch name {
        case .lrp0: return .lrp0
        case .epsilon: return .epsilon(0.1)
        case .gamma: return .gamma(0.25)
        case .zplus: return .zPlus
        case .zplussigned: return .zPlusSigned
        case .zB: return .zB(low: -1, high: 1)
        case .zbox: return .zBox(low: [-1], high: [1])  // one channel broadcasts; RuleTests tries several
        case .alphabeta: return .alphaBeta(alpha: 2, beta: 1)
        case .alphabetasigned: return .alphaBetaSigned(alpha: 2, beta: 1)
        case .gammasigned: return .gammaSigned(0.25)
        case .wsquare: return .wSquare
        case .flat: return .flat
        case .wta: return .winnerTakeAll
        case .identity: return .identity
        }
    }

    /// One example of every rule: what tests run every rule on. A new case of `Rule` needs a
    /// `Name` (the compiler insists, in `name`) and so an example (in `example`), and is then here.
    public static var examples: [Rule] { Name.allCases.map(example) }

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
        case .gamma(let g), .gammaSigned(let g):
            let rule = name.rawValue
            try finite(g, rule: rule)
            guard g >= 0 else { throw LRPError.invalidRule(rule: rule, parameter: 0, "gamma must not be negative (got \(formatNumber(g)))") }
        case .zB(let low, let high):
            try finite(low, high, rule: "zB")
            guard low < high else {
                throw LRPError.invalidRule(rule: "zB", parameter: nil, "the low bound \(formatNumber(low)) must be below the high bound \(formatNumber(high))")
            }
        case .zBox(let low, let high):
            guard !low.isEmpty, low.count == high.count else {
                throw LRPError.invalidRule(rule: "zB", parameter: nil, "the bounds must be two lists of one value per channel, got \(low.count) and \(high.count) values")
            }
            if let c = low.indices.first(where: { !low[$0].isFinite || !high[$0].isFinite }) {
                throw LRPError.invalidRule(rule: "zB", parameter: low[c].isFinite ? 1 : 0, "the bounds of channel \(c) must be finite numbers (got \(formatNumber(low[c])), \(formatNumber(high[c])))")
            }
            if let c = low.indices.first(where: { !(low[$0] < high[$0]) }) {
                throw LRPError.invalidRule(rule: "zB", parameter: nil, "channel \(c): the low bound \(formatNumber(low[c])) must be below the high bound \(formatNumber(high[c]))")
            }
        case .alphaBeta(let alpha, let beta), .alphaBetaSigned(let alpha, let beta):
            let rule = name.rawValue
            try finite(alpha, beta, rule: rule)
            if let k = [alpha, beta].firstIndex(where: { $0 < 0 }) {
                throw LRPError.invalidRule(rule: rule, parameter: k, "\(k == 0 ? "alpha" : "beta") must not be negative (got \(formatNumber([alpha, beta][k])))")
            }
        case .lrp0, .zPlus, .zPlusSigned, .wSquare, .flat, .winnerTakeAll, .identity:
            break
        }
    }
}

extension Rule {
    /// z^B for inputs that were in [0, 1] before `(x - mean) / std` per channel (how torchvision
    /// normalises images): the box is `(0 - mean) / std` to `(1 - mean) / std`, channel by channel.
    public static func zBox(normalisedFrom mean: [Float], std: [Float]) throws -> Rule {
        guard mean.count == std.count, !mean.isEmpty else {
            throw LRPError.invalidRule(rule: "zB", parameter: nil, "mean and std must give one value per channel, got \(mean.count) and \(std.count)")
        }
        guard std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw LRPError.invalidRule(rule: "zB", parameter: nil, "std must be positive (got \(std.map { formatNumber($0) }.joined(separator: ", ")))")
        }
        let rule = Rule.zBox(low: zip(mean, std).map { (0 - $0) / $1 }, high: zip(mean, std).map { (1 - $0) / $1 })
        try rule.validate()
        return rule
    }
}
