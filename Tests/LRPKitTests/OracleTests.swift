import Foundation
import XCTest
@testable import LRPKit

/// Compares LRPKit with the independent numpy oracle (Tests/oracle/, vectors in Fixtures/oracle/).
///
/// Error measure, everywhere: the norm-based relative error `max|a - b| / max(max|b|, tiny)` with
/// `b` the oracle's (float64) value, which must stay below 1e-4. Element-wise relative error would
/// punish harmless float32 noise on near-zero entries.
final class OracleTests: XCTestCase {
    static let tolerance = 1e-4

    // MARK: - Per-layer vectors

    func testLayersMatchOracle() throws {
        let fixtures = try OracleFixtures()
        let cases = try XCTUnwrap(fixtures.manifest["layers"] as? [[String: Any]])
        XCTAssertGreaterThan(cases.count, 20)
        for entry in cases {
            let name = entry["name"] as? String ?? "?"
            let layer = try fixtures.layer(try XCTUnwrap(entry["layer"] as? [String: Any]))
            let x = try fixtures.tensor(entry["input"])
            let forward = try layer.forward(x)
            try assertClose(forward, fixtures.array(entry["forward"]), "\(name) forward")
            let gradprop = try layer.gradprop(try fixtures.tensor(entry["gradient"]), input: x)
            try assertClose(gradprop, fixtures.array(entry["gradprop"]), "\(name) gradprop")
            let relevance = try fixtures.tensor(entry["relevance"])
            for item in try XCTUnwrap(entry["relprop"] as? [[String: Any]]) {
                let rule = try OracleFixtures.rule(try XCTUnwrap(item["rule"] as? [String: Any]))
                do {
                    let r = try layer.relprop(relevance, input: x, rule: rule)
                    try assertClose(r, fixtures.array(item["expected"]), "\(name) relprop \(rule)")
                } catch let error as LRPError {
                    XCTFail("\(name) relprop \(rule) threw \(error)")
                }
            }
        }
    }

    // MARK: - Whole networks

    func testNetworksMatchOracle() throws {
        let fixtures = try OracleFixtures()
        let cases = try XCTUnwrap(fixtures.manifest["networks"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 3)
        for entry in cases {
            let name = entry["name"] as? String ?? "?"
            let specs = try XCTUnwrap(entry["layers"] as? [[String: Any]])
            let network = Network(try specs.map(fixtures.layer))
            let rules = RuleSet(perLayer: try XCTUnwrap(entry["rules"] as? [[String: Any]]).map(OracleFixtures.rule))
            let x = try fixtures.tensor(entry["input"])
            try assertClose(network.forward(x), fixtures.array(entry["forward"]), "\(name) forward")
            try assertClose(network.gradprop(fixtures.tensor(entry["gradient"]), input: x),
                            fixtures.array(entry["gradprop"]), "\(name) gradprop")
            let relevance = try fixtures.tensor(entry["relevance"])
            let r = try network.relprop(relevance, input: x, rules: rules)
            try assertClose(r, fixtures.array(entry["relprop"]), "\(name) relprop")
            if entry["conserves"] as? Bool == true {
                // Bias-free LRP-0: each sample's input relevance sums to its output relevance.
                let n = x.shape[0]
                let perIn = r.count / n, perOut = relevance.count / n
                for k in 0..<n {
                    let sumIn = r.scalars[k * perIn..<(k + 1) * perIn].reduce(0, +)
                    let sumOut = relevance.scalars[k * perOut..<(k + 1) * perOut].reduce(0, +)
                    XCTAssertEqual(sumIn, sumOut, accuracy: 1e-4 * abs(sumOut), "\(name) conservation, sample \(k)")
                }
            }
        }
    }

    // MARK: - Tutorial

    func testTutorialFixturesAreComplete() throws {
        let fixtures = try OracleFixtures()
        let tutorial = try XCTUnwrap(fixtures.manifest["tutorial"] as? [String: Any])
        XCTAssertEqual(tutorial["indices"] as? [Int], [8915, 1318, 7221, 7540, 664, 6137, 6833, 8471, 9449, 7322, 8222, 1182])
        XCTAssertEqual(tutorial["labels"] as? [Int], [2, 1, 0, 6, 8, 8, 0, 3, 8, 9, 4, 6])
        XCTAssertEqual(try fixtures.array(tutorial["input"]).shape, [12, 28, 28, 1])
        XCTAssertEqual(try fixtures.array(tutorial["mlpLogits"]).shape, [12, 10])
        let maps = try XCTUnwrap(tutorial["maps"] as? [String: String])
        XCTAssertEqual(maps.count, 5)
        for (_, file) in maps { XCTAssertEqual(try fixtures.array(file).values.count, 12 * 784) }
        let figures = try XCTUnwrap(tutorial["figures"] as? [String: String])
        XCTAssertEqual(Set(figures.keys), ["data", "mlp-sensitivity", "mlp-deeptaylor",
                                           "cnn-sensitivity", "cnn-deeptaylor", "cnn-alphabeta",
                                           "data-float32-pixels"])
        for (_, file) in figures { XCTAssertEqual(try fixtures.array(file).shape, [64, 768, 3]) }
        let errors = try XCTUnwrap(tutorial["testErrors"] as? [String: Int])
        XCTAssertEqual(errors["mlp"], 105)
        XCTAssertEqual(errors["cnn"], 76)
    }

    /// Runs the tutorial's two nets (the repository's copy of the weights, parsed here independently
    /// of LRPKit's loader) on the oracle's 12 digits and compares logits and relevance maps.
    func testTutorialNetworksMatchOracle() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../models/tutorial").standardized
        let fixtures = try OracleFixtures()
        let tutorial = try XCTUnwrap(fixtures.manifest["tutorial"] as? [String: Any])
        let maps = try XCTUnwrap(tutorial["maps"] as? [String: String])
        let labels = try XCTUnwrap(tutorial["labels"] as? [Int])
        let x = try fixtures.tensor(tutorial["input"])
        let t = try Tensor.oneHot(labels, classes: 10)

        var mlpLayers: [any Layer] = []
        for name in ["l1", "l2", "l3"] {
            mlpLayers += [try Linear(weight: loadText(root, "mlp/\(name)-W.txt", nil),
                                     bias: loadText(root, "mlp/\(name)-B.txt", nil)), ReLU()]
        }
        let mlp = Network(mlpLayers)  // ends with the appended ReLU
        let xm = try x.reshaped([12, 784])
        try assertClose(Network(Array(mlpLayers.dropLast())).forward(xm), fixtures.array(tutorial["mlpLogits"]), "mlp logits")
        let ym = try mlp.forward(xm)
        try assertClose(mlp.gradprop(t, input: xm).map { $0 * $0 }, fixtures.array(maps["mlpSensitivity"]), "mlp sensitivity")
        try assertClose(mlp.relprop(ym * t, input: xm, rules: .deepTaylor), fixtures.array(maps["mlpDeepTaylor"]), "mlp deep Taylor")

        var cnnLayers: [any Layer] = []
        for name in ["c1-5x5x1x10", "c2-5x5x10x25", "c3-4x4x25x100", "c4-1x1x100x10"] {
            let shape = name.split(separator: "-")[1].split(separator: "x").map { Int($0)! }
            cnnLayers += [try Convolution(weight: loadText(root, "cnn/\(name)-W.txt", shape),
                                          bias: loadText(root, "cnn/\(name)-B.txt", nil)),
                          ReLU(), try SumPooling(size: 2, stride: 2, scale: 0.5)]
        }
        cnnLayers.removeLast()
        let cnn = Network(cnnLayers)
        let xc = try x.paddedSpatially(2, value: -1)
        let tc = try t.reshaped([12, 1, 1, 10])
        try assertClose(Network(Array(cnnLayers.dropLast())).forward(xc).reshaped([12, 10]),
                        fixtures.array(tutorial["cnnLogits"]), "cnn logits")
        let yc = try cnn.forward(xc)
        let inner = AxisSelection.range(start: 2, end: -2, step: 1)
        func cropped(_ r: Tensor) throws -> Tensor { try r.sliced([.all, inner, inner]) }
        try assertClose(cropped(cnn.gradprop(tc, input: xc).map { $0 * $0 }), fixtures.array(maps["cnnSensitivity"]), "cnn sensitivity")
        try assertClose(cropped(cnn.relprop(yc * tc, input: xc, rules: .deepTaylor)), fixtures.array(maps["cnnDeepTaylor"]), "cnn deep Taylor")
        try assertClose(cropped(cnn.relprop(yc * tc, input: xc, rules: .alphaBeta(alpha: 2, beta: 1))),
                        fixtures.array(maps["cnnAlphaBeta"]), "cnn alpha-beta")
    }

    // MARK: - Helpers

    private func assertClose(_ actual: Tensor, _ expected: OracleArray, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        guard actual.shape == expected.shape else {
            XCTFail("\(what): shape \(actual.shape), oracle \(expected.shape)", file: file, line: line)
            return
        }
        var diff = 0.0, scale = 0.0
        for (a, b) in zip(actual.scalars, expected.values) {
            guard a.isFinite, b.isFinite else {  // max() would skip a NaN
                return XCTFail("\(what): \(a) where the oracle has \(b)", file: file, line: line)
            }
            diff = max(diff, abs(Double(a) - b))
            scale = max(scale, abs(b))
        }
        let error = diff / max(scale, 1e-30)
        XCTAssertLessThan(error, Self.tolerance, "\(what): relative error \(error)", file: file, line: line)
    }

    /// A `numpy.savetxt` weight file; `shape` nil = as written (matrix, or vector for one column).
    private func loadText(_ root: URL, _ path: String, _ shape: [Int]?) throws -> Tensor {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline)
        let values = try text.split(whereSeparator: { $0 == " " || $0.isNewline }).map { token -> Float in
            guard let v = Float(token) else { throw LRPError.file(path: path, "bad number \(token)") }
            return v
        }
        let columns = values.count / max(lines.count, 1)
        let natural = columns == 1 ? [values.count] : [lines.count, columns]
        return try Tensor(shape: shape ?? natural, scalars: values)
    }
}

/// The manifest and its arrays.
private struct OracleFixtures {
    let directory: URL
    let manifest: [String: Any]

    init() throws {
        let url = Bundle.module.url(forResource: "manifest", withExtension: "json", subdirectory: "Fixtures/oracle")
            ?? Bundle.module.resourceURL?.appendingPathComponent("Fixtures/oracle/manifest.json")
        guard let url, FileManager.default.fileExists(atPath: url.path) else {
            throw LRPError.file(path: "Fixtures/oracle/manifest.json", "not found in the test bundle")
        }
        directory = url.deletingLastPathComponent()
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw LRPError.file(path: url.path, "manifest is not a JSON object")
        }
        manifest = object
    }

    func array(_ file: Any?) throws -> OracleArray {
        guard let name = file as? String else { throw LRPError.invalidArgument("manifest: missing file name") }
        let url = directory.appendingPathComponent(name)
        return try OracleArray(npy: Data(contentsOf: url), path: url.path)
    }

    func tensor(_ file: Any?) throws -> Tensor {
        let a = try array(file)
        return try Tensor(shape: a.shape, scalars: a.values.map { Float($0) })
    }

    func layer(_ spec: [String: Any]) throws -> any Layer {
        func int(_ key: String) throws -> Int {
            guard let v = spec[key] as? Int else { throw LRPError.invalidArgument("layer \(spec): missing \(key)") }
            return v
        }
        func float(_ key: String) throws -> Float {
            guard let v = spec[key] as? Double else { throw LRPError.invalidArgument("layer \(spec): missing \(key)") }
            return Float(v)
        }
        switch spec["kind"] as? String {
        case "linear": return try Linear(weight: tensor(spec["weight"]), bias: tensor(spec["bias"]))
        case "conv":
            return try Convolution(weight: tensor(spec["weight"]), bias: tensor(spec["bias"]), stride: int("stride"),
                                   padding: int("padding"), padValue: float("padValue"))
        case "sumpool": return try SumPooling(size: int("size"), stride: int("stride"), scale: float("scale"))
        case "avgpool": return try AveragePooling(size: int("size"), stride: int("stride"))
        case "maxpool": return try MaxPooling(size: int("size"), stride: int("stride"))
        case "relu": return ReLU()
        case "flatten": return Flatten()
        default: throw LRPError.invalidArgument("unknown layer \(spec)")
        }
    }

    static func rule(_ spec: [String: Any]) throws -> Rule {
        func float(_ key: String) throws -> Float {
            guard let v = spec[key] as? Double else { throw LRPError.invalidArgument("rule \(spec): missing \(key)") }
            return Float(v)
        }
        switch spec["name"] as? String {
        case "lrp0": return .lrp0
        case "epsilon": return .epsilon(try float("epsilon"))
        case "gamma": return .gamma(try float("gamma"))
        case "zplus": return .zPlus
        case "zB": return .zB(low: try float("low"), high: try float("high"))
        case "alphabeta": return .alphaBeta(alpha: try float("alpha"), beta: try float("beta"))
        case "wsquare": return .wSquare
        case "flat": return .flat
        case "wta": return .winnerTakeAll
        case "identity": return .identity
        default: throw LRPError.invalidArgument("unknown rule \(spec)")
        }
    }
}

/// A minimal `.npy` reader (format 1.0-3.0, little-endian float32 / float64 / uint8, C order),
/// private to these tests so they do not depend on the LRPKit reader under test elsewhere.
private struct OracleArray {
    let shape: [Int]
    let values: [Double]

    init(npy data: Data, path: String) throws {
        let bytes = [UInt8](data)
        func fail(_ why: String) -> LRPError { LRPError.file(path: path, why) }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw fail("not an npy file")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw fail("truncated header") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart,
              let header = String(bytes: bytes[headerStart..<dataStart], encoding: .utf8) else {
            throw fail("truncated header")
        }
        guard header.contains("'fortran_order': False") else { throw fail("only C order is supported") }
        func field(_ key: String, open: Character, close: Character) throws -> String {
            guard let keyRange = header.range(of: "'\(key)':"),
                  let start = header[keyRange.upperBound...].firstIndex(of: open),
                  let end = header[header.index(after: start)...].firstIndex(of: close) else {
                throw fail("header lacks \(key)")
            }
            return String(header[header.index(after: start)..<end])
        }
        let descr = try field("descr", open: "'", close: "'")
        let shapeText = try field("shape", open: "(", close: ")")
        shape = try shapeText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.map { token in
                guard let v = Int(token) else { throw fail("bad shape \(shapeText)") }
                return v
            }
        let count = shape.reduce(1, *)
        let width: Int
        switch descr {
        case "<f4": width = 4
        case "<f8": width = 8
        case "|u1": width = 1
        default: throw fail("unsupported dtype \(descr)")
        }
        guard bytes.count - dataStart == count * width else { throw fail("expected \(count) values of \(descr)") }
        var out = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let o = dataStart + i * width
            switch width {
            case 4:
                var bits: UInt32 = 0
                for k in 0..<4 { bits |= UInt32(bytes[o + k]) << (8 * k) }
                out[i] = Double(Float(bitPattern: bits))
            case 8:
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(bytes[o + k]) << (8 * k) }
                out[i] = Double(bitPattern: bits)
            default:
                out[i] = Double(bytes[o])
            }
        }
        values = out
    }
}
