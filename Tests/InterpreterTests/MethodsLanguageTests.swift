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
        for (statement, message, at) in cases {
            let e = try error(statement, in: session)
            XCTAssertTrue(e.message.contains(message), "\(statement): \(e.message)")
            let column = try XCTUnwrap(statement.range(of: at)).lowerBound.utf16Offset(in: statement) + 1
            XCTAssertEqual(e.location.column, column, "\(statement): \(e.message)")
        }
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
}
