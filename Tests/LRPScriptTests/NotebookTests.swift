import Foundation
import Glibc
import Interpreter
import LRPKit
import XCTest
@testable import LRPScript

/// `scripts/tutorial.lrps` rendered as a notebook (HTML and Markdown) and checked for structure:
/// every statement in order, the six figures byte-identical to the files `save` wrote, the
/// prose, the header; a failing script's notebook with its error cell in place.
final class NotebookTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let figureNames = ["data", "mlp-sensitivity", "mlp-deeptaylor", "cnn-sensitivity", "cnn-deeptaylor", "cnn-alphabeta"]

    func testTutorialNotebookInHTMLAndMarkdown() throws {
        let scratch = NSTemporaryDirectory() + "lrps-notebook-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for folder in ["data", "models"] {
            try FileManager.default.createSymbolicLink(atPath: "\(scratch)/\(folder)", withDestinationPath: "\(Self.root)/\(folder)")
        }
        let script = try String(contentsOfFile: Self.root + "/scripts/tutorial.lrps", encoding: .utf8)
        let recorder = NotebookRecorder(forwardingTo: RecordingHost(), title: "scripts/tutorial.lrps", baseDirectory: scratch)
        try Session(host: recorder, workingDirectory: scratch).run(script, file: "scripts/tutorial.lrps")
        recorder.finish(error: nil, source: script)
        let notebook = recorder.notebook
        let saved = try Self.figureNames.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(scratch)/out/tutorial/\($0).png"))) }

        // What the script says, found independently of the notebook code: its code lines and comment blocks.
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let codeLines = lines.filter { !$0.trimmingSpaces.isEmpty && !$0.hasPrefix("#") }
        let commentBlocks = lines.split { !$0.hasPrefix("#") }.count
        XCTAssertEqual(codeLines.count, 24)
        XCTAssertEqual(commentBlocks, 10)

        // HTML
        let html = NotebookHTML.render(notebook)
        try html.write(toFile: scratch + "/tutorial.html", atomically: true, encoding: .utf8)
        let code = Self.between("<pre class=\"code\"><code>", "</code></pre>", in: html).map(Self.text).joined(separator: "\n")
        Self.assertInOrder(codeLines, in: code, "HTML code cells")
        let embedded = Self.between("src=\"data:image/png;base64,", "\"", in: html).map { [UInt8](Data(base64Encoded: $0) ?? Data()) }
        XCTAssertEqual(embedded.count, 6, "six embedded figures")
        XCTAssertEqual(embedded, saved, "the embedded figures are the PNG files save wrote, in order")
        XCTAssertEqual(html.components(separatedBy: "image-rendering: pixelated").count - 1, 1)
        XCTAssertEqual(html.components(separatedBy: "<section class=\"prose\">").count - 1, commentBlocks)
        for fragment in ["<h1>Implementing Deep Taylor Decomposition / LRP</h1>", "<h2>1. Data</h2>",
                         "<h3>Sensitivity analysis</h3>", "<pre><code>lrps scripts/tutorial.lrps</code></pre>",
                         "<code>out/tutorial/</code>", "<h2>5. Test error over all 10,000 digits</h2>",
                         "MLP test errors:  105 of 10000", "CNN test errors:  76 of 10000"] {
            XCTAssertTrue(html.contains(fragment), "HTML lacks \(fragment)")
        }
        XCTAssertFalse(html.contains("class=\"cell failed\""))
        XCTAssertEqual(notebook.cells.count, 9)
        XCTAssertEqual(notebook.cells.map(\.outputs.count).reduce(0, +), 11)  // 6 figures; the printed text of 5 cells

        // Header: name, date, version, checksums that agree with sha256sum.
        XCTAssertTrue(html.contains("<title>scripts/tutorial.lrps — lrps notebook</title>"))
        XCTAssertTrue(html.contains("<dt>lrps</dt><dd>\(lrpsVersion)</dd>"))
        XCTAssertTrue(html.contains("<dd class=\"status ok\">finished in "))
        let date = Self.between("<dt>run</dt><dd>", "</dd>", in: html).first ?? ""
        XCTAssertNotNil(date.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$"#, options: .regularExpression), date)
        let loaded = notebook.dataFiles.map(\.path)
        for file in ["data/mnist/t10k-images-idx3-ubyte.gz", "data/mnist/t10k-labels-idx1-ubyte.gz",
                     "models/tutorial/mlp/l1-W.txt", "models/tutorial/cnn/c4-1x1x100x10-B.txt"] {
            XCTAssertTrue(loaded.contains(file), "\(file) missing from \(loaded)")
            let digest = try Self.sha256sum(Self.root + "/" + file)
            XCTAssertTrue(html.contains("<tr><td><code>\(file)</code></td>"))
            XCTAssertEqual(notebook.dataFiles.first { $0.path == file }?.sha256, digest, file)
            XCTAssertTrue(html.contains(digest))
        }

        // Markdown, with its figures in tutorial_files/.
        let markdownFile = try NotebookFile(path: scratch + "/tutorial.md")
        try markdownFile.write(notebook)
        let markdown = try String(contentsOfFile: scratch + "/tutorial.md", encoding: .utf8)
        let fenced = Self.between("```lrps\n", "```", in: markdown).joined(separator: "\n")
        Self.assertInOrder(codeLines, in: fenced, "Markdown code cells")
        let links = Self.between("](tutorial_files/", ")", in: markdown)
        XCTAssertEqual(links, Self.figureNames.enumerated().map { "figure-\($0.offset + 1)-\($0.element).png" })
        let files = try links.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch + "/tutorial_files/" + $0))) }
        XCTAssertEqual(files, saved)
        for fragment in ["# Implementing Deep Taylor Decomposition / LRP\n", "\n## 1. Data\n", "\n### Sensitivity analysis\n",
                         "| lrps | \(lrpsVersion) |", "MLP test errors:  105 of 10000"] {
            XCTAssertTrue(markdown.contains(fragment), "Markdown lacks \(fragment.debugDescription)")
        }
    }

    func testFailingScriptNotebookShowsTheErrorInPlace() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/fails.lrps"
        try """
            # ## Before
            x = 2
            print x * 3

            # The next line fails.
            print nosuchname
            print "never"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try runLRPS([script, "--notebook", directory + "/fails.html", "--notebook=\(directory)/fails.md"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("unknown name 'nosuchname'"), result.standardError)
        let html = try String(contentsOfFile: directory + "/fails.html", encoding: .utf8)
        let cells = Self.between("<div class=\"cell", "\n</div>\n", in: html)
        XCTAssertEqual(cells.count, 2)
        XCTAssertTrue(cells.first?.hasPrefix("\" id=\"cell-1\">") ?? false)
        XCTAssertTrue(cells.first?.contains("<pre class=\"output\">6\n</pre>") ?? false)
        let failed = cells.last ?? ""
        XCTAssertTrue(failed.hasPrefix(" failed\" id=\"cell-2\">"), failed)
        XCTAssertTrue(failed.contains("line 6"))
        XCTAssertTrue(Self.text(failed).contains("print nosuchname"))
        XCTAssertTrue(failed.contains("<pre class=\"error\">\(script):6:7: error: unknown name &#39;nosuchname&#39;")
                      || failed.contains("<pre class=\"error\">\(script):6:7: error: unknown name 'nosuchname'"), failed)
        XCTAssertFalse(html.contains("never"))
        XCTAssertTrue(html.range(of: "<p>The next line fails.</p>")!.lowerBound < html.range(of: "cell-2")!.lowerBound)
        XCTAssertTrue(html.contains("<dd class=\"status bad\">failed after "))
        let markdown = try String(contentsOfFile: directory + "/fails.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("**Error:**\n\n```text\n\(script):6:7: error: unknown name 'nosuchname'"), markdown)
    }

    func testSyntaxErrorNotebookShowsTheOffendingLine() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runLRPS(["-e", "print 1\nx = (2", "--notebook", directory + "/syntax.html"])
        XCTAssertEqual(result.status, 1)
        let html = try String(contentsOfFile: directory + "/syntax.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<div class=\"cell failed\" id=\"cell-1\">"), html)
        XCTAssertTrue(html.contains("<pre class=\"error\">&lt;expr&gt;:2:"), html)
    }

    func testNotebookNeedsAKnownExtensionAndAPossibleFolder() throws {
        let wrong = try runLRPS(["-e", "print 1", "--notebook", "out.txt"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.standardError.contains(".html, .md or .ipynb"), wrong.standardError)
        let impossible = try runLRPS(["-e", "print 1", "--notebook", "/dev/null/x.html"])  // under a file
        XCTAssertEqual(impossible.status, 2)
        XCTAssertEqual(impossible.standardOutput, "")
        XCTAssertTrue(impossible.standardError.contains("cannot create the folder"), impossible.standardError)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-nb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let created = try runLRPS(["-e", "print 1", "--notebook", folder.path + "/new/x.md"])
        XCTAssertEqual(created.status, 0, created.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.path + "/new/x.md"))
    }

    /// Cells: statements on consecutive lines share one; a blank or comment line starts another;
    /// `;` keeps statements together; comment lines above become prose.
    func testStatementsGroupIntoCells() throws {
        let recorder = NotebookRecorder(forwardingTo: RecordingHost(), title: "t")
        let source = """
            a = 1; b = 2
            c = [a,
                 b]  # a list

            # Prose *here*.
            print c
            # more
            # prose
            print a
            """
        try Session(host: recorder).run(source, file: "t")
        recorder.finish(error: nil, source: source + "\n\n# the end\n")
        let blocks = recorder.notebook.blocks.map { block -> String in
            switch block {
            case .prose(let text): return "prose: " + text
            case .cell(let cell): return "cell \(cell.number) \(cell.lines.map { "\($0.lowerBound)-\($0.upperBound)" } ?? ""): " + cell.code
            }
        }
        XCTAssertEqual(blocks, ["cell 1 1-3: a = 1; b = 2\nc = [a,\n     b]  # a list", "prose: Prose *here*.",
                                "cell 2 6-6: print c", "prose: more\nprose", "cell 3 9-9: print a", "prose: the end"])
        XCTAssertEqual(recorder.notebook.cells.map(\.outputs.count), [0, 1, 1])
    }

    func testREPLNotebookSave() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        final class Reader: LineReader {
            var lines: [String]
            init(_ lines: [String]) { self.lines = lines }
            func readLine(prompt: String) -> LineInput { lines.isEmpty ? .endOfInput : .line(lines.removeFirst()) }
            func addToHistory(_ line: String) {}
        }
        let outputPipe = Pipe(), errorPipe = Pipe()
        let output = OutputSink(fileDescriptor: outputPipe.fileHandleForWriting.fileDescriptor)
        let errors = OutputSink(fileDescriptor: errorPipe.fileHandleForWriting.fileDescriptor)
        let recorder = NotebookRecorder(forwardingTo: TerminalHost(output: output, environment: [:]), title: "interactive session")
        let reader = Reader(["x = 7", "print x * 6", "notebook save \"\(directory)/live.md\"", "notebook save live.txt",
                             "notebook = 5", "print notebook", "notebook save \(directory)/live.html"])
        XCTAssertEqual(REPL(session: Session(host: recorder), reader: reader, output: output, errors: errors,
                            notebook: recorder).run(), 0)
        output.flush(); errors.flush()
        try outputPipe.fileHandleForWriting.close(); try errorPipe.fileHandleForWriting.close()
        let printed = String(decoding: outputPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaints = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(printed, "42\nnotebook saved to \(directory)/live.md (2 cells, 0 figures)\n5\n"
                       + "notebook saved to \(directory)/live.html (4 cells, 0 figures)\n")
        XCTAssertTrue(complaints.contains(".html, .md or .ipynb"), complaints)
        let markdown = try String(contentsOfFile: directory + "/live.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("```lrps\nprint x * 6\n```\n\n```text\n42\n```"), markdown)
        XCTAssertTrue(markdown.contains("interactive session, saved "))
        let html = try String(contentsOfFile: directory + "/live.html", encoding: .utf8)
        XCTAssertTrue(Self.text(html).contains("notebook = 5"))
    }

    // MARK: Pieces

    func testSHA256KnownAnswers() {
        XCTAssertEqual(sha256Hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(sha256Hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        XCTAssertEqual(sha256Hex(long), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testMarkdown() {
        XCTAssertEqual(Markdown.html("# Title\n\nSome *em*, **strong**, `a*b` and snake_case_name.\nSecond line."),
                       "<h1>Title</h1>\n<p>Some <em>em</em>, <strong>strong</strong>, <code>a*b</code> and snake_case_name.\nSecond line.</p>\n")
        XCTAssertEqual(Markdown.html("Run:\n\n    lrps x.lrps\n    more\n\nDone."),
                       "<p>Run:</p>\n<pre><code>lrps x.lrps\nmore</code></pre>\n<p>Done.</p>\n")
        XCTAssertEqual(Markdown.html("- one\n- two\n  continued\n\n1. first\n2. second"),
                       "<ul>\n<li>one</li>\n<li>two\ncontinued</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n")
        XCTAssertEqual(Markdown.html("<script>alert(1)</script> & 2 * 3 > 1"),
                       "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; 2 * 3 &gt; 1</p>\n")
        XCTAssertEqual(Markdown.html("[site](https://heatmapping.org) and [box] [-1, 1]"),
                       "<p><a href=\"https://heatmapping.org\">site</a> and [box] [-1, 1]</p>\n")
        XCTAssertEqual(Markdown.html("### Deep *Taylor* ###"), "<h3>Deep <em>Taylor</em></h3>\n")
    }

    func testHighlighter() {
        let tokens = Highlighter.tokens("R = relprop mlp Y*T rules=deeptaylor  # z+\nprint \"a\\\"b\" 1.5e-3 true")
            .filter { $0.kind != .plain }.map { "\($0.kind.rawValue):\($0.text)" }
        XCTAssertEqual(tokens, ["v:R", "o:=", "b:relprop", "o:*", "k:rules", "o:=", "b:deeptaylor", "c:# z+",
                                "b:print", "s:\"a\\\"b\"", "n:1.5e-3", "l:true"])
        XCTAssertEqual(Highlighter.html("x = \"<b>\""), "<span class=\"v\">x</span> <span class=\"o\">=</span> <span class=\"s\">\"&lt;b&gt;\"</span>")
    }

    // MARK: Helpers

    /// The texts between each `start` and the next `end` after it.
    static func between(_ start: String, _ end: String, in text: String) -> [String] {
        var results: [String] = []
        var rest = text[...]
        while let open = rest.range(of: start), let close = rest[open.upperBound...].range(of: end) {
            results.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return results
    }

    /// HTML with its tags dropped and the entities this writer uses decoded.
    static func text(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func assertInOrder(_ lines: [String], in text: String, _ what: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        var rest = text[...]
        for expected in lines {
            guard let found = rest.range(of: expected.trimmingSpaces) else {
                XCTFail("\(what): \(expected.debugDescription) missing or out of order", file: file, line: line)
                return
            }
            rest = rest[found.upperBound...]
        }
    }

    static func sha256sum(_ path: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { throw XCTSkip("no sha256sum") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    static func temporaryDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "lrps-nb-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}
