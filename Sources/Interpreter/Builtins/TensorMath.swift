import Foundation
import LRPKit

/// Reductions, shape changes and element-wise functions on tensors.
let tensorBuiltins: [Builtin] = [
    Builtin("number", .tensor, usage: "number(TEXT)",
            "The number written in TEXT, e.g. a script argument: number(args[0]).") { c in
        try c.expectCount(1...1, usage: "number(TEXT)")
        let text = try c.string(0, "TEXT")
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw c.fail("number: \"\(text)\" is not a number", argument: 0)
        }
        return .number(value)
    },
    Builtin("sum", .tensor, usage: "sum(X, axis=A)", "Sum of all values (a number), or along one axis (a tensor).",
            details: "Negative axes count from the end. axis may be a list to sum over several axes.",
            keywords: ["axis"]) { c in try reduce(&c) { t in .number(Double(t.sum())) } along: { t, a in try t.sum(axis: a) } },
    Builtin("mean", .tensor, usage: "mean(X, axis=A)", "Mean of all values, or along one axis.",
            keywords: ["axis"]) { c in
        try reduce(&c) { t in .number(t.count == 0 ? .nan : Double(t.sum()) / Double(t.count)) } along: { t, a in
            let r = try t.sum(axis: a)
            let n = Float(t.shape[a < 0 ? a + t.rank : a])
            return r / n
        }
    },
    Builtin("max", .tensor, usage: "max(X, axis=A)", "Largest value, or the largest along one axis.",
            keywords: ["axis"]) { c in
        try reduce(&c) { t in .number(Double(try nonEmpty(t, "max").max()!)) } along: { t, a in try t.max(axis: a) }
    },
    Builtin("min", .tensor, usage: "min(X, axis=A)", "Smallest value, or the smallest along one axis.",
            keywords: ["axis"]) { c in
        try reduce(&c) { t in .number(Double(try nonEmpty(t, "min").min()!)) } along: { t, a in try t.min(axis: a) }
    },
    Builtin("argmax", .tensor, usage: "argmax(X, axis=A)", "Index of the largest value along an axis (default: the last).",
            details: "argmax(Y, axis=1) of network outputs N x 10 gives the predicted digits.",
            keywords: ["axis"]) { c in
        try c.expectCount(1...1, usage: "argmax(X, axis=A)")
        let t = try c.tensor(0)
        guard t.rank >= 1 else { throw c.fail("argmax: needs at least one axis, got a scalar", argument: 0) }
        let r = try t.argmax(axis: try c.integerKeyword("axis", default: -1))
        return r.rank == 0 ? .number(Double(r.scalars[0])) : .tensor(r)
    },
    Builtin("abs", .tensor, usage: "abs(X)", "Absolute value of every element.") { c in
        try elementwise(&c) { $0.absolute() }
    },
    Builtin("sqrt", .tensor, usage: "sqrt(X)", "Square root of every element.") { c in
        try elementwise(&c) { $0.map { $0.squareRoot() } }
    },
    Builtin("exp", .tensor, usage: "exp(X)", "e to the power of every element.") { c in
        try elementwise(&c) { $0.map { Foundation.exp($0) } }
    },
    Builtin("log", .tensor, usage: "log(X)", "Natural logarithm of every element.") { c in
        try elementwise(&c) { $0.map { Foundation.log($0) } }
    },
    Builtin("clip", .tensor, usage: "clip(X, LOW, HIGH)", "Limits every element to [LOW, HIGH].") { c in
        try c.expectCount(3...3, usage: "clip(X, LOW, HIGH)")
        let low = Float(try c.number(1, "LOW")), high = Float(try c.number(2, "HIGH"))
        guard low <= high else { throw c.fail("clip: LOW \(formatNumber(Double(low))) is above HIGH \(formatNumber(Double(high)))") }
        return .tensor(try c.tensor(0).clipped(low, high))
    },
    Builtin("reshape", .tensor, usage: "reshape(X, D1, D2, ...)", "The same values under another shape.",
            details: "The shape may also be one list: reshape(T, [12, 1, 1, 10]). One dimension may be -1 (inferred).") { c in
        guard c.arguments.count >= 2 else { throw c.fail("reshape takes a tensor and a shape (usage: reshape(X, D1, D2, ...))") }
        let x = try c.tensor(0)
        var shape: [Int] = []
        if c.arguments.count == 2, case .list(let items) = c.arguments[1] {
            shape = try items.map { try c.asInteger($0, what: "a dimension", argument: 1) }
        } else {
            for i in 1..<c.arguments.count { shape.append(try c.integer(i, "a dimension")) }
        }
        guard shape.filter({ $0 == -1 }).count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
            throw c.fail("reshape: bad shape \(shape.map(String.init).joined(separator: "x")) (at most one -1, no other negatives)")
        }
        return .tensor(try x.reshaped(shape))
    },
    Builtin("pad", .tensor, usage: "pad X W value=V", "Pads the two image axes by W pixels on every side with V (default 0).",
            details: "X is N x H x W x C, N x H x W or H x W. The tutorial pads digits to 32x32 with the box bottom: pad X 2 value=-1.",
            keywords: ["value"]) { c in
        try c.expectCount(2...2, usage: "pad X W value=V")
        let x = try c.tensor(0), w = try c.integer(1, "the width")
        guard w >= 0 else { throw c.fail("pad: width must not be negative, got \(w)", argument: 1) }
        let value = Float(try c.numberKeyword("value", default: 0))
        return .tensor(try x.padded(try imageAxes(x, c).map { _ in (w, w) }.prefixPadded(for: x), value: value))
    },
    Builtin("crop", .tensor, usage: "crop X W", "Removes W pixels from every side of the two image axes (the inverse of pad).") { c in
        try c.expectCount(2...2, usage: "crop X W")
        let x = try c.tensor(0), w = try c.integer(1, "the width")
        let axes = try imageAxes(x, c)
        guard w >= 0, axes.allSatisfy({ x.shape[$0] > 2 * w }) else {
            throw c.fail("crop: cannot remove \(w) pixels from each side of shape \(describe(shape: x.shape))", argument: 1)
        }
        var selections = [AxisSelection](repeating: .all, count: axes.last! + 1)
        for a in axes { selections[a] = .range(start: w, end: x.shape[a] - w, step: 1) }
        return .tensor(try x.sliced(selections))
    },
    Builtin("onehot", .tensor, usage: "onehot(LABELS, CLASSES)", "One-hot rows N x CLASSES from N labels.") { c in
        try c.expectCount(2...2, usage: "onehot(LABELS, CLASSES)")
        let labels = try c.tensor(0, "LABELS"), classes = try c.integer(1, "CLASSES")
        guard classes >= 1, classes <= 1 << 20 else { throw c.fail("onehot: CLASSES must be in 1...1048576", argument: 1) }
        let ints = try labels.scalars.map { v -> Int in
            guard v == v.rounded(), Swift.abs(v) < 1e9 else {
                throw c.fail("onehot: label \(formatNumber(v)) is not a whole number in range", argument: 0)
            }
            return Int(v)
        }
        return .tensor(try Tensor.oneHot(ints, classes: classes))
    },
    Builtin("shape", .tensor, usage: "shape(X)", "The shape of a tensor, as a list.") { c in
        try c.expectCount(1...1, usage: "shape(X)")
        return .list(try c.tensor(0).shape.map { .number(Double($0)) })
    },
    Builtin("count", .tensor, usage: "count(X)", "The number of elements of a tensor, items of a list, or images of a dataset.") { c in
        try c.expectCount(1...1, usage: "count(X)")
        switch c.arguments[0] {
        case .list(let items): return .number(Double(items.count))
        case .dataset(let d): return .number(Double(d.labels.count))
        default: return .number(Double(try c.tensor(0).count))
        }
    },
    Builtin("tensor", .tensor, usage: "tensor(LIST)", "A tensor from a (nested) list of numbers: tensor([[1, 2], [3, 4]]).") { c in
        try c.expectCount(1...1, usage: "tensor(LIST)")
        return .tensor(try c.tensor(0))
    },
    Builtin("zeros", .tensor, usage: "zeros(D1, D2, ...)", "A tensor of zeros.") { c in
        .tensor(try Tensor(shape: try dimensions(c), repeating: 0))
    },
    Builtin("ones", .tensor, usage: "ones(D1, D2, ...)", "A tensor of ones.") { c in
        .tensor(try Tensor(shape: try dimensions(c), repeating: 1))
    },
    Builtin("range", .tensor, usage: "range(N) | range(START, END, STEP=1)", "The numbers START, START+STEP, ... below END, as a 1-D tensor.") { c in
        try c.expectCount(1...3, usage: "range(N) | range(START, END, STEP)")
        let start = c.arguments.count == 1 ? 0 : try c.number(0)
        let end = try c.number(c.arguments.count == 1 ? 0 : 1)
        let step = c.arguments.count == 3 ? try c.number(2) : 1
        guard step != 0 else { throw c.fail("range: STEP cannot be zero", argument: 2) }
        let length = ((end - start) / step).rounded(.up)
        guard length.isFinite, length < Double(Tensor.maximumElementCount) else {
            throw c.fail("range: \(formatNumber(length)) values are more than the limit of \(Tensor.maximumElementCount)")
        }
        let n = max(0, Int(length))
        return .tensor(Tensor((0..<n).map { Float(start + Double($0) * step) }))
    },
]

/// `f(X)` or `f(X, axis=A)`: a number over everything, a tensor along an axis (or a list of axes).
private func reduce(_ c: inout Call, all: (Tensor) throws -> Value,
                    along: (Tensor, Int) throws -> Tensor) throws -> Value {
    try c.expectCount(1...1, usage: "\(c.name)(X, axis=A)")
    let t = try c.tensor(0)
    guard let axisValue = c.keyword("axis") else { return try all(t) }
    var axes: [Int]
    if case .list(let items) = axisValue {
        axes = try items.map { try c.asInteger($0, what: "axis", argument: c.keywordIndex("axis")) }
    } else {
        axes = [try c.integerKeyword("axis", default: 0)]
    }
    for a in axes where a < -t.rank || a >= t.rank {
        throw c.fail("\(c.name): axis \(a) is out of range for shape \(describe(shape: t.shape))", argument: c.keywordIndex("axis"))
    }
    // Reduce the highest axes first so the lower indices stay valid.
    axes = axes.map { $0 < 0 ? $0 + t.rank : $0 }.sorted(by: >)
    if let repeated = zip(axes, axes.dropFirst()).first(where: { $0 == $1 }) {
        throw c.fail("\(c.name): axis \(repeated.0) is given twice", argument: c.keywordIndex("axis"))
    }
    var r = t
    for a in axes { r = try along(r, a) }
    return r.rank == 0 ? .number(Double(r.scalars[0])) : .tensor(r)
}

private func elementwise(_ c: inout Call, _ f: (Tensor) -> Tensor) throws -> Value {
    try c.expectCount(1...1, usage: "\(c.name)(X)")
    if case .number(let n) = c.arguments[0] { return .number(Double(f(Tensor(scalar: Float(n))).scalars[0])) }
    let t = try c.tensor(0)
    _ = try Tensor.allocationCount(of: t.shape)  // the result is as large: check the memory budget
    return .tensor(f(t))
}

private func dimensions(_ c: Call) throws -> [Int] {
    if c.arguments.count == 1, case .list(let items) = c.arguments[0] {
        return try items.map { try c.asInteger($0, what: "a dimension", argument: 0) }
    }
    return try (0..<c.arguments.count).map { try c.integer($0, "a dimension") }
}

/// The two image axes of N x H x W x C (1, 2), N x H x W (1, 2) or H x W (0, 1).
func imageAxes(_ x: Tensor, _ c: Call) throws -> [Int] {
    switch x.rank {
    case 4, 3: return [1, 2]
    case 2: return [0, 1]
    default:
        throw c.fail("\(c.name): expects images N x H x W x C, N x H x W or H x W, got shape \(describe(shape: x.shape))", argument: 0)
    }
}

extension Array where Element == (Int, Int) {
    /// Pad widths for the image axes, preceded by zero widths for the batch axis when there is one.
    func prefixPadded(for x: Tensor) -> [(before: Int, after: Int)] {
        (x.rank >= 3 ? [(before: 0, after: 0)] : []) + map { (before: $0.0, after: $0.1) }
    }
}

/// `t`, or an error when it has no elements (an empty tensor has no largest or smallest value).
private func nonEmpty(_ t: Tensor, _ operation: String) throws -> Tensor {
    guard t.count > 0 else {
        throw LRPError.invalidArgument("\(operation): the tensor of shape \(describe(shape: t.shape)) is empty, so it has no \(operation == "max" ? "largest" : "smallest") value")
    }
    return t
}
