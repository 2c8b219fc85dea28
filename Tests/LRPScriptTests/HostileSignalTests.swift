import Foundation
import XCTest
@testable import LRPScript

/// Issue 9, items 11-17: interrupts and signals, and what a script may touch. The interrupt tests
/// wait for output the statement prints before its long part, never for a fixed time.
final class HostileSignalTests: ScratchFolderTestCase {
    private func terminal(_ arguments: [String] = []) throws -> PseudoTerminal {
        try PseudoTerminal(executable: try LRPSBinary.url, arguments: arguments, environment: [
            "TERM": "xterm", "HOME": directory.path, "LRPS_HISTFILE": path("history"),
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ])
    }

    /// Six products of 3000 x 3000 matrices: many seconds of BLAS in one statement.
    static let longProduct = "a = ones(3000, 3000); print \"go\"; m = a @ a @ a @ a @ a @ a"

    // MARK: 9.11 a long matrix product stops at once and assigns nothing

    func testCtrlCStopsALongMatrixProductAtOnceAndAssignsNothing() throws {
        let repl = try terminal()
        repl.expect("[1]> ")
        repl.type(Self.longProduct + "\r")
        repl.expect("\r\ngo\r\n", timeout: 30)
        usleep(500_000)  // "go" comes from the statement before the product: let the product start
        let start = Date()
        repl.type("\u{3}")
        repl.expect("interrupted", timeout: 30)
        // Within ~0.5 s on an idle machine; a generous bound for a loaded one.
        XCTAssertLessThan(Date().timeIntervalSince(start), 3, repl.transcript.suffix(2000).description)
        repl.expect("[2]> ")
        repl.type("m\r")
        repl.expect("unknown name 'm'")
        repl.expect("[3]> ")
        repl.type("\u{4}")
        XCTAssertEqual(repl.waitForExit(), 0, repl.transcript.suffix(2000).description)
    }

    // MARK: 9.12 a second Ctrl-C abandons the cell, not the session

    func testSecondCtrlCAbandonsTheCellAndKeepsTheSession() throws {
        let repl = try terminal()
        repl.expect("[1]> ")
        repl.type("x = ones(2000, 2000)\r")
        repl.expect("[2]> ", timeout: 30)
        // Element-wise work is not checked for interrupts inside one statement: it runs on
        // after the first Ctrl-C, so the second one has something to abandon.
        repl.type("print \"go\"; y = " + Array(repeating: "exp(x)", count: 16).joined(separator: " + ") + "\r")
        repl.expect("\r\ngo\r\n", timeout: 30)
        // "go" comes from the statement before the long one: give that one a moment to start
        // (a Ctrl-C between the two would stop the cell at once, leaving nothing to abandon).
        usleep(500_000)
        repl.type("\u{3}")
        // Two signals sent together merge into one (a pending signal is not queued twice).
        usleep(300_000)
        repl.type("\u{3}")
        repl.expect("abandoned", timeout: 10)
        repl.expect("[3]> ", timeout: 5)
        repl.type("print count(x)\r")  // waits for the abandoned cell to stop
        repl.expect("\r\n4000000\r\n", timeout: 120)
        repl.expect("[4]> ")
        repl.type("y\r")
        repl.expect("unknown name 'y'")
        repl.expect("[5]> ")
        repl.type("\u{4}")
        XCTAssertEqual(repl.waitForExit(), 0, repl.transcript.suffix(2000).description)
    }

    // MARK: 9.13 SIGTERM and SIGHUP

    func testSIGTERMAndSIGHUPStopAScriptMarkTheNotebookAndExitLikeShells() throws {
        try Data((Self.longProduct.replacingOccurrences(of: "; ", with: "\n") + "\nprint \"finished\"\n").utf8)
            .write(to: directory.appendingPathComponent("long.lrps"))
        for (signal, status) in [(SIGTERM, Int32(143)), (SIGHUP, Int32(129))] {
            let notebook = path("run-\(signal).html")
            let run = try terminal([path("long.lrps"), "--notebook", notebook])
            run.expect("go\r\n", timeout: 30)
            kill(run.pid, signal)
            XCTAssertEqual(run.waitForExit(timeout: 30), status, run.transcript.suffix(2000).description)
            XCTAssertFalse(run.transcript.contains("finished"))
            let html = try String(contentsOfFile: notebook, encoding: .utf8)
            XCTAssertTrue(html.contains("<dd class=\"status bad\">failed after"), String(html.prefix(3000)))
            XCTAssertTrue(html.contains("interrupted"))
        }
    }

    func testSIGTERMWhileTheREPLWaitsEndsItWith143() throws {
        let repl = try terminal(["--notebook", path("session.html")])
        repl.expect("[1]> ")
        repl.type("x = 1\r")
        repl.expect("[2]> ")
        kill(repl.pid, SIGTERM)
        XCTAssertEqual(repl.waitForExit(timeout: 30), 143, repl.transcript.suffix(2000).description)
        let html = try String(contentsOfFile: path("session.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("stopped by SIGTERM"), String(html.suffix(3000)))
    }

    func testStaleTemporariesOfDeadProcessesAreRemovedOnTheNextSave() throws {
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = ".x.npy.lrps-tmp-\(finished.processIdentifier)-Ab12Cd"
        let alive = ".y.npy.lrps-tmp-\(getpid())-Ab12Cd"
        for name in [dead, alive] { try Data([1, 2, 3]).write(to: directory.appendingPathComponent(name)) }
        let result = try runLRPS(["-e", "save ones(2) \"\(path("z.npy"))\""])
        XCTAssertEqual(result.status, 0, result.standardError)
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertFalse(entries.contains(dead), "\(entries)")
        XCTAssertTrue(entries.contains(alive), "\(entries)")
        XCTAssertTrue(entries.contains("z.npy"))
    }

    // MARK: 9.14 permissions, links, devices

    func testSaveNeverSetsSetuidAndRefusesLinksAndNonRegularFiles() throws {
        let setuid = path("s.txt")
        try Data("old".utf8).write(to: URL(fileURLWithPath: setuid))
        chmod(setuid, 0o4755)
        XCTAssertEqual(try runLRPS(["-e", "save ones(2) \"\(setuid)\""]).status, 0)
        var info = stat()
        XCTAssertEqual(stat(setuid, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o755)

        let target = path("target.npy")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
        symlink(target, path("link.npy"))
        let link = try runLRPS(["-e", "save ones(2) \"\(path("link.npy"))\""])
        XCTAssertEqual(link.status, 1)
        XCTAssertTrue(link.standardError.contains("is a symbolic link"), link.standardError)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep")
        XCTAssertEqual(lstat(path("link.npy"), &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFLNK)

        XCTAssertEqual(mkfifo(path("fifo.npy"), 0o644), 0)
        let fifo = try runLRPS(["-e", "save ones(2) \"\(path("fifo.npy"))\""], timeout: 20)
        XCTAssertEqual(fifo.status, 1)
        XCTAssertTrue(fifo.standardError.contains("not a regular file"), fifo.standardError)
        XCTAssertEqual(lstat(path("fifo.npy"), &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
    }

    // MARK: 9.15 notebooks record checksums of loaded files only

    func testANotebookListsOnlyFilesThatLoaded() throws {
        try Data("token=SECRET\n".utf8).write(to: directory.appendingPathComponent("creds.npy"))
        let result = try runLRPS(["-e", "x = load tensor \"\(path("creds.npy"))\"", "--notebook", path("nb.html")])
        XCTAssertEqual(result.status, 1)
        let html = try String(contentsOfFile: path("nb.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("<tr><td><code>"), "a failed load is listed with a checksum")
        XCTAssertFalse(html.contains("SECRET"))
    }

    // MARK: 9.16 --write-dir and --read-only

    func testWriteDirAndReadOnlyBoundWhatIsWritten() throws {
        let inside = path("out"), outside = path("elsewhere")
        try FileManager.default.createDirectory(atPath: inside, withIntermediateDirectories: true)
        let allowed = try runLRPS(["--write-dir", inside, "-e", "save ones(2) \"\(inside)/new/a.npy\""])
        XCTAssertEqual(allowed.status, 0, allowed.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(inside)/new/a.npy"))
        // After the script too (not taken for a script argument); folders are not created.
        try Data("print args\nsave ones(2) \"\(outside)/b.npy\"\n".utf8).write(to: directory.appendingPathComponent("w.lrps"))
        let refused = try runLRPS([path("w.lrps"), "--write-dir", inside])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.standardOutput, "[]\n")
        XCTAssertTrue(refused.standardError.contains("outside the folders files may be written in"), refused.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside))
        // A link inside the allowed folder does not lead out of it.
        symlink(directory.path, "\(inside)/up")
        let escaped = try runLRPS(["--write-dir", inside, "-e", "save ones(2) \"\(inside)/up/c.npy\""])
        XCTAssertEqual(escaped.status, 1, escaped.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("c.npy")))

        let readOnly = try runLRPS(["--read-only", "-e", "save ones(2) \"\(inside)/d.npy\""])
        XCTAssertEqual(readOnly.status, 1)
        XCTAssertTrue(readOnly.standardError.contains("writing files is turned off (read-only)"), readOnly.standardError)
        XCTAssertEqual(try runLRPS(["--read-only", "--notebook", path("n.html"), "-e", "1"]).status, 2)
    }

    // MARK: 9.17 REPL history

    func testHistoryIsAppendedUnderALockAndNeverThroughALink() throws {
        let history = path("h")
        appendHistory("x = 1", to: history)
        // Another REPL appended meanwhile: its line stays.
        let other = try FileHandle(forWritingTo: URL(fileURLWithPath: history))
        other.seekToEndOfFile()
        other.write(Data("print\\0402\n".utf8))
        try other.close()
        appendHistory("print \"a\\b\"\t", to: history)
        XCTAssertEqual(try String(contentsOfFile: history, encoding: .utf8),
                       "_HiStOrY_V2_\nx\\040=\\0401\nprint\\0402\nprint\\040\"a\\\\b\"\\011\n")
        let target = path("elsewhere")
        try Data("unchanged".utf8).write(to: URL(fileURLWithPath: target))
        symlink(target, path("linked-history"))
        appendHistory("x = 2", to: path("linked-history"))
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "unchanged")
    }

    func testAGrownHistoryFileIsTrimmedToItsLastEntries() throws {
        let history = path("h")
        for index in 0..<300 { appendHistory("x = \(index)", to: history, keeping: 100, trimmingAbove: 2000) }
        let lines = try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "_HiStOrY_V2_")
        XCTAssertLessThanOrEqual(lines.count - 1, 100)
        XCTAssertLessThan(try FileManager.default.attributesOfItem(atPath: history)[.size] as! Int, 2000 + 20)
        // The newest entries survive, in order and without gaps.
        let entries = lines.dropFirst().map(String.init)
        let expected = (300 - entries.count..<300).map { "x\\040=\\040\($0)" }
        XCTAssertEqual(entries, expected)
        XCTAssertGreaterThan(entries.count, 50)
        // Permission bits stay private.
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as! Int) & 0o777, 0o600)
    }

    func testTheREPLKeepsHistoryAcrossSessions() throws {
        for line in ["x = 41", "print x + 1"] {
            let repl = try terminal()
            repl.expect("[1]> ")
            repl.type(line + "\r")
            repl.expect("[2]> ")
            repl.type("\u{4}")
            XCTAssertEqual(repl.waitForExit(), 0)
        }
        let repl = try terminal()
        repl.expect("[1]> ")
        repl.type("x = 41\r")
        repl.expect("[2]> ")
        repl.type("\u{1B}[A\u{1B}[A\r")  // up twice: past this session's line to "print x + 1"
        repl.expect("\r\n42\r\n")
        repl.expect("[3]> ")  // Ctrl-D typed before the prompt would meet the terminal in cooked mode
        repl.type("\u{4}")
        XCTAssertEqual(repl.waitForExit(), 0, repl.transcript.suffix(2000).description)
    }
}
