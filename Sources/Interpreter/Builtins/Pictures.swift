import LRPKit

/// The picture keywords `show` and `save` share.
let pictureKeywords = ["map", "scale", "border", "rows", "columns", "labels", "predictions", "beside", "colorbar"]

let pictureOptionsUsage = "scale=N rows=R columns=C labels=L predictions=P beside=INPUT colorbar=true"

let pictureDetails = """

    map=      gray, heat (the tutorial's), bwr, coldnhot, zennitgray (zennit's); bwr and coldnhot
              are symmetric about 0 like heat, zennitgray spans min (black) to max (white).
    One image: H x W x 1 or 784 (a digit, e.g. X[3]) is drawn like one tile of the mosaic; H x W at its
              own size (scale=1, no border).
    scale=N   each value a N x N block (default 2; 1 for H x W); border=B white frame in values (2; 0).
    rows=R, columns=C   the batch in a grid, row by row (default: one row).
    labels=L, predictions=P   a caption under each image: L and P are label tensors (N), one-hot or
              score tensors (N x K, their argmax) or lists; both give "7 → 5", red when they differ.
    beside=INPUT, or show INPUT X   each input (gray) left of its image.
    colorbar=true   a strip of the map over the value range, its ends labelled.
    """

/// A figure and its caption, from the arguments of `show` or `save`: the first `tensors`
/// positional arguments are the pictures (one, or an input and its image).
struct Picture {
    var figure: Figure
    private var description: String

    init(_ c: inout Call, tensors: Int, mapRequired: Bool) throws {
        let map = try colormap(&c, required: mapRequired)
        let x = try c.tensor(tensors - 1, "the picture")
        var input: Tensor?
        if tensors == 2 {
            if c.keyword("beside") != nil {
                throw c.fail("\(c.name): give the input once: \(c.name) INPUT X or beside=INPUT", argument: c.keywordIndex("beside"))
            }
            input = try c.tensor(0, "the input")
        } else if let value = c.keyword("beside") {
            input = try c.asTensor(value, what: "beside=", argument: c.keywordIndex("beside"))
        }
        let (batch, single) = try Self.batch(x, c, argument: tensors - 1)
        figure = Figure(batch, colormap: map)
        // A matrix keeps its own size, as before; digits and batches get the tutorial's tile.
        let matrix = single && x.rank == 2
        figure.scale = try Self.option(c, "scale", default: matrix ? 1 : 2, in: 1...64)
        figure.border = try Self.option(c, "border", default: matrix ? 0 : 2, in: 0...64)
        description = "\(x.description), map=\(map.rawValue)"
        if let input {
            figure.inputs = try Self.batch(input, c, argument: tensors == 2 ? 0 : c.keywordIndex("beside")).batch
            description += ", beside \(input.description)"
        }
        let n = batch.shape[0]
        if let input, let inputs = figure.inputs, inputs.shape[0] != n {
            throw c.fail("\(c.name): \(inputs.shape[0]) inputs for \(n) pictures (\(describe(shape: input.shape)) beside \(describe(shape: x.shape)))",
                         argument: tensors == 2 ? 0 : c.keywordIndex("beside"))
        }
        figure.rows = try c.keyword("rows").map { _ in try Self.option(c, "rows", default: 1, in: 1...10_000) }
        figure.columns = try c.keyword("columns").map { _ in try Self.option(c, "columns", default: 1, in: 1...10_000) }
        if figure.rows != nil || figure.columns != nil {
            let columns = figure.columns ?? figure.rows.map { (n + $0 - 1) / $0 } ?? n
            let rows = figure.rows ?? (n + columns - 1) / columns
            guard rows * columns >= n else {
                throw c.fail("\(c.name): \(rows) rows x \(columns) columns cannot hold \(n) pictures",
                             argument: c.keywordIndex("columns"))
            }
            description += ", \(rows) row\(rows == 1 ? "" : "s") x \(columns) column\(columns == 1 ? "" : "s")"
        }
        let labels = try Self.texts(c, "labels", count: n)
        let predictions = try Self.texts(c, "predictions", count: n)
        if labels != nil || predictions != nil {
            figure.captions = (0..<n).map { Caption.comparing(label: labels?[$0], prediction: predictions?[$0]) }
            switch (labels, predictions) {
            case (_?, _?):
                let wrong = figure.captions.filter { $0.color != .black }.count
                description += ", labels → predictions (\(wrong) of \(n) wrong)"
            case (_?, nil): description += ", labels"
            default: description += ", predictions"
            }
        }
        if let value = c.keyword("colorbar") {
            guard case .boolean(let on) = value else {
                throw c.fail("\(c.name): colorbar= must be true or false, got \(value.typeName)", argument: c.keywordIndex("colorbar"))
            }
            figure.colorbar = on
            if on {
                let range = figure.range
                description += ", colour bar \(formatNumber(Float(range.lowerBound))) to \(formatNumber(Float(range.upperBound)))"
            }
        }
    }

    func caption(_ image: Image) -> String {
        "\(description), \(image.width)x\(image.height) pixels"
    }

    private static func batch(_ x: Tensor, _ c: Call, argument: Int?) throws -> (batch: Tensor, single: Bool) {
        do {
            return try Figure.batch(x)
        } catch {
            throw c.fail("\(c.name): cannot draw a tensor of shape \(describe(shape: x.shape)); expects images "
                         + "N x H x W x 1, N x H x W, N x 784, or one H x W x 1, H x W or 784", argument: argument)
        }
    }

    private static func option(_ c: Call, _ key: String, default d: Int, in range: ClosedRange<Int>) throws -> Int {
        let value = try c.integerKeyword(key, default: d)
        guard range.contains(value) else {
            throw c.fail("\(c.name): \(key)= must be \(range.lowerBound) to \(range.upperBound), got \(value)", argument: c.keywordIndex(key))
        }
        return value
    }

    /// Caption texts from labels= or predictions=: a label per image (a tensor N, a list), the argmax of
    /// N x K scores or one-hot targets, or for one picture a number or one row of scores.
    private static func texts(_ c: Call, _ key: String, count n: Int) throws -> [String]? {
        guard let value = c.keyword(key) else { return nil }
        let at = c.keywordIndex(key)
        if case .list(let items) = value, items.contains(where: { if case .string = $0 { true } else { false } }) {
            guard items.count == n else {
                throw c.fail("\(c.name): \(key)= gives \(items.count) captions for \(n) picture\(n == 1 ? "" : "s")", argument: at)
            }
            return items.map { if case .string(let s) = $0 { s } else { $0.printed } }
        }
        let t = try c.asTensor(value, what: "\(key)=", argument: at)
        let labels: Tensor
        switch t.rank {
        case 0: labels = try t.reshaped([1])
        case 1 where t.count == n: labels = t
        case 1 where n == 1: labels = try t.reshaped([1, t.count]).argmax(axis: 1)
        case 2 where t.shape[0] == n && t.shape[1] > 0: labels = try t.argmax(axis: 1)
        default:
            throw c.fail("\(c.name): \(key)= of shape \(describe(shape: t.shape)) does not fit \(n) picture\(n == 1 ? "" : "s"); "
                         + "give \(n) labels or \(n) x K scores", argument: at)
        }
        guard labels.count == n else {
            throw c.fail("\(c.name): \(key)= gives \(labels.count) labels for \(n) pictures", argument: at)
        }
        return labels.scalars.map { formatNumber($0) }
    }
}

func colormap(_ c: inout Call, required: Bool) throws -> Colormap {
    let names = Colormap.allCases.map(\.rawValue)
    guard let value = c.keyword("map") else {
        if required { throw c.fail("\(c.name): a .png needs a colour map: map=gray or map=heat") }
        return .heat
    }
    let name: String
    switch value {
    case .string(let s): name = s
    default: throw c.fail("\(c.name): map= must be one of \(names.joined(separator: ", "))", argument: c.keywordIndex("map"))
    }
    guard let map = Colormap(rawValue: name) else {
        let hint = closestName(to: name, in: names).map { "; did you mean '\($0)'?" } ?? " (\(names.joined(separator: ", ")))"
        throw c.fail("\(c.name): unknown colour map '\(name)'\(hint)", argument: c.keywordIndex("map"))
    }
    return map
}
