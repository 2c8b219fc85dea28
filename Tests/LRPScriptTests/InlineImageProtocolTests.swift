import Foundation
import LRPKit
import XCTest
@testable import LRPScript

final class InlineImageProtocolTests: XCTestCase {
    private let png = (0..<3100).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    func testDetectionFromEnvironment() {
        XCTAssertEqual(InlineImageProtocol(environment: ["TERM": "xterm-kitty"]), .kitty)
        XCTAssertEqual(InlineImageProtocol(environment: ["TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"]), .kitty)
        XCTAssertEqual(InlineImageProtocol(environment: ["TERM_PROGRAM": "iTerm.app"]), .iTerm)
        XCTAssertNil(InlineImageProtocol(environment: ["TERM": "xterm-256color"]))
        XCTAssertNil(InlineImageProtocol(environment: [:]))
    }

    func testKittySendsBase64InChunksOfAtMost4096() throws {
        let text = InlineImageProtocol.kitty.sequence(forPNG: png)
        XCTAssertTrue(text.hasSuffix("\n"))
        // 3100 bytes are 4136 base64 characters: a full chunk of 4096 and one of 40.
        let chunks = text.dropLast().components(separatedBy: "\u{1B}\\").filter { !$0.isEmpty }
        XCTAssertEqual(chunks.count, 2)
        guard chunks.count == 2 else { return }
        XCTAssertTrue(chunks[0].hasPrefix("\u{1B}_Gf=100,a=T,m=1;"), chunks[0])
        XCTAssertTrue(chunks[1].hasPrefix("\u{1B}_Gm=0;"), chunks[1])
        let payloads = chunks.map { String($0[$0.index(after: $0.firstIndex(of: ";")!)...]) }
        XCTAssertEqual(payloads.map(\.count), [4096, 40])
        XCTAssertEqual(Data(base64Encoded: payloads.joined()).map { [UInt8]($0) }, png)
    }

    func testKittySmallImageIsOneChunk() {
        XCTAssertEqual(InlineImageProtocol.kitty.sequence(forPNG: [1, 2, 3]), "\u{1B}_Gf=100,a=T,m=0;AQID\u{1B}\\\n")
    }

    func testITermFileSequence() {
        XCTAssertEqual(InlineImageProtocol.iTerm.sequence(forPNG: [1, 2, 3]),
                       "\u{1B}]1337;File=inline=1;size=3;preserveAspectRatio=1:AQID\u{07}\n")
    }
}
