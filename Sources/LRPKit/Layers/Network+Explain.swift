/// Whole-data-set operations, run in slices on all cores (see `Batching`). The default slice of 64
/// samples keeps a slice's activations in cache (measured on the tutorial CNN: 32-64 beat 250).
extension Network {
    /// Outputs for every sample, computed `batchSize` at a time.
    public func forward(_ inputs: Tensor, batchSize: Int) throws -> Tensor {
        try Batching.map(inputs, batchSize: batchSize) { try self.forward($0) }
    }

    /// The predicted class (argmax of the output) of every sample.
    public func predictions(_ inputs: Tensor, batchSize: Int = 64) throws -> [Int] {
        let outputs = try forward(inputs, batchSize: batchSize)
        let classes = try outputs.reshaped([outputs.shape[0], -1]).argmax(axis: 1)
        return classes.scalars.map { Int($0) }
    }

    /// The tutorial's explanation of every sample: the output masked to the target class
    /// (`Y * T`) propagated down with `rules`. `targets` is one-hot N x classes; nil explains each
    /// sample's predicted class.
    public func explain(_ inputs: Tensor, targets: Tensor? = nil, rules: RuleSet, batchSize: Int = 64) throws -> Tensor {
        if let targets, targets.rank < 1 || inputs.rank < 1 || targets.shape[0] != inputs.shape[0] {
            throw LRPError.shapeMismatch(operation: "explain",
                "targets \(describe(shape: targets.shape)) do not match \(describe(shape: inputs.shape)) inputs")
        }
        let prepared = try prepare(rules)  // once, not per slice
        return try Batching.map(count: inputs.rank == 0 ? 0 : inputs.shape[0], batchSize: batchSize) { range in
            let x = try inputs.samples(range)
            let activations = try self.activations(x)
            let y = activations[self.layers.count]
            let t = try targets.map { try $0.samples(range).reshaped(y.shape) } ?? Network.oneHotOfArgmax(y)
            return try self.relprop(y * t, activations: activations, prepared: prepared)
        }
    }

    /// The gradient of the target output `sum(Y * T)` with respect to the input, per sample
    /// (`targets` one row per sample, reshaped to the output).
    public func gradients(_ inputs: Tensor, targets: Tensor, batchSize: Int = 64) throws -> Tensor {
        try Batching.map(count: inputs.rank == 0 ? 0 : inputs.shape[0], batchSize: batchSize) { range in
            let x = try inputs.samples(range)
            let activations = try self.activations(x)
            let t = try targets.samples(range).reshaped(activations[self.layers.count].shape)
            return try self.gradprop(t, activations: activations)
        }
    }

    /// Squared gradient of the target output (the tutorial's sensitivity analysis), per sample.
    public func sensitivity(_ inputs: Tensor, targets: Tensor, batchSize: Int = 64) throws -> Tensor {
        try gradients(inputs, targets: targets, batchSize: batchSize).raised(to: 2)
    }

    /// One-hot of the largest entry of each sample's output, shaped like `y`.
    static func oneHotOfArgmax(_ y: Tensor) throws -> Tensor {
        let n = y.shape[0]
        let flat = try y.reshaped([n, -1])
        let classes = try flat.argmax(axis: 1).scalars.map { Int($0) }
        return try Tensor.oneHot(classes, classes: flat.shape[1]).reshaped(y.shape)
    }
}
