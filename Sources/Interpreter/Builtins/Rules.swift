import LRPKit

/// LRP rules and rule presets, as values for `relprop ... rules=`.
let ruleBuiltins: [Builtin] = [
    Builtin("zplus", .rules, usage: "zplus", "z+ rule (deep Taylor for inputs >= 0): positive weights only, no bias.",
            bareCall: true) { c in try plain(&c, .zPlus) },
    Builtin("zplussigned", .rules, usage: "zplussigned",
            "zennit's ZPlus: z+ for signed inputs (positive weights on positive inputs, negative on negative).",
            bareCall: true) { c in try plain(&c, .zPlusSigned) },
    Builtin("zB", .rules, usage: "zB(LOW, HIGH)", "z^B rule for inputs in the box [LOW, HIGH]; bare zB is zB(-1, 1).",
            details: """
            LOW and HIGH may be lists (or tensors) of one value per channel, the last axis of the layer's
            input (C of N x H x W x C), as zennit's ZBox with tensors. For images in [0, 1] normalised by
            (x - mean) / std per channel, zB(mean=M, std=S) is zB((0 - M) / S, (1 - M) / S).
            """,
            keywords: ["mean", "std"], bareCall: true) { c in
        if c.keyword("mean") != nil || c.keyword("std") != nil {
            guard c.arguments.isEmpty, let mean = c.keyword("mean"), let std = c.keyword("std") else {
                throw c.fail("zB takes mean= and std= together, without bounds: zB(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])")
            }
            let m = try channelValues(c, mean, "mean=", argument: c.keywordIndex("mean"))
            let s = try channelValues(c, std, "std=", argument: c.keywordIndex("std"))
            do { return .rule(try Rule.zBox(normalisedFrom: m, std: s)) } catch let error as LRPError {
                throw c.fail(error.description, argument: c.keywordIndex("std"))
            }
        }
        try c.expectCount(0...2, usage: "zB(LOW, HIGH)")
        guard c.arguments.count != 1 else { throw c.fail("zB takes both bounds: zB(LOW, HIGH)") }
        if c.arguments.isEmpty { return .rule(.zB(low: -1, high: 1)) }
        let low = try channelValues(c, c.value(0), "LOW", argument: 0)
        let high = try channelValues(c, c.value(1), "HIGH", argument: 1)
        let isNumber = { (v: Value) -> Bool in if case .number = v { return true }; return false }
        if isNumber(c.value(0)), isNumber(c.value(1)) { return try checked(c, .zB(low: low[0], high: high[0])) }
        // Per channel; a single number stands for every channel.
        let channels = Swift.max(low.count, high.count)
        guard low.count == channels || low.count == 1, high.count == channels || high.count == 1 else {
            throw c.fail("zB: LOW has \(low.count) values and HIGH \(high.count); give one per channel for both", argument: 1)
        }
        return try checked(c, .zBox(low: low.count == 1 ? Array(repeating: low[0], count: channels) : low,
                                    high: high.count == 1 ? Array(repeating: high[0], count: channels) : high))
    },
    Builtin("alphabeta", .rules, usage: "alphabeta | alphabeta(ALPHA, BETA)",
            "Bare: the section 3.3 preset (zB(-1,1) first, alphabeta(2,1) above). With arguments: the LRP-alpha-beta rule.",
            details: "ALPHA - BETA must be 1 for relevance to be conserved; the tutorial uses alphabeta(2, 1).",
            bareCall: true) { c in
        if c.arguments.isEmpty { return .ruleSet(.alphaBeta()) }
        try c.expectCount(2...2, usage: "alphabeta(ALPHA, BETA)")
        let alpha = try c.number(0, "ALPHA"), beta = try c.number(1, "BETA")
        return try checked(c, .alphaBeta(alpha: Float(alpha), beta: Float(beta)))
    },
    Builtin("alphabetasigned", .rules, usage: "alphabetasigned(ALPHA, BETA)",
            "zennit's AlphaBeta: alpha-beta for signed inputs (negative inputs through negative weights count as positive).") { c in
        try c.expectCount(2...2, usage: "alphabetasigned(ALPHA, BETA)")
        let alpha = try c.number(0, "ALPHA"), beta = try c.number(1, "BETA")
        return try checked(c, .alphaBetaSigned(alpha: Float(alpha), beta: Float(beta)))
    },
    Builtin("lrp0", .rules, usage: "lrp0", "LRP-0: relevance in proportion to the contributions z = x w (+ b).",
            bareCall: true) { c in try plain(&c, .lrp0) },
    Builtin("epsilon", .rules, usage: "epsilon(E)", "LRP-epsilon: LRP-0 with E added to the denominator's magnitude.") { c in
        try c.expectCount(1...1, usage: "epsilon(E)")
        return try checked(c, .epsilon(Float(try c.number(0, "E"))))
    },
    Builtin("gamma", .rules, usage: "gamma(G)", "LRP-gamma: positive weights boosted by G.") { c in
        try c.expectCount(1...1, usage: "gamma(G)")
        return try checked(c, .gamma(Float(try c.number(0, "G"))))
    },
    Builtin("gammasigned", .rules, usage: "gammasigned(G)",
            "zennit's Gamma: gamma for signed inputs, positive and negative outputs explained apart.") { c in
        try c.expectCount(1...1, usage: "gammasigned(G)")
        return try checked(c, .gammaSigned(Float(try c.number(0, "G"))))
    },
    Builtin("wsquare", .rules, usage: "wsquare", "w^2 rule: relevance spread by squared weights, ignoring the input.",
            bareCall: true) { c in try plain(&c, .wSquare) },
    Builtin("flat", .rules, usage: "flat", "flat rule: relevance spread uniformly over each unit's inputs.",
            bareCall: true) { c in try plain(&c, .flat) },
    Builtin("wta", .rules, usage: "wta", "winner-take-all (max pooling): a window's relevance goes to its maximum.",
            bareCall: true) { c in try plain(&c, .winnerTakeAll) },
    Builtin("deeptaylor", .rules, usage: "deeptaylor", "Preset: zB(-1,1) on the first weighted layer, zplus above (the tutorial's deep Taylor).",
            bareCall: true) { c in
        try c.expectCount(0...0, usage: "deeptaylor")
        return .ruleSet(.deepTaylor)
    },
]

/// The rule as a value once LRPKit has validated its parameters (the error points at the bad one).
private func checked(_ c: Call, _ rule: Rule) throws -> Value {
    do { try rule.validate() } catch let error as LRPError {
        if case .invalidRule(_, let parameter, _) = error { throw c.fail(error.description, argument: parameter) }
        throw error
    }
    return .rule(rule)
}

/// A number or a list/vector of one value per channel.
private func channelValues(_ c: Call, _ value: Value, _ what: String, argument: Int?) throws -> [Float] {
    let t = try c.asTensor(value, what: what, argument: argument)
    guard t.rank <= 1, t.count >= 1 else {
        throw c.fail("zB: \(what) must be a number or a list of one number per channel, got shape \(describe(shape: t.shape))", argument: argument)
    }
    return t.scalars
}

private func plain(_ c: inout Call, _ rule: Rule) throws -> Value {
    try c.expectCount(0...0, usage: c.name)
    return .rule(rule)
}

/// The rule set a `rules=` value stands for, given the network it is applied to.
///
/// A preset as is; one rule for every weighted layer; a list of rules for the weighted layers in
/// order, the last repeating (`RuleSet(weighted:)`, checked against the network here so the error
/// points at `rules=`).
func ruleSet(from value: Value, for network: Network, _ c: Call) throws -> RuleSet {
    let at = c.keywordIndex("rules")
    switch value {
    case .ruleSet(let set): return set
    case .rule(let rule): return RuleSet(rest: rule)
    case .list(let items):
        guard !items.isEmpty else { throw c.fail("relprop: rules=[] is empty; give at least one rule", argument: at) }
        let rules = try items.map { item -> Rule in
            guard case .rule(let r) = item else {
                throw c.fail("relprop: every item of rules=[...] must be a rule, got \(item.typeName)", argument: at)
            }
            return r
        }
        let set = RuleSet(weighted: rules)
        do { _ = try set.rules(for: network) } catch let error as LRPError {
            throw c.fail("relprop: \(error)", argument: at)
        }
        return set
    default:
        throw c.fail("relprop: rules= must be a rule, a list of rules or a preset (deeptaylor, alphabeta), got \(value.typeName)", argument: at)
    }
}
