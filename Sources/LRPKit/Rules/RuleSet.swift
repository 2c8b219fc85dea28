/// Which rule each layer of a network uses.
///
/// The weighted layers (`Layer.isWeighted`: Linear, Convolution) take the rules of `weighted` in
/// order, the last one repeating for any further weighted layers ("zB on the pixels, z+ above" is
/// `[zB, zPlus]`). `perLayer` names a rule by layer position and overrides that. Every other layer
/// takes its own default (z rule for sum/average pooling, winner-take-all for max pooling,
/// identity for ReLU and reshapes).
public struct RuleSet: Equatable, Sendable, CustomStringConvertible {
    /// One rule per weighted layer in order, the last repeating; empty: the layers' defaults.
    public var weighted: [Rule]
    /// One optional rule per layer, by position; overrides `weighted` where not nil.
    public var perLayer: [Rule?]
    public var name: String?
    /// Whether a network with fewer weighted layers than `weighted` has rules is an error (a list
    /// someone wrote for a network), or the extra rules go unused (presets such as deep Taylor).
    public var requiresEveryRule: Bool
    /// One of zennit's composites: its rules depend on each layer's kind and override the rest.
    public var composite: ZennitComposite? = nil

    /// One rule per weighted layer in order; the last repeats for any further weighted layers.
    /// A network with fewer weighted layers than rules is refused by `rules(for:)`.
    public init(weighted: [Rule], name: String? = nil) {
        self.weighted = weighted
        self.perLayer = []
        self.name = name
        self.requiresEveryRule = true
    }

    /// `first` on the first weighted layer (if the network has one), `rest` on the others.
    public init(first: Rule? = nil, rest: Rule, name: String? = nil) {
        self.init(weighted: (first.map { [$0] } ?? []) + [rest], name: name)
        requiresEveryRule = false
    }

    /// zennit's composite by name (see `ZennitComposite`).
    public init(composite: ZennitComposite) {
        self.init(weighted: [], name: composite.rawValue)
        self.composite = composite
    }

    public init(perLayer: [Rule?]) {
        self.weighted = []
        self.perLayer = perLayer
        self.requiresEveryRule = true
    }

    /// The rule of the first weighted layer when it differs from the others' (two-rule sets).
    public var first: Rule? { weighted.count > 1 ? weighted.first : nil }
    /// The rule of the last weighted layers (the one that repeats).
    public var rest: Rule? { weighted.last }

    /// The tutorial's deep Taylor decomposition: z^B(-1, 1) on the pixels, z+ above.
    public static let deepTaylor = RuleSet(first: .zB(low: -1, high: 1), rest: .zPlus, name: "deeptaylor")

    /// Section 3.3: z^B(-1, 1) on the pixels, LRP-alpha-beta above.
    public static func alphaBeta(alpha: Float = 2, beta: Float = 1) -> RuleSet {
        RuleSet(first: .zB(low: -1, high: 1), rest: .alphaBeta(alpha: alpha, beta: beta),
                name: alpha == 2 && beta == 1 ? "alphabeta" : nil)
    }

    /// The rule for each layer of `network`: checked against its layer counts and validated.
    public func rules(for network: Network) throws -> [Rule] {
        try rules(for: network.layers)
    }

    /// The rule for each of `layers` (a network's, in order).
    public func rules(for layers: [any Layer]) throws -> [Rule] {
        if let composite { return composite.rules(for: layers) }
        guard perLayer.count <= layers.count else {
            throw LRPError.invalidArgument("\(perLayer.count) rules given for a network of \(layers.count) layers")
        }
        let weightedCount = layers.filter(\.isWeighted).count
        guard !requiresEveryRule || weighted.count <= weightedCount else {
            throw LRPError.invalidArgument("\(weighted.count) rules given but the network has \(weightedCount) weighted layers")
        }
        var seenWeighted = 0
        return try layers.enumerated().map { index, layer in
            var rule = layer.defaultRule
            if layer.isWeighted {
                if !weighted.isEmpty { rule = weighted[min(seenWeighted, weighted.count - 1)] }
                seenWeighted += 1
            }
            if index < perLayer.count, let named = perLayer[index] { rule = named }
            try rule.validate()
            return rule
        }
    }

    public var description: String {
        if let name { return name }
        if !perLayer.isEmpty { return "[" + perLayer.map { $0?.description ?? "default" }.joined(separator: ", ") + "]" }
        if weighted.count == 2 { return "first \(weighted[0]), rest \(weighted[1])" }
        return "[" + weighted.map(\.description).joined(separator: ", ") + "]"
    }
}
