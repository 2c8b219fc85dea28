import Foundation
import LRPKit

/// Printing, pictures, files, help.
let outputBuiltins: [Builtin] = [
    Builtin("show", .output, usage: "show [INPUT] X map=heat ...",
            "Shows a tensor as a picture (default map=heat): a batch as the tutorial mosaic, H x W as one image.",
            details: """
            The batch is divided by its largest |x| before colouring, as in the tutorial.
            """ + pictureDetails,
            keywords: pictureKeywords, wordKeywords: ["map"]) { c in
        try c.expectCount(1...2, usage: "show [INPUT] X map=heat " + pictureOptionsUsage)
        let picture = try Picture(&c, tensors: c.arguments.count, mapRequired: false)
        let image = try picture.figure.render()
        c.evaluator.host.show(image, caption: picture.caption(image))
        return .none
    },
    Builtin("save", .output, usage: "save [INPUT] X PATH map=...",
            "Saves a tensor by the extension of PATH: .png (needs map=), .npy, .txt; any value as .json.",
            details: """
            .png: a batch N x H x W x 1, N x H x W or N x 784 renders as the tutorial mosaic (digits side
                  by side, 2 px white border, 2x upsampled); H x W renders as one image. map= is required.
                  The picture options of show apply (help show); save INPUT X PATH puts each input
                  beside its image.
            .npy: the tensor as numpy float32.
            .txt: numbers as numpy.savetxt writes them: a matrix one row per line, else one value per line.
            .json: numbers, strings, booleans, lists, records, tensors and masks (nested arrays, up to
                  100000 values) for machines: save record(errors=76) "metrics.json".
            .onnx: a network as an ONNX model (opset 13) for onnxruntime and other ONNX tools: save cnn
                  "cnn.onnx". Images go in as N x C x H x W there; the input size is the one the network was
                  loaded with (tutorial folders and ONNX files say it).
            Missing folders on the way to PATH are created.
            """,
            keywords: pictureKeywords, wordKeywords: ["map"]) { c in
        try c.expectCount(2...3, usage: "save [INPUT] X PATH map=...")
        let pathIndex = c.arguments.count - 1
        let path = try c.string(pathIndex, "PATH")
        let resolved = c.evaluator.resolve(path: path)
        // The registry picks the format by the extension; its kind says what to make of X.
        guard let format = FileFormats.format(forWriting: path) else {
            throw c.fail("save: cannot tell the format of '\(path)'; use \(listed(FileFormats.writableExtensions))", argument: pathIndex)
        }
        let pictures = listed(FileFormats.all.filter { $0.canWrite && $0.kind == .picture }.flatMap(\.extensions).map { "." + $0 })
        if format.kind != .picture {
            if let key = c.keywords.first?.0 {
                throw c.fail("save: \(key)= applies to \(pictures) only", argument: c.keywordIndex(key))
            }
            if pathIndex == 2 {
                throw c.fail("save: two pictures side by side need a \(pictures)", argument: 0)
            }
        }
        let picture = format.kind == .picture ? try Picture(&c, tensors: pathIndex, mapRequired: true) : nil
        let json = format.kind == .record ? try jsonValue(c.arguments[0]) : nil
        let x = format.kind == .tensor ? try c.tensor(0, "the value to save") : Tensor([])
        let directory = (resolved as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try AtomicFile.createFolder(directory)  // (where writing is permitted only)
            } catch let refusal as LRPError where refusal.description.contains("not written") {
                throw c.fail("save: \(refusal)", argument: pathIndex)
            } catch {
                throw c.fail("save: cannot create the folder for \(path)", argument: pathIndex)
            }
        }
        do {
            switch format.kind {
            case .picture:
                let image = try picture!.figure.render()
                try format.write(.picture(image), to: resolved)
                c.evaluator.host.saved(image, path: path, caption: picture!.caption(image))
            case .tensor:
                try format.write(.tensor(x), to: resolved)
            case .record:
                try format.write(.record(json!), to: resolved)
            case .network:
                let net = try c.network(0)
                try format.write(.network(LoadedNetwork(network: net.network, architecture: .onnx, sampleShape: net.sampleShape, source: path)), to: resolved)
            case .dataset:
                throw c.fail("save: lrps cannot save a \(format.kind.rawValue) yet", argument: pathIndex)
            }
        } catch let error as LRPError {
            if case .file = error { throw c.fail("save: \(error.showingPath(resolved, as: path))", argument: pathIndex) }
            throw error
        }
        return .none
    },
    Builtin("print", .output, usage: "print VALUE ... digits=N",
            "Prints the values separated by spaces (numbers to 6 significant digits; tensors numpy-style, up to 1000 values, to 4 decimals; digits=N for N).",
            keywords: ["digits"]) { c in
        let digits = try c.optionalIntegerKeyword("digits")
        if let digits, !(1...17).contains(digits) { throw c.fail("print: digits=\(digits) must be 1 to 17", argument: c.keywordIndex("digits")) }
        c.evaluator.host.write(c.arguments.map { digits.map($0.printed(digits:)) ?? $0.printed }.joined(separator: " ") + "\n")
        return .none
    },
    Builtin("help", .output, usage: "help [NAME]", "Lists the commands, or explains one: help relprop.",
            nameArguments: .all, bareCall: true) { c in
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
                if b.usage.count < 34 {
                    lines.append("    " + b.usage + String(repeating: " ", count: 34 - b.usage.count) + b.summary)
                } else {
                    lines.append("    " + b.usage)
                    lines.append(String(repeating: " ", count: 38) + b.summary)
                }
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
    return b.helpText
}

extension Builtin {
    /// What `help NAME` prints: usage, summary, details, keywords.
    var helpText: String {
        var text = "\(usage)\n  \(summary)"
        if !details.isEmpty { text += "\n" + details.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
        if !keywords.isEmpty { text += "\n  keywords: " + keywords.joined(separator: ", ") }
        return text
    }
}

/// "a", "a or b", "a, b or c".
private func listed(_ items: [String]) -> String {
    items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
}
