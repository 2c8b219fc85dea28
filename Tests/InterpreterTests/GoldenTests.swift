import Foundation
import XCTest
@testable import Interpreter

/// Runs every `Golden/NAME.lrps` and compares what the host recorded (then the error text, if the
/// script fails) with `Golden/NAME.expected`. `LRPS_UPDATE_GOLDEN=1` rewrites the expected files;
/// review the diff by hand before committing.
final class GoldenTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden").path

    func testGoldenScripts() throws {
        let update = ProcessInfo.processInfo.environment["LRPS_UPDATE_GOLDEN"] == "1"
        let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.goldenDirectory)
            .filter { $0.hasSuffix(".lrps") }.sorted()
        XCTAssertFalse(scripts.isEmpty, "no golden scripts found in \(Self.goldenDirectory)")
        for script in scripts {
            let path = Self.goldenDirectory + "/" + script
            let expectedPath = String(path.dropLast(".lrps".count)) + ".expected"
            let actual = try Self.transcript(of: path, file: "Golden/" + script)
            if update {
                try actual.write(toFile: expectedPath, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOfFile: expectedPath, encoding: .utf8) else {
                XCTFail("\(script): no \(expectedPath); run with LRPS_UPDATE_GOLDEN=1 and review it")
                continue
            }
            if let why = PrintedText.mismatch(expected: expected, actual: actual) {
                XCTFail("\(script): output differs from \(expectedPath): \(why)\n" + Self.firstDifference(expected, actual))
            }
        }
    }

    /// Everything a script printed, then its error (if any).
    static func transcript(of path: String, file: String) throws -> String {
        let source = try String(contentsOfFile: path, encoding: .utf8)
        let host = RecordingHost()
        let session = Session(host: host, workingDirectory: packageRoot)
        do {
            try session.run(source, file: file)
            return host.output
        } catch {
            return host.output + error.description + "\n"
        }
    }

    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? String(e[i]) : "<end>", al = i < a.count ? String(a[i]) : "<end>"
            if el != al { return "line \(i + 1):\n  expected: \(el)\n  actual:   \(al)" }
        }
        return ""
    }
}
