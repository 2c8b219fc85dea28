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
        }
    }
}
