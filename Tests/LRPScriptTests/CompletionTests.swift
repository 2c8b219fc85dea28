import XCTest
@testable import LRPScript

final class CompletionTests: XCTestCase {
    func testUniqueCandidateIsCompleted() {
        XCTAssertEqual(Completion(line: "sh", candidates: ["show"]), Completion(insertion: "ow", alternatives: []))
        XCTAssertEqual(Completion(line: "print lon", candidates: ["long_name", "print"]),
                       Completion(insertion: "g_name", alternatives: []))
    }

    func testCommonPrefixIsInsertedBeforeListing() {
        XCTAssertEqual(Completion(line: "x = alph", candidates: ["alpha_one", "alpha_two"]),
                       Completion(insertion: "a_", alternatives: []))
        XCTAssertEqual(Completion(line: "x = alpha_", candidates: ["alpha_two", "alpha_one", "alpha_one"]),
                       Completion(insertion: "", alternatives: ["alpha_one", "alpha_two"]))
    }

    func testNothingToDo() {
        XCTAssertNil(Completion(line: "zz", candidates: ["show", "print"]))
        XCTAssertNil(Completion(line: "show", candidates: ["show"]))
        XCTAssertNil(Completion(line: "x", candidates: []))
    }

    func testPartialWord() {
        XCTAssertEqual(Completion.partialWord(in: "print net.lay"), "net.lay")
        XCTAssertEqual(Completion.partialWord(in: "f(a, b_"), "b_")
        XCTAssertEqual(Completion.partialWord(in: "x = "), "")
        XCTAssertEqual(Completion.partialWord(in: ""), "")
    }

    func testColumnLayout() {
        XCTAssertEqual(columnLayout(["a", "bb", "ccc"], width: 10), "a    bb\nccc\n")
        XCTAssertEqual(columnLayout(["one", "two"], width: 3), "one\ntwo\n")
        XCTAssertEqual(columnLayout([], width: 80), "")
    }
}
