import Foundation
import LRPKit

/// Printing, pictures, files, help.
let outputBuiltins: [Builtin] = [
    Builtin("show", .output, usage: "show X map=heat|gray",
            "Shows a tensor as a picture (default map=heat): a batch as the tutorial mosaic, H x W as one image.",
            details: "The batch is divided by its largest |x| before colouring, as in the tutorial.",
            keywords: ["map"], wordKeywords: ["map"]) { c in
        try c.expectCount(1...1, usage: "show X map=heat|gray")
        let x = try c.tensor(0, "the picture")
        let map = try colormap(&c, required: false)
        let image = try render(x, map, c)
        c.evaluator.host.show(image, caption: "\(x.description), map=\(map.rawValue), \(image.width)x\(image.height) pixels")
        return .none
    },
    Builtin("save", .output, usage: "save X PATH map=gray|heat",
            "Saves a tensor by the extension of PATH: .png (needs map=), .npy, .txt.",
            details: """
            .png: a batch N x H x W x 1, N x H x W or N x 784 renders as the tutorial mosaic (digits side
                  by side, 2 px white border, 2x upsampled); H x W renders as one image. map= is required.
            .npy: the tensor as numpy float32.
            .txt: numbers as numpy.savetxt writes them: a matrix one row per line, else one value per line.
            Missing folders on the way to PATH are created.
            """,
            keywords: ["map"], wordKeywords: ["map"]) { c in
        try c.expectCount(2...2, usage: "save X PATH map=gray|heat")
        let x = try c.tensor(0, "the value to save")
        let path = try c.string(1, "PATH")
        let resolved = c.evaluator.resolve(path: path)
        let ext = (path as NSString).pathExtension.lowercased()
        guard ["png", "npy", "txt"].contains(ext) else {
            throw c.fail("save: cannot tell the format of '\(path)'; use .png, .npy or .txt", argument: 1)
        }
        if ext != "png", c.keyword("map") != nil {
            throw c.fail("save: map= applies to .png only", argument: c.keywordIndex("map"))
        }
        let directory = (resolved as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw c.fail("save: cannot create the folder for \(path)", argument: 1)
            }
        }
        do {
            switch ext {
            case "png":
                let map = try colormap(&c, required: true)
                let image = try render(x, map, c)
                try PNGFile.write(image, to: resolved)
                c.evaluator.host.saved(image, path: path,
                                       caption: "\(x.description), map=\(map.rawValue), \(image.width)x\(image.height) pixels")
            case "npy": try NumpyFile.write(x, to: resolved)
            default: try AtomicFile.write(savetxt(x), to: resolved)
            }
        } catch let error as LRPError {
            if case .file(_, let message) = error { throw c.fail("save: \(path): \(message)", argument: 1) }
            throw error
        }
        return .none
    },
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
    var text = "\(b.usage)\n  \(b.summary)"
    if !b.details.isEmpty { text += "\n" + b.details.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
    if !b.keywords.isEmpty { text += "\n  keywords: " + b.keywords.joined(separator: ", ") }
    return text
}

private func colormap(_ c: inout Call, required: Bool) throws -> Colormap {
    guard let value = c.keyword("map") else {
        if required { throw c.fail("\(c.name): a .png needs a colour map: map=gray or map=heat") }
        return .heat
    }
    let names = Colormap.allCases.map(\.rawValue)
    let name: String
    switch value {
    case .string(let s): name = s
    default: throw c.fail("\(c.name): map= must be gray or heat", argument: c.keywordIndex("map"))
    }
    guard let map = Colormap(rawValue: name) else {
        let hint = closestName(to: name, in: names).map { "; did you mean '\($0)'?" } ?? " (gray or heat)"
        throw c.fail("\(c.name): unknown colour map '\(name)'\(hint)", argument: c.keywordIndex("map"))
    }
    return map
}

/// A batch as the tutorial mosaic; a single H x W tensor as one image at its own size.
private func render(_ x: Tensor, _ map: Colormap, _ c: Call) throws -> Image {
    if x.rank == 2 && x.shape[1] != 784 {
        return try Mosaic.render(try x.reshaped([1] + x.shape), colormap: map, border: 0, upsampling: 1)
    }
    return try Mosaic.render(x, colormap: map)
}

/// numpy.savetxt's default format (`%.18e`): a matrix one row per line, anything else one value per line.
private func savetxt(_ x: Tensor) -> String {
    let columns = x.rank == 2 ? x.shape[1] : 1
    var text = ""
    text.reserveCapacity(x.count * 26)
    for (i, v) in x.scalars.enumerated() {
        text += String(format: "%.18e", Double(v))
        text += (i + 1) % columns == 0 ? "\n" : " "
    }
    return text
}
