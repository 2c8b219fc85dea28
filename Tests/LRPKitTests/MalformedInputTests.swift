import Foundation
import LRPKit
import XCTest

/// Every file in Fixtures/malformed (made by its make_malformed.py) must be refused with an
/// `LRPError.file` that names the file and says what is wrong, never a crash.
final class MalformedInputTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/malformed").path

    struct Case {
        var loader: String
        var path: String
        var phrase: String
    }

    static func cases() throws -> [Case] {
        let text = try String(contentsOfFile: "\(corpus)/MANIFEST.tsv", encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(loader: fields[0], path: fields[1], phrase: fields.count > 2 ? fields[2] : "")
        }
    }

    /// Runs the loader the manifest names on `path`.
    static func load(_ loader: String, _ path: String) throws {
        switch loader {
        case "idx": _ = try IDXFile.read(path)
        case "idx-images": _ = try IDXFile.read(path, magic: IDXFile.imagesMagic)
        case "idx-labels": _ = try IDXFile.read(path, magic: IDXFile.labelsMagic)
        case "mnist": _ = try Dataset.loadMNIST(directory: path)
        case "npy": _ = try NumpyFile.read(path)
        case "png": _ = try PNGFile.read(path)
        case "weights": _ = try TutorialWeights.read(prefix: path)
        case "network": _ = try NetworkLoader.load(path: path)
        case "toolbox": _ = try ToolboxModel.read(path)
        default: XCTFail("unknown loader '\(loader)' in MANIFEST.tsv")
        }
    }

    func testEveryMalformedFileGivesADescriptiveError() throws {
        let cases = try Self.cases()
        XCTAssertGreaterThan(cases.count, 100)
        for item in cases {
            let path = "\(Self.corpus)/\(item.path)"
            do {
                try Self.load(item.loader, path)
                XCTFail("\(item.path) (\(item.loader)) loaded without an error")
            } catch let error as LRPError {
                guard case .file(let named, _) = error else {
                    XCTFail("\(item.path): not a file error: \(error)")
                    continue
                }
                XCTAssertTrue(named.hasPrefix(path), "\(item.path): the error names \(named)")
                XCTAssertTrue(error.description.contains(item.phrase),
                              "\(item.path): expected '\(item.phrase)' in: \(error)")
            } catch {
                XCTFail("\(item.path): not an LRPError: \(error)")
            }
        }
    }

    /// A file added to the corpus without a manifest line would go untested.
    func testEveryCorpusFileIsInTheManifest() throws {
        let listed = try Self.cases().map(\.path)
        let enumerator = FileManager.default.enumerator(atPath: Self.corpus)!
        var unlisted: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            let name = (relative as NSString).lastPathComponent
            guard FileManager.default.fileExists(atPath: "\(Self.corpus)/\(relative)", isDirectory: &isFolder),
                  !isFolder.boolValue, relative.contains("/"), name != ".keep" else { continue }
            let covered = listed.contains { relative == $0 || relative.hasPrefix($0 + "/") || relative.hasPrefix($0 + "-") }
            if !covered { unlisted.append(relative) }
        }
        XCTAssertEqual(unlisted, [])
    }

    func testMissingFilesAreNamed() {
        let missing = "\(Self.corpus)/no-such-file"
        for loader in ["idx", "npy", "png", "toolbox", "weights", "network", "mnist"] {
            XCTAssertThrowsError(try Self.load(loader, missing), loader) { error in
                XCTAssertTrue("\(error)".contains("no-such-file"), "\(loader): \(error)")
            }
        }
    }

    /// The in-memory entry points (used by the fuzzers) agree with the file loaders.
    func testInMemoryEntryPointsNameTheGivenPath() throws {
        XCTAssertThrowsError(try IDXFile.parse([0, 0, 8, 1, 0, 0, 0, 2, 7], path: "memory.idx")) {
            XCTAssertTrue("\($0)".hasPrefix("memory.idx: truncated"), "\($0)")
        }
        XCTAssertThrowsError(try NumpyFile.decode(Array("nope".utf8), path: "memory.npy")) {
            XCTAssertTrue("\($0)".hasPrefix("memory.npy: bad magic"), "\($0)")
        }
        XCTAssertThrowsError(try PNGFile.decode([0x89, 0x50], path: "memory.png")) {
            XCTAssertTrue("\($0)".hasPrefix("memory.png: not a readable PNG"), "\($0)")
        }
        XCTAssertThrowsError(try ToolboxModel.parse(Array("Linear 1 1\n1\nx\n".utf8), path: "memory.txt")) {
            XCTAssertEqual("\($0)", "memory.txt: line 3, value 1: 'x' is not a number")
        }
        XCTAssertThrowsError(try TutorialWeights.parse(weights: Array("1 2\n".utf8), biases: Array("1\n".utf8),
                                                       name: "l1", weightPath: "W", biasPath: "B")) {
            XCTAssertEqual("\($0)", "B: holds 1 values, the weights 1x2 need 2")
        }
        XCTAssertThrowsError(try FileData.decompressed([0x1F, 0x8B, 8, 0, 0], path: "memory.gz")) {
            XCTAssertTrue("\($0)".hasPrefix("memory.gz: gzip data is truncated"), "\($0)")
        }
        let (shape, bytes) = try IDXFile.parse([0, 0, 8, 1, 0, 0, 0, 2, 7, 9], path: "memory.idx")
        XCTAssertEqual(shape, [2])
        XCTAssertEqual(bytes, [7, 9])
    }

    /// Concatenated gzip members decompress to the concatenation, as gunzip does.
    func testMultiMemberGzip() throws {
        let one: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x4B, 0x04, 0x00,
                            0x43, 0xBE, 0xB7, 0xE8, 0x01, 0x00, 0x00, 0x00]  // gzip -9 of "a"
        XCTAssertEqual(try FileData.decompressed(one + one, path: "two.gz"), Array("aa".utf8))
        XCTAssertEqual(try FileData.decompressed(one + [0, 0, 0], path: "padded.gz"), Array("a".utf8))
    }

    /// `reshaped` once multiplied the known dimensions with `*`, so `[-1, 2^32, 2^32]` trapped.
    func testReshapeWithOverflowingDimensionsThrows() throws {
        XCTAssertThrowsError(try Tensor.zeros([2, 3]).reshaped([-1, 1 << 32, 1 << 32]))
    }
}
