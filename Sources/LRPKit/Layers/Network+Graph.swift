/// Networks that are graphs: a layer may read any earlier value, and a `MergeLayer` reads several
/// (a residual addition, a concatenation). The passes are the sequence's, in layer order; the
/// backward passes add up what a value receives from every layer that read it.
extension Network {
    /// A graph network; `sources[i]` lists the values layer `i` reads (0: the input, `j + 1`: the
    /// output of layer `j`). Refuses a wiring that reads later values (a cycle) or none.
    public init(_ layers: [any Layer], sources: [[Int]]) throws {
        guard sources.count == layers.count else {
            throw LRPError.invalidArgument("graph: \(sources.count) source lists for \(layers.count) layers")
        }
        for (index, (layer, reads)) in zip(layers, sources).enumerated() {
            guard !reads.isEmpty, reads.allSatisfy({ $0 >= 0 && $0 <= index }) else {
                throw LRPError.invalidArgument("graph: layer \(index + 1) (\(layer.description)) reads \(reads); it may read only the input (0) and layers before it (1...\(index))")
            }
            guard reads.count == 1 || layer is any MergeLayer else {
                throw LRPError.invalidArgument("graph: layer \(index + 1) (\(layer.description)) takes one input, wired to \(reads.count)")
            }
        }
        self.init(layers)
        // A plain chain is a sequence: keep the sequence's (faster, fused) passes.
        if !sources.enumerated().allSatisfy({ $0.element == [$0.offset] }) { self.sources = sources }
    }

    /// Whether some layer reads something other than the layer before it.
    public var isGraph: Bool { sources != nil }

    func graphActivations(_ input: Tensor, sources: [[Int]]) throws -> [Tensor] {
        var values = [input]
        values.reserveCapacity(layers.count + 1)
        for (index, layer) in layers.enumerated() {
            let inputs = sources[index].map { values[$0] }
            values.append(try inLayer(index) {
                if let merge = layer as? any MergeLayer { return try merge.forward(inputs) }
                return try layer.forward(inputs[0])
            })
        }
        return values
    }

    func graphGradprop(_ gradient: Tensor, activations: [Tensor], sources: [[Int]]) throws -> Tensor {
        try backward(gradient, sources: sources) { index, g in
            let inputs = sources[index].map { activations[$0] }
            if let merge = layers[index] as? any MergeLayer { return try merge.gradprop(g, inputs: inputs) }
            return [try layers[index].gradprop(g, input: inputs[0])]
        } ?? Tensor(unchecked: activations[0].shape, scalars: [Float](repeating: 0, count: activations[0].count))
    }

    func graphRelprop(_ relevance: Tensor, activations: [Tensor], rules: [Rule], sources: [[Int]]) throws -> Tensor {
        try backward(relevance, sources: sources) { index, r in
            let inputs = sources[index].map { activations[$0] }
            let output = activations[index + 1]
            if let merge = layers[index] as? any MergeLayer {
                return try merge.relprop(r, inputs: inputs, output: output, rule: rules[index])
            }
            return [try layers[index].relprop(r, input: inputs[0], output: output, rule: rules[index])]
        } ?? Tensor(unchecked: activations[0].shape, scalars: [Float](repeating: 0, count: activations[0].count))
    }

    /// Runs `step` from the last layer down; what a layer returns for its inputs is added to the
    /// values it read. Layers whose output reaches nothing are skipped. The input's total, or nil.
    private func backward(_ top: Tensor, sources: [[Int]], _ step: (Int, Tensor) throws -> [Tensor]) throws -> Tensor? {
        var pending = [Tensor?](repeating: nil, count: layers.count + 1)
        pending[layers.count] = top
        for index in layers.indices.reversed() {
            guard let value = pending[index + 1] else { continue }
            pending[index + 1] = nil  // free it as soon as it is used
            let parts = try inLayer(index) { try step(index, value) }
            for (source, part) in zip(sources[index], parts) {
                pending[source] = try pending[source].map { try $0.adding(part, scaledBy: 1) } ?? part
            }
        }
        return pending[0]
    }
}
