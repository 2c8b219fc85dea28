import LRPKit

/// zennit's composites by name, as rule presets: `relprop NET X R rules=EpsilonPlus`.
let compositeBuiltins: [Builtin] = ZennitComposite.allCases.map { composite in
    let summary: String
    switch composite {
    case .epsilonPlus: summary = "zennit's EpsilonPlus: Epsilon(1e-6) on dense layers, zennit's ZPlus (zplussigned) on convolutions."
    case .epsilonPlusFlat: summary = "zennit's EpsilonPlusFlat: as EpsilonPlus, Flat on the first weighted layer."
    case .epsilonAlpha2Beta1: summary = "zennit's EpsilonAlpha2Beta1: Epsilon(1e-6) on dense layers, zennit's AlphaBeta(2, 1) (alphabetasigned) on convolutions."
    case .epsilonGammaBox: summary = "zennit's EpsilonGammaBox: ZBox(-1, 1) on the first convolution, Gamma(0.25) (gammasigned) on the others, Epsilon(1e-6) on dense layers."
    }
    return Builtin(composite.rawValue, .rules, usage: composite.rawValue, summary,
                   details: """
                   zennit's ZPlus, AlphaBeta and Gamma differ from the tutorial's rules of the same name (they also take
                   negative inputs): here they are zplussigned, alphabetasigned and gammasigned. Sum and average pooling get
                   zennit's Norm, epsilon(1e-6). See docs/language.md.
                   """,
                   bareCall: true) { c in
        try c.expectCount(0...0, usage: composite.rawValue)
        return .ruleSet(RuleSet(composite: composite))
    }
}
