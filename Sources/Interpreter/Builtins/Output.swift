import LRPKit

/// Printing, help.
let outputBuiltins: [Builtin] = [
    Builtin("print", .output, usage: "print VALUE ...",
            "Prints the values separated by spaces (tensors numpy-style, up to 1000 values, rounded to 4 decimals).") { c in
        c.evaluator.host.write(c.arguments.map(\.printed).joined(separator: " ") + "\n")
        return .none
    },
    Builtin("help", .output, usage: "help [NAME]", "Lists the commands, or explains one: help relprop.", bareCall: true) { c in
        try c.expectCount(0...1, usage: "help [NAME]")
        c.evaluator.host.write(try helpText(c) + "\n")
        return .none
    },
]

private func helpText(_ c: Call) throws -> String {
    guard c.arguments.count == 1 else {
        var lines = ["Commands and functions (help NAME for details):"]
        for group in Builtin.Group.allCases {
            lines.append("  \(group.rawValue):")
            for b in Builtins.all where b.group == group {
                let usage = b.usage.count < 34 ? b.usage + String(repeating: " ", count: 34 - b.usage.count) : b.usage + "  "
                lines.append("    \(usage)\(b.summary)")
            }
        }
        return lines.joined(separator: "\n")
    }
    // `help relprop` passes relprop by name: accept a string, or the name itself (evaluated bare).
    let name: String
    switch c.arguments[0] {
    case .string(let s): name = s
    default:
        throw c.fail("help takes a name: help relprop (or help \"relprop\")", argument: 0)
    }
    guard let b = Builtins.table[name] else {
        let hint = closestName(to: name, in: Builtins.names).map { "; did you mean '\($0)'?" } ?? ""
        throw c.fail("no command named '\(name)'\(hint)", argument: 0)
    }
    var text = "\(b.usage)\n  \(b.summary)"
    if !b.details.isEmpty { text += "\n" + b.details.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
    if !b.keywords.isEmpty { text += "\n  keywords: " + b.keywords.joined(separator: ", ") }
    return text
}
