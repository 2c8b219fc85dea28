import Foundation
import XCTest
@testable import Interpreter

/// Runs every `Golden/*.lrps` and checks it against its inline `# expect` comments
/// (Golden/README.md). `LRPS_UPDATE_GOLDEN=1` rewrites the expectations from what lrps prints now
/// and then fails, naming the files it changed, so the diff gets reviewed; it is refused under CI.
final class GoldenTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden").path

    func testGoldenScripts() throws {
        let environment = ProcessInfo.processInfo.environment
        let update = environment["LRPS_UPDATE_GOLDEN"] == "1"
        if update, environment["CI"] != nil {
            return XCTFail("LRPS_UPDATE_GOLDEN=1 is refused under CI: expectations are updated by hand and reviewed")
        }
        // LRPS_GOLDEN=tutorial,oracle runs only those scripts (the kernel matrix in scripts/test.sh).
        let only = environment["LRPS_GOLDEN"].map { Set($0.split(separator: ",").map { String($0) + ".lrps" }) }
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.goldenDirectory)
            .filter { $0.hasSuffix(".lrps") && only?.contains($0) != false }.sorted()
        XCTAssertFalse(names.isEmpty, "no golden scripts found in \(Self.goldenDirectory)")
        var changed: [String] = []
        for name in names {
            let path = Self.goldenDirectory + "/" + name
            let source = try String(contentsOfFile: path, encoding: .utf8)
            let script = GoldenScript(name: "Golden/" + name, source: source)
            let run = Self.run(script)
            if update {
                let text = script.rewritten(printed: run.host.printedByLine, failed: run.errorsByLine)
                if text != source {
                    try text.write(toFile: path, atomically: true, encoding: .utf8)
                    changed.append(name)
                }
            } else {
                run.failures.forEach { XCTFail($0) }
            }
        }
        if update, !changed.isEmpty {
            XCTFail("LRPS_UPDATE_GOLDEN=1 rewrote the expectations of \(changed.joined(separator: ", ")); review the diff")
        }
    }

    struct Run {
        var host: GoldenHost
        var failures: [String] = []
        /// Errors by the (0-based) last line of the statement that failed.
        var errorsByLine: [Int: ScriptError] = [:]
    }

    /// Runs the script case by case in one session, comparing as it goes.
    static func run(_ script: GoldenScript) -> Run {
        let host = GoldenHost(root: packageRoot)
        let session = Session(host: host, workingDirectory: packageRoot)
        var run = Run(host: host)
        for c in script.cases {
            let where_ = "\(script.name):\(c.first + 1)-\(c.last + 1)"
            let before = host.output
            var thrown: ScriptError?
            do throws(ScriptError) { try session.run(script.source(of: c), file: script.name) } catch { thrown = error }
            let printed = String(host.output.dropFirst(before.count))
                .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            for i in 0..<max(printed.count, c.outputs.count) {
                let want = i < c.outputs.count ? c.outputs[i] : nil
                let got = i < printed.count ? printed[i] : nil
                guard let want, let got else {
                    run.failures.append(want.map { "\(script.name):\($0.line + 1): expected '\($0.text)', nothing more was printed" }
                        ?? "\(where_): printed '\(got!)' beyond the expectations")
                    break
                }
                if let why = mismatch(expected: want.text, actual: got) {
                    run.failures.append("\(script.name):\(want.line + 1): \(why)\n  expected: \(want.text)\n  actual:   \(got)")
                    break
                }
            }
            if let thrown {
                // Keyed by the failing statement's last line (a syntax error: its own line).
                let line = thrown.location.line - 1
                run.errorsByLine[host.failedStatementEnd[line] ?? line] = thrown
            }
            switch (c.error, thrown) {
            case (nil, nil): break
            case (nil, let e?):
                run.failures.append("\(where_): unexpected error:\n\(e.description)")
            case (let want?, nil):
                run.failures.append("\(script.name):\(want.line + 1): expected an error, none happened")
            case (let want?, let e?):
                let line = e.location.line - 1
                let lineOK = want.onCodeLine ? line == want.line : (c.first...c.last).contains(line)
                let columnOK = want.column.map { $0 == e.location.column } ?? true
                if !lineOK || !columnOK || mismatch(expected: want.message, actual: e.message) != nil {
                    run.failures.append("\(script.name):\(want.line + 1): expected error\(want.column.map { " col \($0)" } ?? ""): "
                        + "\(want.message)\n  actual: \(e.description)")
                }
            }
        }
        run.failures += host.unreadable.map { "\(script.name): \($0) does not hold the pixels that were saved" }
        return run
    }

    /// Printed lines compare with numbers as numbers (PrintedText); the `[image FNV]` and
    /// `[saved PATH FNV]` tags of pictures, and trailing spaces aside, text exactly.
    static func mismatch(expected: String, actual: String) -> String? {
        func split(_ s: String) -> (tag: String, rest: String) {
            let s = s.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            guard s.hasPrefix("[image ") || s.hasPrefix("[saved "), let end = s.firstIndex(of: "]") else { return ("", s) }
            return (String(s[...end]), String(s[s.index(after: end)...]))
        }
        let e = split(expected), a = split(actual)
        if e.tag != a.tag { return "picture differs: expected \(e.tag), got \(a.tag)" }
        return PrintedText.mismatch(expected: e.rest, actual: a.rest)
    }
}
