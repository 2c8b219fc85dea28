import Foundation
import XCTest

/// `scriptdir` lets `lrps path/to/script.lrps` reach the files beside the script from any folder.
final class ScriptDirectoryTests: XCTestCase {
    func testScriptdirIsTheScriptsFolderWhateverTheCurrentFolder() throws {
        let folder = NSTemporaryDirectory() + "lrps-scriptdir-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/deep/er", withIntermediateDirectories: true)
        try "save tensor([1.5, 2]) (scriptdir + \"/x.npy\")\nx = load tensor (scriptdir + \"/x.npy\")\nprint x\nprint scriptdir\n"
            .write(toFile: folder + "/deep/er/run.lrps", atomically: true, encoding: .utf8)
        // The test process's folder is not the script's; the path even takes a detour through `..`.
        let result = try runLRPS([folder + "/deep/er/../er/run.lrps"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let real = URL(fileURLWithPath: folder + "/deep/er").standardizedFileURL.path
        XCTAssertEqual(result.standardOutput, "[1.5 2. ]\n\(real)\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/deep/er/x.npy"))
    }

    func testWithoutAScriptFileScriptdirIsTheCurrentFolder() throws {
        let result = try runLRPS(["-e", "print scriptdir"])
        XCTAssertEqual(result.standardOutput, FileManager.default.currentDirectoryPath + "\n")
    }
}
