import LRPKit

/// Thrown when a cancellation request stops work between slices.
struct Interrupted: Error {}

extension Evaluator {
    /// Runs `body` over `count` samples in slices (each itself batched on all cores by LRPKit),
    /// reporting progress to the host and stopping early on a cancellation request.
    func overSamples(_ task: String, count: Int, slice: Int = 2000,
                     _ body: (Range<Int>) throws -> Tensor) throws -> Tensor {
        // Each slice is copied into the joined result as it comes (no list of slices joined at
        // the end, which held the whole result twice).
        guard count > 0 else {
            throw LRPError.invalidArgument("\(task): the data set is empty (0 samples)")
        }
        var joined: [Float] = []
        var trailing: [Int]? = nil
        var done = 0
        host.progress(task, completed: 0, total: count)
        while done < count {
            if cancellation.isRequested { throw Interrupted() }
            let range = done..<min(done + slice, count)
            let part = try body(range)
            let shape = Array(part.shape.dropFirst())
            guard part.rank >= 1, part.shape[0] == range.count, trailing == nil || shape == trailing! else {
                throw LRPError.shapeMismatch(operation: task,
                    "a slice of \(range.count) samples gave a result of shape \(describe(shape: part.shape))")
            }
            if trailing == nil {
                trailing = shape
                joined.reserveCapacity(try Tensor.allocationCount(of: [count] + shape))
            }
            joined.append(contentsOf: part.scalars)
            done = range.upperBound
            host.progress(task, completed: done, total: count)
        }
        return try Tensor(shape: [count] + (trailing ?? []), scalars: joined)
    }
}

/// `forward`, `gradprop` and `relprop` over a whole data set: `relprop NET DATASET ...`.
enum DataSetPasses {
    /// pad=, batch= and target= belong to the whole-data-set form; with a tensor they are an error
    /// that says so (rather than "has no keyword").
    static func refuseDataSetKeywords(_ c: inout Call) throws {
        if let (key, _) = c.keywords.first(where: { ["pad", "batch", "target"].contains($0.0) }) {
            throw c.fail("\(c.name): \(key)= applies when the input is a DATASET (e.g. \(c.name) NET mnist \(key)=...), not a tensor",
                         argument: c.keywordIndex(key))
        }
    }

    /// The images of the dataset argument at `index`, padded by `pad=` slice by slice as they are
    /// used (no padded copy of the whole data set).
    static func images(_ c: inout Call, _ index: Int) throws -> (Dataset, SliceSource) {
        let dataset = try c.dataset(index)
        let pad = try c.integerKeyword("pad", default: 0)
        guard pad >= 0 else { throw c.fail("\(c.name): pad= must not be negative, got \(pad)", argument: c.keywordIndex("pad")) }
        return (dataset, SliceSource(images: dataset.images, pad: pad))
    }

    /// Samples per LRPKit slice unless `batch=` says otherwise: 64 keeps a slice's activations in
    /// cache (measured on the tutorial CNN: faster than 250 or 500, and less memory).
    static let defaultBatch = 64

    static func batchSize(_ c: inout Call, default d: Int) throws -> Int {
        let batch = try c.integerKeyword("batch", default: d)
        guard batch >= 1 else { throw c.fail("\(c.name): batch= must be at least 1", argument: c.keywordIndex("batch")) }
        return batch
    }

    /// The explained class for each sample: its label, or with `target=predicted` the network's choice.
    static func targets(_ c: inout Call, net: Network, dataset: Dataset, x: SliceSource, batch: Int) throws -> Tensor {
        let target = try c.keyword("target").map { v -> String in
            guard case .string(let s) = v, ["label", "predicted"].contains(s) else {
                throw c.fail("\(c.name): target= is label or predicted", argument: c.keywordIndex("target"))
            }
            return s
        } ?? "label"
        guard target == "predicted" else { return dataset.targets }
        let predicted = try c.evaluator.overSamples("predicting", count: dataset.count) { range in
            Tensor(try net.predictions(x.samples(range), batchSize: batch).map(Float.init))
        }
        return try Tensor.oneHot(predicted.scalars.map { Int($0) }, classes: dataset.classCount)
    }

    static func forward(_ c: inout Call) throws -> Value {
        let value = try c.network(0)
        let net = value.network
        let (dataset, x) = try images(&c, 1)
        let batch = try batchSize(&c, default: defaultBatch)
        let outputs = try c.evaluator.overSamples("forward", count: dataset.count) { range in
            try net.forward(x.samples(range), batchSize: batch)
        }
        // No activations are kept (those of an earlier `forward NET X` stay).
        value.lastDataSetForward = dataset.name
        return .tensor(outputs)
    }

    static func relprop(_ c: inout Call, rules: RuleSet) throws -> Value {
        let net = try c.network(0).network
        let (dataset, x) = try images(&c, 1)
        let batch = try batchSize(&c, default: defaultBatch)
        let t = try targets(&c, net: net, dataset: dataset, x: x, batch: batch)
        return .tensor(try c.evaluator.overSamples("explaining", count: dataset.count) { range in
            try net.explain(x.samples(range), targets: t.samples(range), rules: rules, batchSize: batch)
        })
    }

    static func gradprop(_ c: inout Call) throws -> Value {
        let net = try c.network(0).network
        let (dataset, x) = try images(&c, 1)
        let batch = try batchSize(&c, default: defaultBatch)
        let t = try targets(&c, net: net, dataset: dataset, x: x, batch: batch)
        return .tensor(try c.evaluator.overSamples("gradients", count: dataset.count) { range in
            try net.gradients(x.samples(range), targets: t.samples(range), batchSize: batch)
        })
    }
}

/// A data set's images as slices, each padded when taken.
struct SliceSource {
    let images: Tensor
    let pad: Int

    func samples(_ range: Range<Int>) throws -> Tensor {
        let slice = try images.samples(range)
        return pad == 0 ? slice : try slice.paddedSpatially(pad, value: -1)
    }
}
