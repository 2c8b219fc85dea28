/// All builtins by name.
enum Builtins {
    static let all: [Builtin] = dataBuiltins + networkBuiltins + ruleBuiltins + tensorBuiltins + selectionBuiltins
        + randomBuiltins + methodBuiltins + evaluationBuiltins + randomizationBuiltins + compositeBuiltins + outputBuiltins + recordBuiltins
        + checkBuiltins
    static let table: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    static let names: [String] = all.map(\.name).sorted()
    /// Names that may start a command call (`name arg ...`).
    static let commandNames: Set<String> = Set(all.map(\.name))
}
