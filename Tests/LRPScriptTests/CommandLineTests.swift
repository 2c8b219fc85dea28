import Foundation
import XCTest
@testable import LRPScript

/// The `lrps` executable run as a child process: modes, exit status, error format, output order.
final class CommandLineTests: XCTestCase {
    func testStatementsSucceedWithStatusZero() throws {
        let result = try runLRPS(["-e", "x = 1\nprint x + 1"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "2\n")
        XCTAssertEqual(result.standardError, "")
    }

    func testScriptErrorHasStatusOneAndLocatedMessage() throws {
        let result = try runLRPS(["-e", "print nosuchname"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.standardOutput, "")
        let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertGreaterThanOrEqual(lines.count, 3, result.standardError)
        guard lines.count >= 3 else { return }
        XCTAssertTrue(lines[0].hasPrefix("<expr>:1:7: error: "), String(lines[0]))
        XCTAssertTrue(lines[0].contains("nosuchname"), String(lines[0]))
        XCTAssertEqual(lines[1], "    print nosuchname")
        XCTAssertEqual(lines[2], "          ^")  // under column 7, the start of the unknown name
    }

    func testOutputBeforeAnErrorIsKeptAndTheRestIsNotRun() throws {
        let result = try runLRPS(["-e", "print 1\nprint nosuchname\nprint 3"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.standardOutput, "1\n")
        XCTAssertTrue(result.standardError.hasPrefix("<expr>:2:7: error: "), result.standardError)
    }

    func testBufferedOutputIsFlushedBeforeTheError() throws {
        let result = try runLRPS(["-e", "print 1\nprint 2\nprint nosuchname"], mergingErrorsIntoOutput: true)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardOutput.hasPrefix("1\n2\n<expr>:3:7: error: "), result.standardOutput)
    }

    func testScriptFileGetsItsPathInErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.lrps")
        try "a = 20\nb = 22\nprint a + b\n".write(to: good, atomically: true, encoding: .utf8)
        let bad = directory.appendingPathComponent("bad.lrps")
        try "a = 1\n\nprint a + missing\n".write(to: bad, atomically: true, encoding: .utf8)

        let goodResult = try runLRPS([good.path, "extra", "--arguments-for-the-script"])
        XCTAssertEqual(goodResult.status, 0, goodResult.standardError)
        XCTAssertEqual(goodResult.standardOutput, "42\n")

        let badResult = try runLRPS([bad.path])
        XCTAssertEqual(badResult.status, 1)
        XCTAssertTrue(badResult.standardError.hasPrefix("\(bad.path):3:11: error: "), badResult.standardError)
        XCTAssertTrue(badResult.standardError.contains("\n    print a + missing\n              ^"), badResult.standardError)
    }

    func testScriptArgumentsArriveAsArgs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-args-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("args.lrps")
        try "print count(args)\nprint args[1]\nprint number(args[0]) * 2\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try runLRPS([script.path, "21", "two words", "--notebook", directory.appendingPathComponent("n.md").path, "--", "--notebook"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "3\ntwo words\n42\n")
        let bad = try runLRPS(["-e", "number(\"x1\")"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.standardError.contains("number: \"x1\" is not a number"), bad.standardError)
    }

    func testMemoryLimitStopsAStatementWithAMessage() throws {
        let big = try runLRPS(["--memory-limit", "1M", "-e", "x = zeros(1000, 1000)"])
        XCTAssertEqual(big.status, 1)
        XCTAssertTrue(big.standardError.contains("1000x1000") && big.standardError.contains("limit"), big.standardError)
        let fits = try runLRPS(["-e", "print count(zeros(1024, 1024))"], environment: ["LRPS_MEMORY_LIMIT": "8M"])
        XCTAssertEqual(fits.status, 0, fits.standardError)
        XCTAssertEqual(fits.standardOutput, "1048576\n")
        let absurd = try runLRPS(["-e", "x = zeros(100000, 100000, 100000)"])  // default limit: 4 GiB
        XCTAssertEqual(absurd.status, 1)
        XCTAssertTrue(absurd.standardError.contains("limit"), absurd.standardError)
        XCTAssertEqual(try runLRPS(["--memory-limit", "lots", "-e", "1"]).status, 2)
    }

    func testMissingScriptFileIsUsageError() throws {
        let result = try runLRPS(["/nonexistent/script.lrps"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("/nonexistent/script.lrps"), result.standardError)
        XCTAssertEqual(result.standardOutput, "")
    }

    func testUnknownOptionIsUsageError() throws {
        let result = try runLRPS(["--no-such-option"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("--no-such-option"), result.standardError)
    }

    func testStandardInputIsReadAsAScript() throws {
        let result = try runLRPS([], input: "n = 5\nprint n + 1\n")
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "6\n")

        let failing = try runLRPS([], input: "print 1\nprint undefined_thing\n")
        XCTAssertEqual(failing.status, 1)
        XCTAssertEqual(failing.standardOutput, "1\n")
        XCTAssertTrue(failing.standardError.hasPrefix("<stdin>:2:7: error: "), failing.standardError)
    }

    func testInfoNamesTheBLASAndItsKernels() throws {
        let info = try runLRPS(["--info"])
        XCTAssertEqual(info.status, 0, info.standardError)
        let lines = info.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "lrps " + lrpsVersion)
        XCTAssertTrue(lines.contains { $0.hasPrefix("BLAS: ") }, info.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("BLAS kernels: ") }, info.standardOutput)
        XCTAssertTrue(lines.contains { $0.hasPrefix("threads: ") }, info.standardOutput)
        // A kernel set chosen by the user is kept, whatever the CPU.
        let forced = try runLRPS(["--info"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertTrue(forced.standardOutput.contains("BLAS kernels: Prescott, OPENBLAS_CORETYPE=Prescott"), forced.standardOutput)
        // LRPKit's own convolution kernel, and the variable that picks another.
        XCTAssertTrue(lines.contains { $0.hasPrefix("direct convolution: ") }, info.standardOutput)
        let im2col = try runLRPS(["--info"], environment: ["LRPS_CONV_KERNEL": "im2col"])
        XCTAssertTrue(im2col.standardOutput.contains("direct convolution: off, im2col + sgemm everywhere (LRPS_CONV_KERNEL=im2col)"), im2col.standardOutput)
        let unknown = try runLRPS(["--info"], environment: ["LRPS_CONV_KERNEL": "avx9"])
        XCTAssertTrue(unknown.standardOutput.contains("LRPS_CONV_KERNEL=avx9 is not one of im2col, sse2, avx2, avx512"), unknown.standardOutput)
    }

    func testVersionAndHelp() throws {
        let version = try runLRPS(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.standardOutput, lrpsVersion + "\n")
        XCTAssertFalse(lrpsVersion.isEmpty)

        let help = try runLRPS(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.standardOutput.contains("USAGE: lrps"), help.standardOutput)
        XCTAssertTrue(help.standardOutput.contains("-e <statements>"), help.standardOutput)
    }
}
