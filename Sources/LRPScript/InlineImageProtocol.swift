import Foundation

/// Terminal protocols that display PNG data directly, chosen from the environment.
enum InlineImageProtocol: Equatable {
    /// kitty's graphics protocol: APC `ESC _ G … ESC \` with base64 PNG in chunks of at most 4096.
    case kitty
    /// iTerm2's OSC 1337 `File=` inline image sequence.
    case iTerm

    init?(environment: [String: String]) {
        if environment["TERM"] == "xterm-kitty" || environment["KITTY_WINDOW_ID"] != nil {
            self = .kitty
        } else if environment["TERM_PROGRAM"] == "iTerm.app" {
            self = .iTerm
        } else {
            return nil
        }
    }

    /// The escape sequence(s) that display `png`, followed by a newline.
    func sequence(forPNG png: [UInt8]) -> String {
        let payload = Data(png).base64EncodedString()
        switch self {
        case .kitty:
            let chunkSize = 4096
            var chunks: [Substring] = []
            var start = payload.startIndex
            repeat {
                let end = payload.index(start, offsetBy: chunkSize, limitedBy: payload.endIndex) ?? payload.endIndex
                chunks.append(payload[start..<end])
                start = end
            } while start < payload.endIndex
            var text = ""
            for (index, chunk) in chunks.enumerated() {
                let more = index < chunks.count - 1 ? 1 : 0
                // Only the first chunk carries the control keys; later ones just continue the data.
                let keys = index == 0 ? "f=100,a=T,m=\(more)" : "m=\(more)"
                text += "\u{1B}_G\(keys);\(chunk)\u{1B}\\"
            }
            return text + "\n"
        case .iTerm:
            return "\u{1B}]1337;File=inline=1;size=\(png.count);preserveAspectRatio=1:\(payload)\u{07}\n"
        }
    }
}
