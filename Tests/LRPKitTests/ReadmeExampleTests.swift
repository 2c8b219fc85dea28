import Foundation
import XCTest
import LRPKit

/// The README's "LRPKit from Swift" example, compiled and run; a second test keeps the README's
/// copy identical to the code here.
final class ReadmeExampleTests: XCTestCase {
    static let root = TutorialTests.root

    func testExampleRunsAndConserves() throws {
        let previous = FileManager.default.currentDirectoryPath
        let scratch = NSTemporaryDirectory() + "lrps-readme-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previous)
            try? FileManager.default.removeItem(atPath: scratch)
        }
        // The example uses repository-relative paths; run it from a scratch copy of the layout.
        try FileManager.default.createSymbolicLink(atPath: scratch + "/data", withDestinationPath: Self.root.path + "/data")
        try FileManager.default.createSymbolicLink(atPath: scratch + "/models", withDestinationPath: Self.root.path + "/models")
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch))

        let (relevance, y, targets) = try example()
        let sums = try relevance.sum(axis: 1)
        let logits = try (y * targets).sum(axis: 1)
        for (s, z) in zip(sums.scalars, logits.scalars) { XCTAssertEqual(s, z, accuracy: 1e-4 * z) }
        let figure = try PNGFile.read(scratch + "/out/mlp-deeptaylor.png")
        XCTAssertEqual([figure.width, figure.height], [768, 64])
    }

    func testReadmeShowsThisExample() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let body = try XCTUnwrap(source.components(separatedBy: "// BEGIN README\n").last?
            .components(separatedBy: "        // END README").first)
        let unindented = body.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : String($0) }.joined(separator: "\n")
        XCTAssertTrue(readme.contains("```swift\nimport LRPKit\n\n" + unindented + "```"),
                      "README.md's LRPKit example differs from ReadmeExampleTests.example()")
    }

    private func example() throws -> (Tensor, Tensor, Tensor) {
        // BEGIN README
        let mnist = try Dataset.loadMNIST(directory: "data/mnist")
        let sample = try mnist.sample(count: 12, seed: 1234)   // the tutorial's 12 digits
        let mlp = try NetworkLoader.load(path: "models/tutorial/mlp").network

        let x = try sample.images.reshaped([12, 784])
        let y = try mlp.forward(x)
        let relevance = try mlp.relprop(y * sample.targets, input: x, rules: .deepTaylor)
        print(try relevance.sum(axis: 1))   // each digit's relevance sums to its target logit

        let figure = try Mosaic.render(relevance, colormap: .heat)
        try PNGFile.write(figure, to: "out/mlp-deeptaylor.png")
        // END README
        return (relevance, y, sample.targets)
    }
}
