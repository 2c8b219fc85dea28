import Foundation
import XCTest
@testable import Interpreter

/// docs/language.md is the complete reference: every builtin is documented there, and every
/// runnable example in docs/*.md (a code block opened with ```lrps) runs without an error.
final class LanguageDocsTests: XCTestCase {
    static let root = URL(fileURLWithPath: GoldenTests.packageRoot)
    static let docs = root.appendingPathComponent("docs")

    func testEveryBuiltinIsDocumentedInTheLanguageReference() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("language.md"), encoding: .utf8)
        // Documented means written as code: `name`, `name(...`, `name ARGS` or `X, Y = name ...`.
        let missing = Builtins.names.filter { name in
            !["`\(name)`", "`\(name)(", "`\(name) ", "= \(name)(", "= \(name) "].contains { text.contains($0) }
        }
        XCTAssertEqual(missing, [], "builtins missing from docs/language.md")
    }

    /// The ```lrps blocks of a Markdown text, each with the line it starts on.
    static func examples(in text: String) -> [(line: Int, source: String)] {
        var blocks: [(Int, String)] = []
        var current: (Int, [String])?
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var open = current {
                if trimmed.hasPrefix("```") {
                    blocks.append((open.0, open.1.joined(separator: "\n")))
                    current = nil
                } else {
                    open.1.append(String(line))
                    current = open
                }
            } else if trimmed == "```lrps" {
                current = (k + 2, [])
            }
        }
        return blocks
    }

    func testEveryRunnableExampleInTheDocsRuns() throws {
        // The examples read data/, models/ and Tests/ and write out/: run them in a scratch folder
        // that links the first three, so they write nothing into the checkout.
        let scratch = NSTemporaryDirectory() + "lrps-docs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for name in ["data", "models", "Tests"] {
            try FileManager.default.createSymbolicLink(atPath: scratch + "/" + name,
                                                       withDestinationPath: Self.root.appendingPathComponent(name).path)
        }
        let pages = try FileManager.default.contentsOfDirectory(atPath: Self.docs.path).filter { $0.hasSuffix(".md") }.sorted()
        var count = 0
        for page in pages {
            let text = try String(contentsOf: Self.docs.appendingPathComponent(page), encoding: .utf8)
            for (line, source) in Self.examples(in: text) {
                count += 1
                let session = Session(host: RecordingHost(), workingDirectory: scratch)
                do {
                    try session.run(source, file: "docs/\(page):\(line)")
                } catch {
                    XCTFail("the example at docs/\(page) line \(line) fails:\n\(error)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(count, 3, "no ```lrps examples found in docs/")
    }

    func testTheExampleFinderFindsOnlyMarkedBlocks() {
        let text = "a\n```lrps\nx = 1\ny = 2\n```\n```\nnot run\n```\n  ```lrps\nz = 3\n  ```\n"
        let found = Self.examples(in: text)
        XCTAssertEqual(found.map(\.source), ["x = 1\ny = 2", "z = 3"])
        XCTAssertEqual(found.map(\.line), [3, 10])
    }
}
