import Crypto
import Foundation

/// Lowercase hexadecimal SHA-256 of `bytes` (swift-crypto), for the data checksums in a notebook's header.
func sha256Hex(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
