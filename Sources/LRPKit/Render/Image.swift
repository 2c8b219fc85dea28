/// An 8-bit image, row-major, channels interleaved (1 = gray, 3 = RGB).
public struct Image: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, channels == 1 || channels == 3 || channels == 4 else {
            throw LRPError.invalidArgument("image of \(width)x\(height) with \(channels) channels is not supported")
        }
        guard pixels.count == width * height * channels else {
            throw LRPError.shapeMismatch(operation: "image",
                "\(width)x\(height)x\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}
