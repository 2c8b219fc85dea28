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

    func testPartialWords() {
        XCTAssertEqual(Completion.partialWords(in: "print net.lay"), ["lay"])
        XCTAssertEqual(Completion.partialWords(in: "f(a, b_"), ["b_"])
        XCTAssertEqual(Completion.partialWords(in: "x = "), [""])
        XCTAssertEqual(Completion.partialWords(in: ""), [""])
        XCTAssertEqual(Completion.partialWords(in: "m = load(\"data/mn"), ["data/mn", "mn"])
        XCTAssertEqual(Completion.partialWords(in: "m = load(\"a\\\"b"), ["a\\\"b", "b"])
        XCTAssertEqual(Completion.partialWords(in: "load(\"done\") # \"x"), ["x"])
    }

    func testPathsInsideStrings() {
        XCTAssertEqual(Completion(line: "m = load(\"data/mn", candidates: ["data/mnist/", "data/mnist.npy"]),
                       Completion(insertion: "ist", alternatives: []))
        XCTAssertEqual(Completion(line: "m = load(\"data/", candidates: ["data/a.txt"]),
                       Completion(insertion: "a.txt", alternatives: []))
    }

    func testMembersAfterADot() {
        XCTAssertEqual(Completion(line: "print d.ima", candidates: ["images"]),
                       Completion(insertion: "ges", alternatives: []))
    }

    func testColumnLayout() {
        XCTAssertEqual(columnLayout(["a", "bb", "ccc"], width: 10), "a    bb\nccc\n")
        XCTAssertEqual(columnLayout(["one", "two"], width: 3), "one\ntwo\n")
        XCTAssertEqual(columnLayout([], width: 80), "")
    }
}
