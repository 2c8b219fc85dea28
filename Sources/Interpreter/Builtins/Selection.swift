import LRPKit

/// Picking, ordering and joining: the functions that go with masks (`X[mask]`, `X[indices]`).
let selectionBuiltins: [Builtin] = [
    Builtin("nonzero", .tensor, usage: "nonzero(X)", "The indices of the nonzero (true) entries: a 1-D tensor for 1-D X, else K x rank.",
            details: """
            wrong = nonzero(P != L) gives the positions where P and L differ; mnist[wrong] those images.
            For X with several axes, each row is one position (numpy's argwhere).
            """) { c in
        try c.expectCount(1...1, usage: "nonzero(X)")
        return .tensor(try nonzero(c.tensor(0, "X")))
    },
    Builtin("where", .tensor, usage: "where(MASK) | where(MASK, A, B)",
            "With one argument, nonzero(MASK); with three, A where MASK is true, else B (broadcast).",
            details: "where(R > 0, R, 0) keeps the positive relevance and zeroes the rest.") { c in
        try c.expectCount(1...3, usage: "where(MASK) | where(MASK, A, B)")
        switch c.arguments.count {
        case 1: return .tensor(try nonzero(c.tensor(0, "MASK")))
        case 3:
            let chosen = try Tensor.choosing(c.tensor(0, "MASK"), c.tensor(1, "A"), c.tensor(2, "B"))
            return chosen.rank == 0 ? .number(Double(chosen.scalars[0])) : .tensor(chosen)
        default: throw c.fail("where takes MASK alone or MASK, A, B (usage: where(MASK) | where(MASK, A, B))")
        }
    },
    Builtin("any", .tensor, usage: "any(X, axis=A)", "True when some entry is nonzero (true); along an axis, a mask.",
            keywords: ["axis"]) { c in try truth(&c) { $0.contains { $0 != 0 } } },
    Builtin("all", .tensor, usage: "all(X, axis=A)", "True when every entry is nonzero (true); along an axis, a mask.",
            keywords: ["axis"]) { c in try truth(&c) { $0.allSatisfy { $0 != 0 } } },
    Builtin("sort", .tensor, usage: "sort(X, axis=-1)", "The values in ascending order along an axis (default: the last).",
            details: "NaN sorts last, as in numpy. For descending order: -sort(-X).",
            keywords: ["axis"]) { c in
        try c.expectCount(1...1, usage: "sort(X, axis=-1)")
        return .tensor(try c.tensor(0, "X").sorted(axis: try c.integerKeyword("axis", default: -1)))
    },
    Builtin("argsort", .tensor, usage: "argsort(X, axis=-1)", "The indices that sort X ascending along an axis; ties keep their order.",
            details: "numpy's argsort(X, kind=\"stable\"). argsort(-X) orders from the largest.",
            keywords: ["axis"]) { c in
        try c.expectCount(1...1, usage: "argsort(X, axis=-1)")
        return .tensor(try c.tensor(0, "X").argsorted(axis: try c.integerKeyword("axis", default: -1)))
    },
    Builtin("topk", .tensor, usage: "V, I = topk(X, K, axis=-1)", "The K largest values along an axis, largest first, and their indices.",
            details: "Ties go to the lower index; NaN counts as the largest (as torch.topk). On a 1-D X, mnist[I] are the images.",
            keywords: ["axis"]) { c in
        try c.expectCount(2...2, usage: "V, I = topk(X, K, axis=-1)")
        let x = try c.tensor(0, "X")
        guard x.rank >= 1 else { throw c.fail("topk: X needs at least one axis, got a scalar", argument: 0) }
        let (values, indices) = try x.top(try c.integer(1, "K"), axis: try c.integerKeyword("axis", default: -1))
        return .results([.tensor(values), .tensor(indices)], names: ["V", "I"])
    },
    Builtin("stack", .tensor, usage: "stack(LIST, axis=0) | stack(A, B, ..., axis=0)", "Tensors of one shape stacked along a new axis.",
            details: "stack([A, B]) of two 28x28 images is 2x28x28; axis=-1 puts the new axis last.",
            keywords: ["axis"]) { c in
        let parts = try tensors(c, usage: "stack(LIST, axis=0)")
        return .tensor(try Tensor.stacked(parts, axis: try c.integerKeyword("axis", default: 0)))
    },
    Builtin("concat", .tensor, usage: "concat(LIST, axis=0) | concat(A, B, ..., axis=0)", "Tensors joined along an existing axis, or data sets joined.",
            details: "All axes but the joined one must agree. Data sets of equally sized images join into one (labels kept).",
            keywords: ["axis"]) { c in
        if case .dataset = c.arguments.first ?? .none { return .dataset(try joinDatasets(c)) }
        let parts = try tensors(c, usage: "concat(LIST, axis=0)")
        return .tensor(try Tensor.concatenated(parts, axis: try c.integerKeyword("axis", default: 0)))
    },
]

private func nonzero(_ x: Tensor) -> Tensor {
    let positions = x.nonzeroPositions()
    if x.rank <= 1 { return Tensor(positions.map { Float($0.first ?? 0) }) }
    return (try? Tensor(shape: [positions.count, x.rank], scalars: positions.flatMap { $0.map(Float.init) }))
        ?? Tensor([])
}

/// `any`/`all`: a boolean over everything, or a mask along an axis.
private func truth(_ c: inout Call, _ test: @escaping ([Float]) -> Bool) throws -> Value {
    try c.expectCount(1...1, usage: "\(c.name)(X, axis=A)")
    let x = try c.tensor(0, "X")
    guard let axis = try c.optionalIntegerKeyword("axis") else { return .boolean(test(x.scalars)) }
    guard x.rank >= 1 else { throw c.fail("\(c.name): axis= needs a tensor with axes, got a scalar", argument: c.keywordIndex("axis")) }
    let lanes = try x.mappingLanes(axis: axis, operation: c.name, length: 1) { [test($0) ? 1 : 0] }
    var shape = lanes.shape
    shape.remove(at: axis < 0 ? axis + x.rank : axis)
    return .mask(try lanes.reshaped(shape))
}

/// The tensors of `f(LIST)` or `f(A, B, ...)`.
private func tensors(_ c: Call, usage: String) throws -> [Tensor] {
    guard !c.arguments.isEmpty else { throw c.fail("\(c.name) takes a list of tensors or several tensors (usage: \(usage))") }
    if c.arguments.count == 1, case .list(let items) = c.arguments[0] {
        guard !items.isEmpty else { throw c.fail("\(c.name): the list is empty", argument: 0) }
        return try items.enumerated().map { k, item in try c.asTensor(item, what: "item \(k)", argument: 0) }
    }
    return try c.arguments.indices.map { try c.tensor($0, "argument \($0 + 1)") }
}

private func joinDatasets(_ c: Call) throws -> Dataset {
    try c.checkKeywords([])
    let sets = try c.arguments.indices.map { try c.dataset($0) }
    let first = sets[0]
    for (k, d) in sets.enumerated() where Array(d.images.shape.dropFirst()) != Array(first.images.shape.dropFirst())
        || d.classCount != first.classCount || (d.low, d.high) != (first.low, first.high) {
        throw c.fail("concat: \(d.name) has \(describe(shape: Array(d.images.shape.dropFirst()))) images in \(d.classCount) classes, \(first.name) \(describe(shape: Array(first.images.shape.dropFirst()))) in \(first.classCount) (and both need the same range=)", argument: k)
    }
    return try Dataset(name: sets.map(\.name).joined(separator: " + "), pixels: sets.flatMap(\.pixels),
                       height: first.height, width: first.width, channels: first.channels, labels: sets.flatMap(\.labels),
                       classCount: first.classCount, low: first.low, high: first.high)
}
