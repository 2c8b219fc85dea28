import Foundation
import XCTest
@testable import LRPKit

/// The file-format registry: which format reads or writes a path, and the formats it adds.
final class FileFormatTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "lrpkit-formats-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = "\(folder!)/\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func formatName(_ path: String, _ kind: FileKind? = nil) throws -> String {
        try FileFormats.format(forReading: path, kind: kind).name
    }

    func testReadingPicksTheFormatByFolderExtensionAndContents() throws {
        XCTAssertEqual(try formatName(IOTests.mlp), "tutorial weight folder")
        XCTAssertEqual(try formatName(IOTests.mnist), "MNIST folder")
        let npy = "\(folder!)/x.npy"
        try NumpyFile.write(Tensor([1, 2]), to: npy)
        XCTAssertEqual(try formatName(npy), "numpy .npy")
        // Two formats claim .txt: the Toolbox one by its first word, else numbers.
        XCTAssertEqual(try formatName(file("model.txt", "Linear 2 1\n1 2\n0\n")), "LRP Toolbox model")
        XCTAssertEqual(try formatName(file("numbers.txt", "1 2\n3 4\n")), "text of numbers (.txt)")
        XCTAssertEqual(try formatName(file("numbers2.txt", "1 2\n"), .network), "LRP Toolbox model")
        // No extension claims it: the contents decide.
        let renamed = "\(folder!)/x.data"
        try FileManager.default.copyItem(atPath: npy, toPath: renamed)
        XCTAssertEqual(try formatName(renamed), "numpy .npy")
        XCTAssertEqual(try formatName(file("model.bin", "Rect\n")), "LRP Toolbox model")
    }

    func testNothingFitsIsAnErrorNamingThePath() throws {
        let prose = try file("notes.md", "some words\n")
        for kind: FileKind? in [nil, .network, .tensor] {
            XCTAssertThrowsError(try FileFormats.format(forReading: prose, kind: kind)) { error in
                guard case LRPError.file(let path, let message) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(path, prose)
                XCTAssertTrue(message.contains("cannot tell the format"), message)
            }
        }
        // A network is no longer any plain file: a non-Toolbox file is refused before parsing.
        XCTAssertThrowsError(try NetworkLoader.load(path: prose)) { error in
            XCTAssertTrue("\(error)".contains("cannot tell the format"), "\(error)")
        }
        XCTAssertThrowsError(try FileFormats.format(forReading: "\(folder!)/missing.npy")) { error in
            XCTAssertEqual("\(error)", "\(folder!)/missing.npy: no such file or folder")
        }
        XCTAssertThrowsError(try FileFormats.format(forReading: folder)) { error in
            XCTAssertTrue("\(error)".contains("a folder with neither"), "\(error)")
        }
    }

    func testWritingPicksOneFormatPerExtension() throws {
        XCTAssertEqual(FileFormats.format(forWriting: "a/b.PNG")?.kind, .picture)
        XCTAssertEqual(FileFormats.format(forWriting: "b.npy")?.name, "numpy .npy")
        XCTAssertEqual(FileFormats.format(forWriting: "b.txt")?.name, "text of numbers (.txt)")
        XCTAssertNil(FileFormats.format(forWriting: "b.jpg"))
        let writable = FileFormats.writableExtensions
        XCTAssertEqual(writable, [".png", ".npy", ".txt", ".onnx", ".json"])
        XCTAssertEqual(Set(writable).count, writable.count, "two writers for one extension")
    }

    /// numpy.savetxt's layout, read back as numpy.loadtxt shapes it.
    func testTextTensorsRoundTrip() throws {
        let format = try XCTUnwrap(FileFormats.format(forWriting: "x.txt"))
        let matrix = try Tensor(shape: [2, 3], scalars: [1, -2.5, 3e-7, 4, 5, 0.1])
        let vector = Tensor([0.25, 7, -1])
        for x in [matrix, vector] {
            let path = "\(folder!)/t.txt"
            try format.write(.tensor(x), to: path)
            guard case .tensor(let back) = try FileFormats.read(path, kind: .tensor) else { return XCTFail() }
            XCTAssertEqual(back, x)
        }
        XCTAssertEqual(TextTensorFormat.text(matrix).split(separator: "\n").first,
                       "1.000000000000000000e+00 -2.500000000000000000e+00 3.000000106112565845e-07")  // numpy.savetxt of float32 [[1, -2.5, 3e-7]]
        XCTAssertThrowsError(try FileFormats.read(file("ragged.txt", "1 2\n3\n"), kind: .tensor)) { error in
            XCTAssertTrue("\(error)".contains("line 2 has 1 values, line 1 has 2: not a matrix"), "\(error)")
        }
        XCTAssertThrowsError(try format.write(.picture(try Image(width: 1, height: 1, channels: 1, pixels: [0])), to: "\(folder!)/p.txt"))
    }

    func testPathsInErrorsAreShownAsWritten() {
        let error = LRPError.file(path: "/abs/dir/x.npy", "bad magic")
        XCTAssertEqual(error.showingPath("/abs/dir", as: "dir").description, "dir/x.npy: bad magic")
        XCTAssertEqual(error.showingPath("/elsewhere", as: "e"), error)
        XCTAssertEqual(LRPError.invalidArgument("x").showingPath("/abs", as: "a"), .invalidArgument("x"))
    }
}
