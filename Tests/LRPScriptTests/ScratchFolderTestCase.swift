import Foundation
import XCTest

/// A test case with a fresh folder for each test, removed afterwards.
class ScratchFolderTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrps-\(type(of: self))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A path inside the test's folder.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}
