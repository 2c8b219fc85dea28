import Foundation

/// PNG pictures as tensors, for `load image` / `load images`: any PNG (gray, gray+alpha, RGB,
/// RGBA, palette; 1 to 16 bits; interlaced or not) becomes `H x W x C` samples in 0...255 —
/// C = 1 for gray files, 3 for colour and palette files — scaled like the MNIST data.
public enum ImageFile {
    /// The raw samples of one picture, row-major, channels interleaved.
    public struct Pixels: Equatable, Sendable {
        public let height: Int
        public let width: Int
        public let channels: Int
        public let samples: [UInt8]
    }

    /// Decodes the PNG at `path`. 16-bit samples are rounded to 8 bits (v / 257); transparency
    /// is composited onto white in sample values (`v * a/255 + 255 * (1 - a/255)`, rounded).
    public static func readPixels(_ path: String) throws -> Pixels {
        let (decoded, width, height, stored) = try PNGFile.decodeSamples(try FileData.read(path), path: path)
        let hasAlpha = stored == 2 || stored == 4
        let channels = hasAlpha ? stored - 1 : stored
        guard hasAlpha else { return Pixels(height: height, width: width, channels: channels, samples: decoded) }
        var samples = [UInt8]()
        samples.reserveCapacity(width * height * channels)
        for p in 0..<(width * height) {
            let alpha = Double(decoded[stored * p + channels]) / 255
            for k in 0..<channels {
                let v = Double(decoded[stored * p + k]) * alpha + 255 * (1 - alpha)
                samples.append(UInt8(v.rounded()))
            }
        }
        return Pixels(height: height, width: width, channels: channels, samples: samples)
    }

    /// `p / 255 * (high - low) + low` computed in double then rounded to float32; the default
    /// range -1...1 is the MNIST data's `p / 255 * 2 - 1`.
    public static func scaled(_ samples: [UInt8], low: Double = -1, high: Double = 1) -> [Float] {
        samples.map { Float(Double($0) / 255 * (high - low) + low) }
    }

    /// The picture at `path` as an `H x W x C` tensor in `low...high`.
    public static func read(_ path: String, low: Double = -1, high: Double = 1) throws -> Tensor {
        let pixels = try readPixels(path)
        return try Tensor(shape: [pixels.height, pixels.width, pixels.channels],
                          scalars: scaled(pixels.samples, low: low, high: high))
    }
}
