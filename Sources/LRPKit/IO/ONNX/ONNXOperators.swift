/// The ONNX operators lrps converts, one function each (see `ONNXImporter` for the layout rules).
extension ONNXImporter {
    mutating func convert(_ node: Onnx_NodeProto) throws {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw fail(where: node, "operator domain '\(node.domain)' is not supported (only the standard ONNX operators are)")
        }
        switch node.opType {
        case "Constant": try constantNode(node)
        case "Identity", "Dropout":
            if node.output.count > 1, !node.output[1].isEmpty, readers[node.output[1]] != nil {
                throw fail(where: node, "the dropout mask is read by other nodes; lrps removes dropout")
            }
            define(node, .activation(try activation(node)))
        case "Softmax", "LogSoftmax":
            guard let name = node.output.first, outputs.contains(name) else {
                throw fail(where: node, "\(node.opType) is supported only at the output (where it is dropped)")
            }
            define(node, .activation(try activation(node)))
            notes.append("\(node.opType) '\(node.name)' at the output dropped: LRP explains the logits")
        case "Relu": try elementwise(node, ReLU())
        case "LeakyRelu": try elementwise(node, LeakyReLU(slope: attribute(node, "alpha").map { $0.f } ?? 0.01))
        case "Gemm", "MatMul": try dense(node)
        case "Conv": try convolution(node)
        case "BatchNormalization": try batchNorm(node)
        case "MaxPool", "AveragePool": try pooling(node)
        case "GlobalAveragePool": try globalPooling(node)
        case "ReduceMean": try reduceMean(node)
        case "Flatten": try flatten(node)
        case "Reshape": try reshape(node)
        case "Transpose": try transpose(node)
        case "Add", "Sub", "Mul", "Div": try arithmetic(node)
        case "Concat": try concat(node)
        default:
            throw fail(where: node, "operator \(node.opType) is not supported; lrps reads \(Self.supported.joined(separator: ", "))")
        }
    }

    private mutating func constantNode(_ node: Onnx_NodeProto) throws {
        guard let value = node.attribute.first else { throw fail(where: node, "has no value") }
        let c: ONNXConstant
        switch value.name {
        case "value": c = try tensors.read(value.t, what: "node '\(node.name)' (Constant)")
        case "value_float": c = ONNXConstant(dims: [], values: [value.f])
        case "value_floats": c = ONNXConstant(dims: [value.floats.count], values: value.floats)
        case "value_int": c = ONNXConstant(dims: [], values: [Float(value.i)], integers: [Int(clamping: value.i)])
        case "value_ints":
            let ints = value.ints.map { Int(clamping: $0) }
            c = ONNXConstant(dims: [ints.count], values: ints.map(Float.init), integers: ints)
        default: throw fail(where: node, "value attribute '\(value.name)' is not supported")
        }
        define(node, .constant(c))
    }

    private mutating func elementwise(_ node: Onnx_NodeProto, _ layer: any Layer) throws {
        var a = try activation(node)
        a.ref = append(layer, reads: [a.ref])
        define(node, .activation(a))
    }

    // MARK: Linear layers

    private mutating func dense(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        guard a.shape.count == 1 else {
            throw fail(where: node, "multiplies a \(describe(shape: a.shape)) input per sample; lrps supports N x features (flatten first)")
        }
        guard let b = try constant(node, 1), b.dims.count == 2 else {
            throw fail(where: node, "the weight must be a constant matrix")
        }
        var (rows, cols) = (b.dims[0], b.dims[1])
        var weight = b.values
        var bias = [Float](repeating: 0, count: 0)
        if node.opType == "Gemm" {
            guard (attribute(node, "transA")?.intValue ?? 0) == 0 else { throw fail(where: node, "transA=1 is not supported") }
            if (attribute(node, "transB")?.intValue ?? 0) != 0 {
                weight = transposed(weight, rows: rows, cols: cols)
                (rows, cols) = (cols, rows)
            }
            let alpha = attribute(node, "alpha")?.f ?? 1
            if alpha != 1 { weight = weight.map { $0 * alpha } }
            if let c = try constant(node, 2, optional: true) {
                let beta = attribute(node, "beta")?.f ?? 1
                guard c.count == cols || c.count == 1 else {
                    throw fail(where: node, "bias of shape \(describe(shape: c.dims)) does not fit \(cols) outputs")
                }
                bias = c.count == 1 ? [Float](repeating: c.values[0] * beta, count: cols) : c.values.map { $0 * beta }
            }
        }
        guard rows == a.shape[0] else {
            throw fail(where: node, "weight \(rows)x\(cols) does not fit the \(a.shape[0]) input features")
        }
        if bias.isEmpty { bias = [Float](repeating: 0, count: cols) }
        if let order = a.flatOrder {
            // The input's features are stored in lrps order: move the weight rows there too.
            var moved = weight
            for f in 0..<rows { for j in 0..<cols { moved[order[f] * cols + j] = weight[f * cols + j] } }
            weight = moved
        }
        let layer = try Linear(weight: Tensor(unchecked: [rows, cols], scalars: weight), bias: Tensor(bias))
        let ref = append(layer, reads: [a.ref])
        define(node, .activation(Activation(ref: ref, shape: [cols], storage: [0])))
    }

    private mutating func convolution(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        guard a.isChannelsLast else {
            throw fail(where: node, "input of shape \(describe(shape: a.shape)) is not an image (C x H x W per sample, channels last in lrps)")
        }
        guard let w = try constant(node, 1), w.dims.count == 4 else { throw fail(where: node, "the weight must be a constant O x C x kh x kw tensor") }
        let (outC, perGroup, kh, kw) = (w.dims[0], w.dims[1], w.dims[2], w.dims[3])
        let (inC, h, wd) = (a.shape[0], a.shape[1], a.shape[2])
        let group = attribute(node, "group")?.intValue ?? 1
        guard group >= 1, inC % group == 0, outC % group == 0, perGroup * group == inC, kh >= 1, kw >= 1 else {
            throw fail(where: node, "weight \(describe(shape: w.dims)) with group \(group) does not fit \(inC) input channels")
        }
        let strides = ints(node, "strides") ?? [1, 1]
        let dilations = ints(node, "dilations") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], strides[0] >= 1 else {
            throw fail(where: node, "strides \(strides) are not supported (equal strides >= 1 are)")
        }
        guard dilations.count == 2, dilations.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
            throw fail(where: node, "dilations \(dilations) are not supported")
        }
        let bias = try constant(node, 2, optional: true)?.values ?? [Float](repeating: 0, count: outC)
        guard bias.count == outC else { throw fail(where: node, "bias of \(bias.count) values for \(outC) output channels") }
        // Groups and dilation become a dense kernel with zeros (lrps convolutions are dense).
        let (eh, ew) = ((kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1)
        let count: Int
        do { count = try Tensor.elementCount(of: [eh, ew, inC, outC]) } catch {
            throw fail(where: node, "the kernel \(eh)x\(ew)x\(inC)x\(outC) is too large")
        }
        var dense = [Float](repeating: 0, count: count)
        let outPerGroup = outC / group
        for o in 0..<outC {
            let g = o / outPerGroup
            for ci in 0..<perGroup { for ky in 0..<kh { for kx in 0..<kw {
                let c = g * perGroup + ci
                dense[((ky * dilations[0] * ew + kx * dilations[1]) * inC + c) * outC + o] = w.values[((o * perGroup + ci) * kh + ky) * kw + kx]
            } } }
        }
        let pads = try explicitPads(node, kernel: [eh, ew], stride: strides[0], input: [h, wd])
        if group > 1 || dilations != [1, 1] {
            notes.append("conv '\(node.name)' (group \(group), dilation \(dilations[0])x\(dilations[1])) is computed as a dense \(eh)x\(ew)x\(inC)x\(outC) kernel with zeros")
        }
        let (ph, pw, s) = (pads[0] + pads[2], pads[1] + pads[3], strides[0])
        guard h + ph >= eh, wd + pw >= ew else {
            throw fail(where: node, "kernel \(eh)x\(ew) is larger than the padded input \(h + ph)x\(wd + pw)")
        }
        // ONNX's pads are begin h, begin w, end h, end w; lrps's top, left, bottom, right: the same.
        let layer = try Convolution(weight: Tensor(unchecked: [eh, ew, inC, outC], scalars: dense), bias: Tensor(bias), stride: s, pads: pads)
        let ref = append(layer, reads: [a.ref])
        let shape = [outC, (h + ph - eh) / s + 1, (wd + pw - ew) / s + 1]
        define(node, .activation(Activation(ref: ref, shape: shape, storage: [1, 2, 0])))
    }

    /// `pads` (begin h, begin w, end h, end w), with auto_pad resolved: SAME_UPPER / SAME_LOWER
    /// pad so the output is ceil(input / stride), the odd one at the end / at the beginning (what
    /// torch's `padding='same'` exports as with an even kernel).
    private func explicitPads(_ node: Onnx_NodeProto, kernel: [Int], stride: Int, input: [Int]) throws -> [Int] {
        if let auto = attribute(node, "auto_pad"), !auto.s.isEmpty {
            let mode = String(decoding: auto.s, as: UTF8.self)
            switch mode {
            case "NOTSET": break
            case "VALID": return [0, 0, 0, 0]
            case "SAME_UPPER", "SAME_LOWER":
                let total = (0..<2).map { Swift.max(0, ((input[$0] + stride - 1) / stride - 1) * stride + kernel[$0] - input[$0]) }
                let small = total.map { $0 / 2 }, large = total.map { $0 - $0 / 2 }
                return mode == "SAME_UPPER" ? small + large : large + small
            default:
                throw fail(where: node, "auto_pad \(mode) is not supported (NOTSET, VALID, SAME_UPPER, SAME_LOWER are)")
            }
        }
        let pads = ints(node, "pads") ?? [0, 0, 0, 0]
        guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else {
            throw fail(where: node, "pads \(pads) are not supported")
        }
        return pads
    }

    private mutating func pooling(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        guard a.isChannelsLast else { throw fail(where: node, "input of shape \(describe(shape: a.shape)) is not an image") }
        guard let kernel = ints(node, "kernel_shape"), kernel.count == 2, kernel[0] == kernel[1], kernel[0] >= 1 else {
            throw fail(where: node, "kernel \(ints(node, "kernel_shape") ?? []) is not supported (square kernels are)")
        }
        let strides = ints(node, "strides") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], strides[0] >= 1 else {
            throw fail(where: node, "strides \(strides) are not supported (equal strides are)")
        }
        guard (ints(node, "dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }) else { throw fail(where: node, "dilated pooling is not supported") }
        let (k, s, h, w) = (kernel[0], strides[0], a.shape[1], a.shape[2])
        let pads = try explicitPads(node, kernel: kernel, stride: s, input: [h, w])
        guard pads.allSatisfy({ $0 < k }) else { throw fail(where: node, "pads \(pads) are not below the kernel size \(k)") }
        if node.opType == "AveragePool", pads != [0, 0, 0, 0], (attribute(node, "count_include_pad")?.intValue ?? 0) == 0 {
            throw fail(where: node, "padded average pooling with count_include_pad=0 is not supported (count_include_pad=1, torch's default, is)")
        }
        let (ph, pw) = (pads[0] + pads[2], pads[1] + pads[3])
        guard h + ph >= k, w + pw >= k else { throw fail(where: node, "kernel \(k)x\(k) is larger than the padded input \(h + ph)x\(w + pw)") }
        if (attribute(node, "ceil_mode")?.intValue ?? 0) != 0, (h + ph - k) % s != 0 || (w + pw - k) % s != 0 {
            throw fail(where: node, "ceil_mode=1 with a partial last window is not supported")
        }
        let layer: any Layer = node.opType == "MaxPool" ? try MaxPooling(size: k, stride: s, pads: pads) : try AveragePooling(size: k, stride: s, pads: pads)
        var out = a
        out.ref = append(layer, reads: [a.ref])
        out.shape = [a.shape[0], (h + ph - k) / s + 1, (w + pw - k) / s + 1]
        define(node, .activation(out))
    }

    private mutating func globalPooling(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        guard a.isChannelsLast else { throw fail(where: node, "input of shape \(describe(shape: a.shape)) is not an image") }
        var out = a
        out.ref = append(GlobalAveragePooling(), reads: [a.ref])
        out.shape = [a.shape[0], 1, 1]
        define(node, .activation(out))
    }

    /// The mean over H and W (the dynamo exporter's global average pooling), kept or not.
    private mutating func reduceMean(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        let axes = try constant(node, 1, optional: true)?.integers ?? ints(node, "axes") ?? []
        let normalised = Set(axes.map { $0 < 0 ? $0 + a.shape.count + 1 : $0 })
        guard a.isChannelsLast, normalised == [2, 3] else {
            throw fail(where: node, "only the mean over the two spatial axes of an image is supported (axes \(axes) on \(describe(shape: a.shape)))")
        }
        try globalPooling(node)
        if (attribute(node, "keepdims")?.intValue ?? 1) == 0, case .activation(let pooled)? = values[node.output[0]] {
            // N x C x 1 x 1 to N x C: the same order in both layouts.
            var flat = pooled
            flat.ref = append(Flatten(), reads: [pooled.ref])
            flat.shape = [pooled.shape[0]]
            flat.storage = [0]
            define(node, .activation(flat))
        }
    }

    /// Batch norm (inference form) folded into the linear layer before it, or an affine layer.
    private mutating func batchNorm(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        if let mode = attribute(node, "training_mode")?.intValue, mode != 0 {
            throw fail(where: node, "training_mode=1 is not supported (export the model in eval mode)")
        }
        let parts = try (1...4).map { try constant(node, $0)! }
        let channels = a.shape.first ?? 0
        guard parts.allSatisfy({ $0.count == channels }) else {
            throw fail(where: node, "parameters of \(parts.map { $0.count }) values do not fit \(channels) channels")
        }
        let epsilon = attribute(node, "epsilon")?.f ?? 1e-5
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let s = Double(parts[0].values[c]) / (Double(parts[3].values[c]) + Double(epsilon)).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(parts[1].values[c]) - Double(parts[2].values[c]) * s)
        }
        guard a.storage.last == 0 || channels == 1 else {
            throw fail(where: node, "its channels are not the last axis lrps stores")
        }
        try affine(node, a, scale: scale, shift: shift, what: "batch norm")
    }

    /// `scale * x + shift` per channel: folded into a Linear/Convolution that only this node reads,
    /// else a layer of its own.
    mutating func affine(_ node: Onnx_NodeProto, _ a: Activation, scale: [Float], shift: [Float], what: String) throws {
        if let index = soleProducer(of: a, name: node.input[0]) {
            let channels = Swift.max(scale.count, shift.count)
            func sc(_ j: Int) -> Float { scale[scale.count == 1 ? 0 : j] }
            func sh(_ j: Int) -> Float { shift[shift.count == 1 ? 0 : j] }
            func folded(_ weight: Tensor, _ bias: Tensor?) -> (Tensor, Tensor)? {
                let out = weight.shape.last ?? 0
                guard channels == 1 || channels == out else { return nil }
                var w = weight.scalars
                for i in w.indices { w[i] *= sc(i % out) }
                let b = (0..<out).map { j in (bias?.scalars[j] ?? 0) * sc(j) + sh(j) }
                return (Tensor(unchecked: weight.shape, scalars: w), Tensor(b))
            }
            if let linear = layers[index] as? Linear, let (w, b) = folded(linear.weight, linear.bias) {
                layers[index] = try Linear(weight: w, bias: b)
                notes.append("\(what) '\(node.name)' folded into \(layers[index].description) (layer \(index + 1))")
                define(node, .activation(a))
                return
            }
            if let conv = layers[index] as? Convolution, let (w, b) = folded(conv.weight, conv.bias) {
                layers[index] = try Convolution(weight: w, bias: b, stride: conv.stride, pads: conv.pads, padValue: conv.padValue)
                notes.append("\(what) '\(node.name)' folded into \(layers[index].description) (layer \(index + 1))")
                define(node, .activation(a))
                return
            }
            if shift.allSatisfy({ $0 == 0 }), scale.count == 1, let pool = layers[index] as? AveragePooling {
                layers[index] = try SumPooling(size: pool.size, stride: pool.stride, scale: scale[0] / Float(pool.size * pool.size), pads: pool.pads)
                define(node, .activation(a))
                return
            }
            if shift.allSatisfy({ $0 == 0 }), scale.count == 1, let pool = layers[index] as? SumPooling {
                layers[index] = try SumPooling(size: pool.size, stride: pool.stride, scale: scale[0] * pool.scale, pads: pool.pads)
                define(node, .activation(a))
                return
            }
        }
        var out = a
        out.ref = append(try Affine(scale: scale, shift: shift), reads: [a.ref])
        notes.append("\(what) '\(node.name)' kept as an affine layer (layer \(out.ref)): nothing before it to fold it into")
        define(node, .activation(out))
    }

    // MARK: Shapes

    private mutating func flatten(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        guard (attribute(node, "axis")?.intValue ?? 1) == 1 else {
            throw fail(where: node, "axis \(attribute(node, "axis")?.intValue ?? 1) is not supported (axis 1 is)")
        }
        try flatten(node, a)
    }

    /// N x ... to N x features, recording the order lrps stores the features in.
    private mutating func flatten(_ node: Onnx_NodeProto, _ a: Activation) throws {
        guard a.shape.count > 1 else { define(node, .activation(a)); return }
        let stored = a.storedShape
        var order = [Int](repeating: 0, count: a.shape.reduce(1, *))
        var logicalStrides = [Int](repeating: 1, count: a.shape.count)
        for k in stride(from: a.shape.count - 2, through: 0, by: -1) { logicalStrides[k] = logicalStrides[k + 1] * a.shape[k + 1] }
        var index = [Int](repeating: 0, count: stored.count)
        for position in order.indices {
            var logical = 0
            for k in stored.indices { logical += index[k] * logicalStrides[a.storage[k]] }
            order[logical] = position
            var k = stored.count - 1
            while k >= 0 { index[k] += 1; if index[k] < stored[k] { break }; index[k] = 0; k -= 1 }
        }
        let ref = append(Flatten(), reads: [a.ref])
        let identity = order.enumerated().allSatisfy { $0.offset == $0.element }
        define(node, .activation(Activation(ref: ref, shape: [order.count], storage: [0], flatOrder: identity ? nil : order)))
    }

    private mutating func reshape(_ node: Onnx_NodeProto) throws {
        let a = try activation(node)
        let target: [Int]
        if let shape = try constant(node, 1, optional: true) {
            guard let ints = shape.integers, shape.dims.count == 1 else { throw fail(where: node, "the shape must be a constant integer vector") }
            target = ints
        } else if let ints = ints(node, "shape") {
            target = ints
        } else {
            throw fail(where: node, "has no shape")
        }
        guard let first = target.first, first == 0 || first == -1 || first == declaredBatch else {
            throw fail(where: node, "shape \(target) changes the batch axis; lrps reshapes each sample")
        }
        var perSample = Array(target.dropFirst())
        for (i, d) in perSample.enumerated() where d == 0 {
            guard i < a.shape.count else { throw fail(where: node, "shape \(target) copies an axis the input lacks") }
            perSample[i] = a.shape[i]
        }
        let count = a.shape.reduce(1, *)
        let unknown = perSample.indices.filter { perSample[$0] == -1 }
        guard unknown.count <= (first == -1 ? 0 : 1), perSample.allSatisfy({ $0 == -1 || $0 >= 1 }) else {
            throw fail(where: node, "shape \(target) is not a per-sample reshape of \(describe(shape: a.shape))")
        }
        if let u = unknown.first {
            let known = perSample.filter { $0 != -1 }.reduce(1, *)
            guard count % known == 0 else { throw fail(where: node, "shape \(target) does not fit \(count) values per sample") }
            perSample[u] = count / known
        }
        guard perSample.reduce(1, *) == count else {
            throw fail(where: node, "shape \(target) holds \(perSample.reduce(1, *)) values per sample, the input \(count)")
        }
        if perSample == a.shape { define(node, .activation(a)); return }
        if perSample.count == 1 { try flatten(node, a); return }
        guard a.storage == Array(a.storage.indices), a.flatOrder == nil else {
            throw fail(where: node, "reshaping \(describe(shape: a.shape)) to \(describe(shape: perSample)) would need the channels-first order lrps does not keep")
        }
        let ref = append(Reshape(shape: perSample), reads: [a.ref])
        define(node, .activation(Activation(ref: ref, shape: perSample, storage: Array(perSample.indices))))
    }

    /// Only the bookkeeping changes: lrps keeps the data where it is.
    private mutating func transpose(_ node: Onnx_NodeProto) throws {
        var a = try activation(node)
        let rank = a.shape.count + 1
        let perm = ints(node, "perm") ?? Array((0..<rank).reversed())
        guard perm.count == rank, perm.first == 0, Set(perm) == Set(0..<rank), a.flatOrder == nil else {
            throw fail(where: node, "perm \(perm) moves the batch axis or does not fit a \(rank)-axis input")
        }
        let q = perm.dropFirst().map { $0 - 1 }      // new ONNX axis j = old axis q[j]
        var inverse = [Int](repeating: 0, count: q.count)
        for (j, old) in q.enumerated() { inverse[old] = j }
        a.storage = a.storage.map { inverse[$0] }
        a.shape = q.map { a.shape[$0] }
        define(node, .activation(a))
    }

    // MARK: Arithmetic and merges

    private mutating func arithmetic(_ node: Onnx_NodeProto) throws {
        guard node.input.count == 2, let left = input(node, 0), let right = input(node, 1) else {
            throw fail(where: node, "needs two inputs")
        }
        switch (values[left], values[right]) {
        case (.activation(let a)?, .activation(let b)?):
            guard node.opType == "Add" else {
                throw fail(where: node, "\(node.opType) of two computed tensors is not supported (Add of two branches is)")
            }
            guard a.shape == b.shape, a.storage == b.storage, a.flatOrder == b.flatOrder else {
                throw fail(where: node, "adds branches of shapes \(describe(shape: a.shape)) and \(describe(shape: b.shape))")
            }
            var out = a
            out.ref = append(Addition(), reads: [a.ref, b.ref])
            define(node, .activation(out))
        case (.activation(let a)?, .constant(let c)?):
            let v = try perChannel(c, of: a, node)
            switch node.opType {
            case "Add": try affine(node, a, scale: [1], shift: v, what: "Add")
            case "Sub": try affine(node, a, scale: [1], shift: v.map { -$0 }, what: "Sub")
            case "Mul": try affine(node, a, scale: v, shift: [0], what: "Mul")
            default:
                guard !v.contains(0) else { throw fail(where: node, "divides by zero") }
                try affine(node, a, scale: v.map { 1 / $0 }, shift: [0], what: "Div")
            }
        case (.constant(let c)?, .activation(let a)?):
            let v = try perChannel(c, of: a, node)
            switch node.opType {
            case "Add": try affine(node, a, scale: [1], shift: v, what: "Add")
            case "Mul": try affine(node, a, scale: v, shift: [0], what: "Mul")
            case "Sub": try affine(node, a, scale: [-1], shift: v, what: "Sub")
            default: throw fail(where: node, "dividing a constant by the network's values is not supported")
            }
        case (.constant(let x)?, .constant(let y)?) where x.count == 1 || y.count == 1 || x.dims == y.dims:
            // Constant arithmetic (shape computations): element by element.
            let n = Swift.max(x.count, y.count)
            let kind = node.opType
            let values = (0..<n).map { (i: Int) -> Float in
                let (l, r) = (x.values[x.count == 1 ? 0 : i], y.values[y.count == 1 ? 0 : i])
                switch kind {
                case "Add": return l + r
                case "Sub": return l - r
                case "Mul": return l * r
                default: return l / r
                }
            }
            define(node, .constant(ONNXConstant(dims: x.count >= y.count ? x.dims : y.dims, values: values)))
        default:
            throw fail(where: node, "inputs of unsupported kinds")
        }
    }

    /// A constant that broadcasts over `a`: one value, or one per channel (the axis lrps stores last).
    private func perChannel(_ c: ONNXConstant, of a: Activation, _ node: Onnx_NodeProto) throws -> [Float] {
        if c.count == 1 { return c.values }
        // Align the constant's axes to the end of N x shape; it may vary along one ONNX axis only.
        let full = [1] + a.shape
        guard c.dims.count <= full.count else { throw fail(where: node, "constant \(describe(shape: c.dims)) has more axes than the input") }
        let offset = full.count - c.dims.count
        let varying = c.dims.indices.filter { c.dims[$0] != 1 }
        guard varying.count == 1, let axis = varying.first.map({ $0 + offset - 1 }), axis >= 0,
              c.dims[varying[0]] == a.shape[axis], a.storage.last == axis else {
            throw fail(where: node, "constant of shape \(describe(shape: c.dims)) does not broadcast per channel over \(describe(shape: a.shape))")
        }
        return c.values
    }

    private mutating func concat(_ node: Onnx_NodeProto) throws {
        let parts = try node.input.indices.map { try activation(node, $0) }
        guard let first = parts.first else { throw fail(where: node, "has no inputs") }
        var axis = attribute(node, "axis")?.intValue ?? 1
        if axis < 0 { axis += first.shape.count + 1 }
        guard axis >= 1, axis <= first.shape.count else { throw fail(where: node, "axis \(axis) is the batch or out of range") }
        let logical = axis - 1
        for p in parts {
            let fits = p.storage == first.storage && p.flatOrder == nil && p.shape.count == first.shape.count
                && p.shape.indices.allSatisfy { (axis: Int) -> Bool in axis == logical || p.shape[axis] == first.shape[axis] }
            if fits { continue }
            throw fail(where: node, "inputs of shapes \(parts.map { describe(shape: $0.shape) }.joined(separator: ", ")) do not fit together on axis \(axis)")
        }
        var out = first
        out.shape[logical] = parts.map { $0.shape[logical] }.reduce(0, +)
        let storedAxis = 1 + first.storage.firstIndex(of: logical)!
        out.ref = append(Concatenation(axis: storedAxis), reads: parts.map(\.ref))
        define(node, .activation(out))
    }
}

func transposed(_ values: [Float], rows: Int, cols: Int) -> [Float] {
    var out = values
    for i in 0..<rows { for j in 0..<cols { out[j * rows + i] = values[i * cols + j] } }
    return out
}
