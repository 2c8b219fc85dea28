import Crypto
import Foundation

/// A JSON object as Foundation's JSONSerialization reads and writes it.
typealias JSONObject = [String: Any]

/// One Jupyter message (messaging protocol 5.3) as it travels on the wire:
/// `identities... <IDS|MSG> signature header parent_header metadata content buffers...`.
struct KernelMessage {
    var identities: [[UInt8]] = []
    var header: JSONObject
    var parentHeader: JSONObject = [:]
    var metadata: JSONObject = [:]
    var content: JSONObject = [:]

    var type: String { header["msg_type"] as? String ?? "" }

    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"
}

/// Why a message was dropped.
enum KernelMessageProblem: Error, CustomStringConvertible {
    case noDelimiter
    case badSignature
    case malformed(String)

    var description: String {
        switch self {
        case .noDelimiter: return "no <IDS|MSG> delimiter"
        case .badSignature: return "bad signature"
        case .malformed(let part): return "malformed \(part)"
        }
    }
}

/// Signs and checks messages with the connection file's key (HMAC-SHA256), and turns messages into
/// frames and back. An empty key means unsigned messages, as the protocol allows.
struct MessageSigner {
    let key: SymmetricKey?
    /// The kernel's session id, in the header of every message it sends.
    let session = UUID().uuidString.lowercased()

    init(key: String) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: Array(key.utf8))
    }

    func signature(_ parts: [[UInt8]]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
    }

    /// Frames for `message`, signed.
    func frames(for message: KernelMessage) -> [[UInt8]] {
        let parts = [message.header, message.parentHeader, message.metadata, message.content].map(Self.encode)
        return message.identities + [KernelMessage.delimiter, Array(signature(parts).utf8)] + parts
    }

    /// The message in `frames`, after checking its signature in constant time.
    func message(from frames: [[UInt8]]) throws(KernelMessageProblem) -> KernelMessage {
        guard let split = frames.firstIndex(of: KernelMessage.delimiter) else { throw .noDelimiter }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw .malformed("message: \(rest.count) frames after the delimiter") }
        let parts = Array(rest[1...4])
        if key != nil {
            let expected = Array(signature(parts).utf8)
            let given = rest[0]
            guard given.count == expected.count,
                  zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { throw .badSignature }
        }
        func object(_ bytes: [UInt8], _ name: String) throws(KernelMessageProblem) -> JSONObject {
            guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)) as? JSONObject else {
                throw .malformed(name)
            }
            return value
        }
        return KernelMessage(identities: Array(frames[..<split]), header: try object(parts[0], "header"),
                             parentHeader: try object(parts[1], "parent_header"),
                             metadata: try object(parts[2], "metadata"), content: try object(parts[3], "content"))
    }

    /// A new message of `type`, in reply to (or caused by) `parent`.
    func message(_ type: String, content: JSONObject, parent: KernelMessage?,
                 identities: [[UInt8]] = [], metadata: JSONObject = [:]) -> KernelMessage {
        let header: JSONObject = [
            "msg_id": UUID().uuidString.lowercased(),
            "session": session,
            "username": "lrps",
            "date": Self.timestamp(),
            "msg_type": type,
            "version": KernelMessage.protocolVersion,
        ]
        return KernelMessage(identities: identities, header: header, parentHeader: parent?.header ?? [:],
                             metadata: metadata, content: content)
    }

    static func encode(_ object: JSONObject) -> [UInt8] {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { Array($0) } ?? Array("{}".utf8)
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
