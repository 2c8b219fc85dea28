import Foundation
import LRPKit

/// Loading and sampling data sets, loading tensors and networks, whole-data-set evaluation.
let dataBuiltins: [Builtin] = [
    Builtin("load", .data, usage: "load [KIND] PATH",
            "Loads a dataset (mnist), a network or a tensor; without KIND the path decides.",
            details: """
            load mnist "data/mnist" split="t10k"   the MNIST images (scaled to [-1, 1]) and labels
            load network "models/tutorial/mlp"     a folder of tutorial weight files NAME-W.txt/NAME-B.txt,
                                                   or an LRP Toolbox model file (.txt)
            load tensor "x.npy"                    a numpy array (or .txt: numbers as numpy.savetxt writes them)
            Without KIND: .npy is a tensor, .txt a Toolbox model (its first word a layer name) or else a
            text of numbers, a folder with *-W.txt files a network, a folder with MNIST files a dataset.
            A tutorial folder becomes: its layers in name order with ReLU between them, 2x2 sum pooling
            (x0.5) after each ReLU between two convolutions, and, when the last layer is a convolution,
            a final flatten so the output is N x classes.
            """,
            keywords: ["split"], wordKeywords: ["split"]) { c in
        try c.expectCount(1...2, usage: "load [KIND] PATH")
        let path = try c.string(c.arguments.count - 1, "PATH")
        let resolved = c.evaluator.resolve(path: path)
        var kind: FileKind?
        if c.arguments.count == 2 {
            let word = try c.string(0, "KIND")
            let kinds = ["mnist", "dataset", "network", "tensor"]
            guard kinds.contains(word) else {
                let hint = closestName(to: word, in: kinds).map { "; did you mean '\($0)'?" } ?? " (mnist, network or tensor)"
                throw c.fail("load: unknown kind '\(word)'\(hint)", argument: 0)
            }
            kind = word == "mnist" ? .dataset : FileKind(rawValue: word)
        }
        // The registry picks the format: by the kind, the extension, and the contents.
        let format: any FileFormat
        do { format = try FileFormats.format(forReading: resolved, kind: kind) } catch let error as LRPError {
            let advice = kind == nil && FileManager.default.fileExists(atPath: resolved) ? "; say which kind: load mnist|network|tensor PATH" : ""
            throw c.fail("load: \(error.showingPath(resolved, as: path))\(advice)", argument: c.arguments.count - 1)
        }
        c.evaluator.host.loading(resolved)
        var options = ReadOptions(allowingNonFinite: true)  // data tensors may hold NaN (what lrps saves loads back)
        if let v = c.keyword("split") {
            guard format.kind == .dataset else { throw c.fail("load: split= applies to datasets only", argument: c.keywordIndex("split")) }
            guard case .string(let s) = v else { throw c.fail("load: split= must be a string such as \"t10k\"", argument: c.keywordIndex("split")) }
            options.split = s
        }
        let contents: FileContents
        do { contents = try format.read(resolved, options: options) } catch let error as LRPError {
            throw error.showingPath(resolved, as: path)
        }
        switch contents {
        case .tensor(let x): return .tensor(x)
        case .network(let loaded): return .network(NetworkValue(network: loaded.network, origin: path))
        case .dataset(let dataset): return .dataset(dataset)
        case .picture: throw c.fail("load: \(path) is a picture; the language has no picture values", argument: 0)
        }
    },
    Builtin("sample", .data, usage: "X, T = sample DATASET N seed=S pad=P",
            "N images drawn as numpy's RandomState(S).randint(0, count, N), and their one-hot targets.",
            details: """
            X is N x 28 x 28 x 1 (pixels in [-1, 1]), T is N x 10. seed defaults to 1234 (the tutorial's).
            pad=P pads the images by P pixels of -1 on every side (pad=2 gives the CNN's 32x32).
            """,
            keywords: ["seed", "pad"]) { c in
        try c.expectCount(2...2, usage: "X, T = sample DATASET N seed=S")
        let dataset = try c.dataset(0)
        let n = try c.integer(1, "N")
        guard n >= 1 else { throw c.fail("sample: N must be at least 1, got \(n)", argument: 1) }
        let seed = try c.integerKeyword("seed", default: 1234)
        guard seed >= 0, seed <= Int(UInt32.max) else {
            throw c.fail("sample: seed must be in 0...4294967295, got \(seed)", argument: c.keywordIndex("seed"))
        }
        _ = try Tensor.elementCount(of: [n] + dataset.images.shape.dropFirst())
        let chosen = try dataset.sample(count: n, seed: UInt32(seed))
        return .results([.tensor(try padImages(chosen.images, &c)), .tensor(chosen.targets)], names: ["X", "T"])
    },
    Builtin("images", .data, usage: "images(DATASET, pad=P)", "All images of a dataset, N x H x W x 1 in [-1, 1]; same as DATASET.images.",
            keywords: ["pad"]) { c in
        try c.expectCount(1...1, usage: "images(DATASET, pad=P)")
        return .tensor(try padImages(try c.dataset(0).images, &c))
    },
    Builtin("labels", .data, usage: "labels(DATASET)", "The labels of a dataset as a 1-D tensor; same as DATASET.labels.") { c in
        try c.expectCount(1...1, usage: "labels(DATASET)")
        return .tensor(Tensor(try c.dataset(0).labels.map(Float.init)))
    },
    Builtin("targets", .data, usage: "targets(DATASET)", "One-hot targets N x 10 of a dataset; same as DATASET.targets.") { c in
        try c.expectCount(1...1, usage: "targets(DATASET)")
        return .tensor(try c.dataset(0).targets)
    },
    Builtin("errors", .data, usage: "errors(NET, DATASET, pad=P, batch=64)",
            "How many images of DATASET the network classifies wrongly (argmax of the output vs. label).",
            details: "Runs in batches of 64 on all cores. pad=P pads the images by P pixels of -1 first (pad=2 for the tutorial CNN).",
            keywords: ["pad", "batch"]) { c in
        let (wrong, _) = try countErrors(&c)
        return .number(Double(wrong))
    },
    Builtin("accuracy", .data, usage: "accuracy(NET, DATASET, pad=P, batch=64)",
            "The fraction of DATASET the network classifies correctly (1 - errors/count).",
            keywords: ["pad", "batch"]) { c in
        let (wrong, total) = try countErrors(&c)
        return .number(1 - Double(wrong) / Double(total))
    },
]

/// Pads images by `pad=` pixels of -1 (the box bottom), as the tutorial does for the CNN.
private func padImages(_ images: Tensor, _ c: inout Call) throws -> Tensor {
    let pad = try c.integerKeyword("pad", default: 0)
    guard pad >= 0 else { throw c.fail("\(c.name): pad= must not be negative, got \(pad)", argument: c.keywordIndex("pad")) }
    return pad == 0 ? images : try images.paddedSpatially(pad, value: -1)
}

private func countErrors(_ c: inout Call) throws -> (wrong: Int, total: Int) {
    try c.expectCount(2...2, usage: "\(c.name)(NET, DATASET, pad=P)")
    let net = try c.network(0), dataset = try c.dataset(1)
    let batch = try DataSetPasses.batchSize(&c, default: DataSetPasses.defaultBatch)
    let (_, images) = try DataSetPasses.images(&c, 1)
    let predicted = try c.evaluator.overSamples("scoring", count: dataset.count) { range in
        Tensor(try net.network.predictions(images.samples(range), batchSize: batch).map(Float.init))
    }
    let wrong = zip(predicted.scalars, dataset.labels).filter { Int($0) != $1 }.count
    return (wrong, dataset.count)
}
