import Foundation

/// The tutorial's weight files: `NAME-W.txt` and `NAME-B.txt`, as written by `numpy.savetxt`.
///
/// A 2-D `W` (one row per input) is a Linear layer's `in x out` matrix. When the name's last
/// `-` field is a shape such as `5x5x1x10`, `W` holds that many values in C order (one per line)
/// and is a convolution kernel `kh x kw x in x out`. Either file may be gzipped.
public enum TutorialWeights {
    public static func read(prefix: String) throws -> (weight: Tensor, bias: Tensor) {
        let weightPath = try existing(prefix + "-W.txt")
        let biasPath = try existing(prefix + "-B.txt")
        let name = URL(fileURLWithPath: prefix).lastPathComponent
        return try parse(weights: FileData.read(weightPath), biases: FileData.read(biasPath), name: name,
                         weightPath: weightPath, biasPath: biasPath)
    }

    /// The in-memory half of `read`: the two files' (decompressed) bytes and the layer's name,
    /// which may carry a kernel shape; the paths name the bytes in errors.
    public static func parse(weights weightBytes: [UInt8], biases biasBytes: [UInt8], name: String,
                             weightPath: String, biasPath: String) throws -> (weight: Tensor, bias: Tensor) {
        let weights = try NumberText.parse(weightBytes, path: weightPath)
        let biases = try NumberText.parse(biasBytes, path: biasPath)

        let weight: Tensor
        if let shape = try kernelShape(inName: name, path: weightPath) {
            let expected = try Tensor.elementCount(of: shape)
            guard weights.values.count == expected else {
                throw LRPError.file(path: weightPath,
                    "holds \(weights.values.count) values, the shape \(describe(shape: shape)) in its name needs \(expected)")
            }
            weight = Tensor(unchecked: shape, scalars: weights.values)
        } else {
            weight = try matrix(weights, path: weightPath)
        }
        let outputs = weight.shape.last ?? 0
        guard biases.values.count == outputs else {
            throw LRPError.file(path: biasPath,
                "holds \(biases.values.count) values, the weights \(describe(shape: weight.shape)) need \(outputs)")
        }
        return (weight, Tensor(biases.values))
    }

    /// The kernel shape written in a name like `c2-5x5x10x25`, or nil when the last `-` field is
    /// not of the form `AxBx...`. Absurd or overflowing dimensions throw.
    public static func kernelShape(inName name: String, path: String? = nil) throws -> [Int]? {
        guard let field = name.split(separator: "-").last, name.contains("-") else { return nil }
        let parts = field.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        let shape = parts.compactMap { Int($0) }
        guard shape.count == parts.count, shape.allSatisfy({ $0 > 0 }) else {
            throw LRPError.file(path: path ?? name, "the shape '\(field)' in the name has a zero or oversized dimension")
        }
        do {
            _ = try Tensor.elementCount(of: shape)
        } catch {
            throw LRPError.file(path: path ?? name, "the shape '\(field)' in the name is too large")
        }
        return shape
    }

    /// A savetxt matrix: every line one row of the same length.
    private static func matrix(_ parsed: NumberText.Parsed, path: String) throws -> Tensor {
        guard let first = parsed.firstRow else { throw LRPError.file(path: path, "holds no numbers") }
        if let ragged = parsed.firstRagged {
            throw LRPError.file(path: path,
                "line \(ragged.line) has \(ragged.count) values, line \(first.line) has \(first.count): not a matrix")
        }
        let shape = [parsed.rowCount, first.count]
        do { return try Tensor(shape: shape, scalars: parsed.values) } catch {
            throw LRPError.file(path: path, "a \(describe(shape: shape)) matrix: \(error)")
        }
    }

    /// `path`, or `path.gz` when only the compressed copy exists.
    static func existing(_ path: String) throws -> String {
        if FileManager.default.fileExists(atPath: path) { return path }
        if FileManager.default.fileExists(atPath: path + ".gz") { return path + ".gz" }
        throw LRPError.file(path: path, "no such file")
    }
}
