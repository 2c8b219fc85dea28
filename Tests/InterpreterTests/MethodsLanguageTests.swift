import Foundation
import XCTest
import LRPKit
@testable import Interpreter

/// The attribution-method statements: bad parameters are errors that name the parameter and point
/// at it; the tensor and data-set forms agree.
final class MethodsLanguageTests: XCTestCase {
    static let setup = """
        mnist = load mnist "data/mnist"
        X, T = sample mnist 3 seed=1234
        cnn = load network "models/tutorial/cnn"
        Xp = pad(X, 2, value=-1)
        """

    private func error(_ statement: String, in session: Session) throws -> ScriptError {
        do { try session.run(statement, file: "t"); throw XCTSkip("no error from \(statement)") } catch let e as ScriptError { return e }
    }

    /// Each statement fails with a message containing its text, the caret at its marker.
    private func assertErrors(_ cases: [(String, String, String)], in session: Session,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        for (statement, message, at) in cases {
            let e = try error(statement, in: session)
            XCTAssertTrue(e.message.contains(message), "\(statement): \(e.message)", file: file, line: line)
            let column = try XCTUnwrap(statement.range(of: at)).lowerBound.utf16Offset(in: statement) + 1
            XCTAssertEqual(e.location.column, column, "\(statement): \(e.message)", file: file, line: line)
        }
    }

    func testBadParametersAreErrorsNamingThem() throws {
        let cases: [(String, String, String)] = [
            ("integrated cnn Xp T steps=0", "steps= must be at least 1", "steps=0"),
            ("integrated cnn Xp T baseline=ones(3, 3)", "baseline= has shape 3x3; expected one sample's shape 32x32x1", "baseline="),
            ("smoothgrad cnn Xp T sigma=-1", "sigma= must be a finite number >= 0", "sigma="),
            ("smoothgrad cnn Xp T samples=0", "samples= must be at least 1", "samples="),
            ("occlusion cnn Xp T window=40", "window= must be between 1 and the image's 32x32 size, got 40", "window="),
            ("occlusion cnn Xp T window=4 stride=5", "stride= must be between 1 and the window (4), got 5", "stride="),
            ("occlusion cnn mnist pad=2 window=33", "window= must be between 1 and the image's 32x32 size", "window="),
            ("smoothgrad cnn Xp T of=lrp", "of= is one of gradient, gradxinput", "of="),
            ("gradient cnn Xp T pad=2", "pad= applies when the input is a DATASET", "pad="),
        ]
        let session = Session(host: RecordingHost(), workingDirectory: GoldenTests.packageRoot)
        try session.run(Self.setup, file: "setup")
        try assertErrors(cases, in: session)
    }

    func testDataSetFormEqualsTensorForm() throws {
        let host = RecordingHost()
        let session = Session(host: host, workingDirectory: GoldenTests.packageRoot)
        try session.run(Self.setup + """

            small = mnist[[8915, 1318, 7221]]
            A = smoothgrad cnn Xp T sigma=0.2 samples=3 seed=5
            B = smoothgrad cnn small pad=2 sigma=0.2 samples=3 seed=5 batch=2
            print max(abs(A - B))
            C = integrated cnn small pad=2 steps=4 baseline=-1
            D = integrated cnn Xp T steps=4 baseline=-1
            print max(abs(C - D))
            """, file: "t")
        XCTAssertEqual(host.output, "0\n0\n")
    }

    func testPixelflipPrintsATableAndPlotSavesPNGAndSVG() throws {
        let folder = NSTemporaryDirectory() + "lrps-methods-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let host = RecordingHost()
        let session = Session(host: host, workingDirectory: GoldenTests.packageRoot)
        try session.run(Self.setup + """

            G = gradxinput cnn Xp T
            S = gradient cnn Xp T abs=true
            P = pixelflip cnn Xp T [G, S] names=["gradxinput", "saliency"] patch=2 steps=20 seed=4
            plot P "\(folder)/flip.png" title="Pixel flipping"
            plot P "\(folder)/flip.svg"
            print P.aopc
            """, file: "t")
        let lines = host.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "pixel flipping: 3 images, patch 2x2, 20 steps, perturbed by -1")
        XCTAssertEqual(lines.dropFirst().first?.split(separator: " ").map(String.init), ["method", "AOPC", "score", "0", "score", "20"])
        XCTAssertEqual(lines.dropFirst(2).prefix(3).map { $0.split(separator: " ").first.map(String.init) ?? "" },
                       ["gradxinput", "saliency", "random"])
        // All three orders start from the same unperturbed score.
        let starts = lines.dropFirst(2).prefix(3).map { $0.split(separator: " ").map(String.init)[2] }
        XCTAssertEqual(Set(starts).count, 1, host.output)
        let image = try PNGFile.read("\(folder)/flip.png")
        XCTAssertEqual([image.width, image.height], [640, 420])
        let svg = try String(contentsOfFile: "\(folder)/flip.svg", encoding: .utf8)
        XCTAssertTrue(svg.contains(">gradxinput<") && svg.contains(">random<") && svg.contains(">patches perturbed<"))
    }

    func testPixelflipAndPlotBadParameters() throws {
        let session = Session(host: RecordingHost(), workingDirectory: GoldenTests.packageRoot)
        try session.run(Self.setup + "\nG = gradxinput cnn Xp T", file: "setup")
        let cases: [(String, String, String)] = [
            ("pixelflip cnn Xp T [G] steps=0", "steps= must be between 1 and the 1024 patches", "steps="),
            ("pixelflip cnn Xp T [G] patch=4 steps=65", "steps= must be between 1 and the 64 patches of 4x4", "steps="),
            ("pixelflip cnn Xp T [G] patch=0", "patch= must be between 1", "patch="),
            ("pixelflip cnn Xp T [G[0]]", "each must have the inputs' shape 3x32x32x1", "[G[0]]"),
            ("pixelflip cnn Xp T [G] names=[\"a\", \"b\"]", "names= is a list of 1 strings", "names="),
            ("pixelflip cnn Xp T [G] perturb=uniform low=1 high=0", "low= must be below high=", "low="),
            ("plot G[0, :, :, 0] \"x.pdf\"", "PATH ends in .png or .svg", "\"x.pdf\""),
            ("plot [1, 2] names=[\"a\", \"b\"]", "2 names for 1 curves", "names="),
        ]
        try assertErrors(cases, in: session)
    }
}
