import Foundation
import XCTest

/// What a CI job sees of a script: `exit N`, failed assertions (status 1 with a positioned
/// message), `--timeout` (status 124), and everything after `--` reaching the script.
final class ScriptControlTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testExitStatus() throws {
        let result = try runLRPS(["-e", "print 1\nexit 3\nprint 2"])
        XCTAssertEqual(result.status, 3)
        XCTAssertEqual(result.standardOutput, "1\n")
        XCTAssertEqual(result.standardError, "")
        let inFunction = try runLRPS(["-e", "def stop(n)\n  exit n\nend\nprint stop(4)\nprint 5"])
        XCTAssertEqual(inFunction.status, 4)
        XCTAssertEqual(inFunction.standardOutput, "")
        XCTAssertEqual(try runLRPS(["-e", "exit()"]).status, 0)
    }

    func testTimeoutStopsTheRunWithStatus124() throws {
        let start = Date()
        let result = try runLRPS(["--timeout", "0.5", "-e", "x = 0\nfor i in range(100000)\n  for j in range(100000)\n    x = x + 1\n  end\nend"], timeout: 60)
        XCTAssertEqual(result.status, 124, result.standardError)
        XCTAssertTrue(result.standardError.hasPrefix("<expr>:") && result.standardError.contains(": error: stopped: the run took longer than --timeout 0.5 seconds"),
                      result.standardError)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)  // the loop alone would take hours
        XCTAssertEqual(try runLRPS(["--timeout", "60", "-e", "print 1"]).status, 0)
        let bad = try runLRPS(["--timeout", "0", "-e", "print 1"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.standardError, "lrps: --timeout: '0' is not a number of seconds above 0\n")
    }

    func testEverythingAfterDoubleDashIsTheScripts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-dash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runLRPS(["-e", "print args", "--", "a", "--notebook", "x.html", "b"], directory: directory)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "[\"a\", \"--notebook\", \"x.html\", \"b\"]\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/x.html"))
        // Before a `--`, --notebook is still lrps's own.
        let own = try runLRPS(["-e", "print args", "a", "--notebook", "y.md"], directory: directory)
        XCTAssertEqual(own.standardOutput, "[\"a\"]\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/y.md"))
    }

    /// The README's CI example passes as committed, and fails with status 1 and the line, the
    /// message and both values when one of the tutorial's numbers is changed.
    func testCIExampleChecksTheTutorialsNumbers() throws {
        let script = Self.packageRoot + "/scripts/ci-example.lrps"
        let good = try runLRPS([script], timeout: 300, directory: Self.packageRoot)
        XCTAssertEqual(good.status, 0, good.standardError)
        XCTAssertEqual(good.standardOutput, "the tutorial's numbers hold\n")

        let source = try String(contentsOfFile: script, encoding: .utf8)
        XCTAssertTrue(source.contains("assert errors(mlp, mnist) == 105 \"MLP test errors\""))
        let changed = FileManager.default.temporaryDirectory.appendingPathComponent("ci-changed-\(UUID().uuidString).lrps").path
        try source.replacingOccurrences(of: "== 105", with: "== 104").write(toFile: changed, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: changed) }
        let bad = try runLRPS([changed], timeout: 300, directory: Self.packageRoot)
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.standardOutput, "")
        let line = source.components(separatedBy: "\n").firstIndex { $0.contains("== 105") }.map { $0 + 1 } ?? 0
        XCTAssertEqual(bad.standardError.components(separatedBy: "\n").first,
                       "\(changed):\(line):1: error: assertion failed: MLP test errors: 105 == 104")
    }
}
