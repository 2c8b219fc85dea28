/// Which rule each layer of a network uses.
///
/// Layers with weights (Linear, Convolution) take `first` (the first of them) or `rest`; the other
/// layers take their own default (z rule for sum/average pooling, winner-take-all for max pooling,
/// identity for ReLU and reshapes) unless `perLayer` names one.
public struct RuleSet: Equatable, Sendable, CustomStringConvertible {
    public var first: Rule?
    public var rest: Rule?
    /// One optional rule per layer, by position; overrides `first`/`rest` where not nil.
    public var perLayer: [Rule?]
    public var name: String?

    public init(first: Rule? = nil, rest: Rule, name: String? = nil) {
        self.first = first
        self.rest = rest
        self.perLayer = []
        self.name = name
    }

    public init(perLayer: [Rule?]) {
        self.perLayer = perLayer
    }

    /// The tutorial's deep Taylor decomposition: z^B(-1, 1) on the pixels, z+ above.
    public static let deepTaylor = RuleSet(first: .zB(low: -1, high: 1), rest: .zPlus, name: "deeptaylor")

    /// Section 3.3: z^B(-1, 1) on the pixels, LRP-alpha-beta above.
    public static func alphaBeta(alpha: Float = 2, beta: Float = 1) -> RuleSet {
        RuleSet(first: .zB(low: -1, high: 1), rest: .alphaBeta(alpha: alpha, beta: beta),
                name: alpha == 2 && beta == 1 ? "alphabeta" : nil)
    }

    /// The rule for each layer of `network`, checked against the layer count.
    public func rules(for network: Network) throws -> [Rule] {
        guard perLayer.count <= network.layers.count else {
            throw LRPError.invalidArgument("\(perLayer.count) rules given for a network of \(network.layers.count) layers")
        }
        var seenWeighted = false
        return network.layers.enumerated().map { index, layer in
            if index < perLayer.count, let rule = perLayer[index] { return rule }
            guard layer is Linear || layer is Convolution else { return layer.defaultRule }
            defer { seenWeighted = true }
            if !seenWeighted, let first { return first }
            return rest ?? layer.defaultRule
        }
    }

    public var description: String {
        if let name { return name }
        if !perLayer.isEmpty { return "[" + perLayer.map { $0?.description ?? "default" }.joined(separator: ", ") + "]" }
        return "first \(first?.description ?? "default"), rest \(rest?.description ?? "default")"
    }
}
