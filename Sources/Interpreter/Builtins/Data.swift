import Foundation
import LRPKit

/// Loading and sampling data sets, loading tensors and networks, whole-data-set evaluation.
let dataBuiltins: [Builtin] = [
    Builtin("load", .data, usage: "load [KIND] PATH",
            "Loads a dataset (mnist), a network or a tensor; without KIND the path decides.",
            details: """
            load mnist "data/mnist" split="t10k"   the MNIST images (scaled to [-1, 1]) and labels
            load network "models/tutorial/mlp"     a folder of tutorial weight files NAME-W.txt/NAME-B.txt,
                                                   an LRP Toolbox model file (.txt; a final SoftMax is
                                                   dropped), or an ONNX model (.onnx)
            load tensor "x.npy"                    a numpy array (or .txt: numbers as numpy.savetxt writes them)
            load image "digit.png" range=[-1, 1]   a PNG as an H x W x C tensor (C = 1 gray, 3 colour),
                                                   p/255*2-1 like MNIST; range=[LOW, HIGH] to choose
            load images "folder" classes=10        a dataset of the PNGs in folder/LABEL/*.png
            Without KIND: .npy is a tensor, .png an image, .onnx an ONNX model, .txt a Toolbox model (its
            first word a layer name) or else a text of numbers, a folder with *-W.txt files a network, a folder with MNIST
            files a dataset, a folder of sub-folders of PNGs images.
            A tutorial folder becomes: its layers in name order with ReLU between them, 2x2 sum pooling
            (x0.5) after each ReLU between two convolutions, and, when the last layer is a convolution,
            a final flatten so the output is N x classes.
            An ONNX model (from PyTorch's exporters, say) becomes lrps layers: batch norms are folded into
            the convolution or linear layer before them, a Softmax at the output is dropped, and images are
            N x H x W x C (ONNX's N x C x H x W is converted at the input). The load prints what it changed.
            """,
            keywords: ["split", "range", "classes"], wordKeywords: ["split"], nameArguments: .first) { c in
        try c.expectCount(1...2, usage: "load [KIND] PATH")
        let path = try c.string(c.arguments.count - 1, "PATH")
        let resolved = c.evaluator.resolve(path: path)
        var word: String?
        if c.arguments.count == 2 {
            word = try c.string(0, "KIND")
            guard loadKinds[word!] != nil else {
                let hint = closestName(to: word!, in: loadKinds.keys.sorted()).map { "; did you mean '\($0)'?" } ?? " (mnist, network, tensor, image or images)"
                throw c.fail("load: unknown kind '\(word!)'\(hint)", argument: 0)
            }
        }
        // The registry picks the format: by the kind, the extension, and the contents.
        let format: any FileFormat
        do {
            format = try FileFormats.format(forReading: resolved, kind: word.flatMap { loadKinds[$0]?.kind }, only: word.flatMap { loadKinds[$0]?.format })
        } catch let error as LRPError {
            let advice = word == nil && FileManager.default.fileExists(atPath: resolved) ? "; say which kind: load mnist|network|tensor|image|images PATH" : ""
            throw c.fail("load: \(error.showingPath(resolved, as: path))\(advice)", argument: c.arguments.count - 1)
        }
        let options = try readOptions(&c, format)
        let contents: FileContents
        do { contents = try format.read(resolved, options: options) } catch let error as LRPError {
            throw error.showingPath(resolved, as: path)
        }
        // Only a load that succeeded is recorded (a notebook lists checksums of what was loaded,
        // not of any file a failed load named).
        c.evaluator.host.loading(resolved)
        switch contents {
        case .tensor(let x): return .tensor(x)
        case .network(let loaded):
            for note in loaded.notes { c.evaluator.host.write("note: \(note)\n") }
            return .network(NetworkValue(network: loaded.network, origin: path, sampleShape: loaded.sampleShape))
        case .dataset(var dataset):
            if format.options.contains("classes") { dataset.name = "images \(path)" }  // named as written
            return .dataset(dataset)
        case .picture, .record: throw c.fail("load: \(path): the language cannot hold a \(contents.kind.rawValue) from a \(format.name) file", argument: c.arguments.count - 1)
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

/// The kind words of `load KIND PATH`: a registry kind, and for some one format of it.
private let loadKinds: [String: (kind: FileKind, format: String?)] = [
    "mnist": (.dataset, "MNIST folder"), "dataset": (.dataset, nil), "network": (.network, nil),
    "tensor": (.tensor, nil), "image": (.picture, nil), "images": (.dataset, "PNG image folder"),
]

/// The keywords of `load` as the format's read options; a keyword the format does not take is an error.
private func readOptions(_ c: inout Call, _ format: any FileFormat) throws -> ReadOptions {
    var options = ReadOptions(allowingNonFinite: true)  // data tensors may hold NaN (what lrps saves loads back)
    for key in ["split", "range", "classes"] where c.keyword(key) != nil && !format.options.contains(key) {
        // The kind words whose formats take it ("dataset" names no one format: left out).
        let takers = loadKinds.filter { word, target in
            word != "dataset" && FileFormats.all.contains { f in
                f.options.contains(key) && f.kind == target.kind && (target.format ?? f.name) == f.name
            }
        }.keys.sorted().map { "load \($0)" }
        throw c.fail("load: \(key)= applies to \(takers.joined(separator: " and ")) only", argument: c.keywordIndex(key))
    }
    if let v = c.keyword("split") {
        guard case .string(let s) = v else { throw c.fail("load: split= must be a string such as \"t10k\"", argument: c.keywordIndex("split")) }
        options.split = s
    }
    if let value = c.keyword("range") {
        let at = c.keywordIndex("range")
        guard case .list(let items) = value, items.count == 2 else {
            throw c.fail("load: range= takes two numbers [LOW, HIGH], e.g. range=[0, 1]", argument: at)
        }
        let (low, high) = (try c.asNumber(items[0], what: "LOW", argument: at), try c.asNumber(items[1], what: "HIGH", argument: at))
        guard low.isFinite, high.isFinite, low < high else {
            throw c.fail("load: range=[\(formatNumber(low)), \(formatNumber(high))] needs LOW < HIGH", argument: at)
        }
        (options.low, options.high) = (low, high)
    }
    options.classCount = try c.optionalIntegerKeyword("classes")
    if let classes = options.classCount, classes < 1 || classes > 1 << 20 {
        throw c.fail("load: classes= must be in 1...1048576, got \(classes)", argument: c.keywordIndex("classes"))
    }
    return options
}
