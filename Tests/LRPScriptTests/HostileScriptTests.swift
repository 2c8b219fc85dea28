import Foundation
import XCTest

/// Issue 9: hostile scripts and inputs through the `lrps` binary — each test reproduces a finding.
final class HostileScriptTests: ScratchFolderTestCase {
    private func assertFails(_ result: ProcessResult, status: Int32 = 1, containing phrase: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, result.standardError, file: file, line: line)
        XCTAssertTrue(result.standardError.contains(phrase), "expected '\(phrase)' in \(result.standardError.prefix(2000))",
                      file: file, line: line)
        XCTAssertFalse(result.standardError.contains("Backtrac"), result.standardError, file: file, line: line)
    }

    // MARK: 9.1 / 9.10 empty axes and empty inputs

    func testReductionsOverEmptyAxes() throws {
        let result = try runLRPS(["-e", "print sum(zeros(0,5), axis=0); print mean(zeros(0,2), axis=0); print sum(zeros(2,0,3), axis=1).shape"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "[0 0 0 0 0]\n[nan nan]\n[2, 3]\n")
        assertFails(try runLRPS(["-e", "print min(zeros(0,5), axis=0)"]),
                    containing: "error: min: axis 0 of shape 0x5 is empty, so it has no smallest value")
        assertFails(try runLRPS(["-e", "print max(zeros(0))"]),
                    containing: "error: max: the tensor of shape 0 is empty, so it has no largest value")
    }

    func testEmptyBatchesAndDataSets() throws {
        let cnn = try runLRPS(["-e", "cnn = load network \"\(repositoryRoot)/models/tutorial/cnn\"; print forward(cnn, zeros(0,32,32,1)).shape"])
        XCTAssertEqual(cnn.status, 0, cnn.standardError)
        XCTAssertEqual(cnn.standardOutput, "[0, 10]\n")
        // An MNIST folder of zero images.
        var images = Data([0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28])
        try images.write(to: directory.appendingPathComponent("t10k-images-idx3-ubyte"))
        images = Data([0, 0, 8, 1, 0, 0, 0, 0])
        try images.write(to: directory.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let load = "m = load mnist \"\(directory.path)\"; net = load network \"\(repositoryRoot)/models/tutorial/mlp\""
        assertFails(try runLRPS(["-e", "\(load); print errors(net, m)"]), containing: "errors: scoring: the data set is empty (0 samples)")
        assertFails(try runLRPS(["-e", "\(load); R = relprop net m"]), containing: "relprop: explaining: the data set is empty (0 samples)")
    }

    // MARK: 9.2 zero-element tensors with huge other dimensions

    func testZeroElementTensorWithHugeDimensionsIsRefused() throws {
        assertFails(try runLRPS(["-e", "x = zeros(0, 4294967296, 4294967296)"]), containing: "larger than the memory limit")
    }

    // MARK: 9.3 long postfix chains overflowed the stack

    func testLongPostfixChainsAreAnErrorNotACrash() throws {
        for chain in [String(repeating: "[0]", count: 20_000), String(repeating: ".shape", count: 20_000),
                      String(repeating: "[0:1]", count: 50_000)] {
            try Data("y = 1\(chain)\n".utf8).write(to: directory.appendingPathComponent("chain.lrps"))
            assertFails(try runLRPS([path("chain.lrps")]), containing: "nested too deeply")
        }
        let fine = try runLRPS(["-e", "x = ones(2, 3); print x[0][1:][0]; print x.shape"])
        XCTAssertEqual(fine.standardOutput, "1\n[2, 3]\n", fine.standardError)
    }

    // MARK: 9.4 unbounded script input

    func testOversizedScriptOnStandardInputIsRefused() throws {
        let big = String(repeating: "\n", count: (16 << 20) + 1)
        assertFails(try runLRPS([], input: big), status: 2, containing: "standard input is larger than the limit of 16 MiB")
        try Data(count: (16 << 20) + 1).write(to: directory.appendingPathComponent("big.lrps"))
        assertFails(try runLRPS([path("big.lrps")]), status: 2, containing: "is larger than the limit of 16 MiB")
    }

    // MARK: 9.6 / 9.18 one memory budget, messages that name it

    func testTheMemoryLimitCoversAllLiveTensorsAndNamesTheStatement() throws {
        let result = try runLRPS(["--memory-limit", "56M", "-e", "a = zeros(2048, 2048); b = a + 1; c = a + 2\nd = a + 3"])
        assertFails(result, containing: "<expr>:2:7: error: '+': a tensor of shape 2048x2048 needs 16 MiB more")
        XCTAssertTrue(result.standardError.contains("beyond the memory limit of 56 MiB"), result.standardError)
    }

    func testManySmallTensorsMeetTheMemoryLimitToo() throws {
        // Each tensor is under the size checked one by one (1 MiB); together they pass the limit.
        let literal = "l = [" + Array(repeating: "zeros(100000)", count: 400).joined(separator: ", ") + "]\nprint 1"
        let list = try runLRPS(["--memory-limit", "64M", "-e", literal])
        assertFails(list, containing: "<expr>:1:")
        XCTAssertTrue(list.standardError.contains("beyond the memory limit of 64 MiB"), list.standardError)
        XCTAssertEqual(list.standardOutput, "")
        let loop = try runLRPS(["--memory-limit", "64M", "-e", "l = 0\nfor i in range(1000)\n  l = [l, zeros(100000)]\nend\nprint 1"])
        // Refused in the loop: at the statement building the list, or at the loop's next item
        // (whichever small allocation is checked when the limit is passed).
        assertFails(loop, containing: "<expr>:")
        XCTAssertTrue(["<expr>:2:", "<expr>:3:"].contains { loop.standardError.hasPrefix($0) }, loop.standardError)
        XCTAssertTrue(loop.standardError.contains("beyond the memory limit of 64 MiB"), loop.standardError)
        // Under the default limit the same script runs.
        let allowed = try runLRPS(["-e", literal])
        XCTAssertEqual(allowed.status, 0, allowed.standardError)
        XCTAssertEqual(allowed.standardOutput, "1\n")
    }

    func testATinyMemoryLimitIsNamedWhenLoadingMNIST() throws {
        let result = try runLRPS(["--memory-limit", "4", "-e", "m = load mnist \"\(repositoryRoot)/data/mnist\""])
        assertFails(result, containing: "t10k-images-idx3-ubyte.gz: ")
        XCTAssertTrue(result.standardError.contains("memory limit of 4 bytes"), result.standardError)
        let images = try runLRPS(["--memory-limit", "20M", "-e", "m = load mnist \"\(repositoryRoot)/data/mnist\""])
        assertFails(images, containing: "t10k-images-idx3-ubyte.gz: 10000 images: shape 10000x28x28x1 is larger than the memory limit of 20 MiB")
    }

    // MARK: 9.8 CRLF and byte-order marks in scripts

    func testScriptsWithCRLFAndByteOrderMarkRun() throws {
        try Data("\u{FEFF}x = 1\r\ny = x + 1 \\\r\n  + 1\r\nprint y\r\n".utf8).write(to: directory.appendingPathComponent("win.lrps"))
        let file = try runLRPS([path("win.lrps")])
        XCTAssertEqual(file.status, 0, file.standardError)
        XCTAssertEqual(file.standardOutput, "3\n")
        let piped = try runLRPS([], input: "\u{FEFF}print 1\r\nprint 2\r\n")
        XCTAssertEqual(piped.standardOutput, "1\n2\n", piped.standardError)
        // An error on a later line still points at the right line and column.
        let error = try runLRPS(["-e", "x = 1\r\ny = $\r\n"])
        assertFails(error, containing: "<expr>:2:5: error: unexpected character '$'")
    }

    // MARK: 9.9 what lrps saves loads back

    func testNonFiniteTensorsLoadBack() throws {
        let result = try runLRPS(["-e", "save log(zeros(2)) \"\(path("x.npy"))\"; y = (load tensor \"\(path("x.npy"))\"); print y; print 0 * y"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "[-inf -inf]\n[nan nan]\n")
    }

    // MARK: 9.15 / 9.18 messages: control characters, long lines

    func testControlCharactersInMessagesAreEscaped() throws {
        let result = try runLRPS(["-e", "x = load tensor \"\(path("a\u{1B}[31mred.npy"))\""])
        assertFails(result, containing: "a\\x1b[31mred.npy")
        XCTAssertFalse(result.standardError.contains("\u{1B}"), result.standardError)
        let script = try runLRPS(["-e", "x = 1 \u{1B}[2J"])
        XCTAssertFalse(script.standardError.contains("\u{1B}"), script.standardError)
        XCTAssertTrue(script.standardError.contains("\\x1b"), script.standardError)
    }

    func testASyntaxErrorInAHugeLineIsClipped() throws {
        let line = "x = 1 + " + String(repeating: "2 ", count: 500_000) + "$ " + String(repeating: "3 ", count: 500_000)
        try Data(line.utf8).write(to: directory.appendingPathComponent("long.lrps"))
        let result = try runLRPS([path("long.lrps")])
        assertFails(result, containing: "unexpected character '$'")
        XCTAssertLessThan(result.standardError.utf8.count, 1000)
        // The caret still sits under the offending character.
        let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        let shown = Array(lines[1]), caret = Array(lines[2])
        XCTAssertEqual(caret.last, "^")
        XCTAssertEqual(shown[caret.count - 1], "$", result.standardError)
    }
}

/// The repository's root (models, data), from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../..").standardized.path
