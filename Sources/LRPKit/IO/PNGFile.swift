import CPNG

/// PNG reading and writing through libpng's simplified API, which reports errors in
/// `png_image.message` instead of longjmp-ing (Swift cannot host a setjmp).
public enum PNGFile {
    /// The largest image read, in pixels; a hostile header cannot make us allocate more.
    public static let maximumPixelCount = 1 << 28

    /// Reads a PNG as 8-bit gray, RGB or RGBA. Palette images become RGB (RGBA with
    /// transparency), 16-bit samples are reduced to 8 bits, gray+alpha is composited onto white.
    public static func read(_ path: String) throws -> Image {
        let data = try FileData.read(path)
        return try decode(data, path: path)
    }

    /// Writes `image` as an 8-bit PNG, atomically.
    public static func write(_ image: Image, to path: String) throws {
        try AtomicFile.write(encode(image, path: path), to: path)
    }

    /// The in-memory half of `read` (bytes already decompressed); `path` names them in errors.
    public static func decode(_ data: [UInt8], path: String) throws -> Image {
        if isWideInterlaced(data) {
            throw LRPError.file(path: path, "16-bit interlaced PNGs are not supported here; save it without interlacing or with 8-bit samples")
        }
        return try reading(data, path: path) { image, width, height in
            let hasColor = image.format & PNG_FORMAT_FLAG_COLOR != 0
            let hasAlpha = image.format & PNG_FORMAT_FLAG_ALPHA != 0
            let channels: Int
            if hasColor {
                image.format = hasAlpha ? PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA : PNG_FORMAT_FLAG_COLOR
                channels = hasAlpha ? 4 : 3
            } else {
                image.format = 0  // 8-bit gray; any alpha is composited onto the background below
                channels = 1
            }
            let pixels = try finish(&image, width: width, height: height, channels: channels, path: path)
            return try Image(width: width, height: height, channels: channels, pixels: pixels)
        }
    }

    /// Any PNG as 8-bit samples in its own layout: 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA)
    /// channels; palette files are RGB, or RGBA when they have transparency.
    public static func decodeSamples(_ data: [UInt8], path: String) throws -> (samples: [UInt8], width: Int, height: Int, channels: Int) {
        let wideInterlaced = isWideInterlaced(data)
        if wideInterlaced, let chunk = colourSpaceChunk(data) {
            throw LRPError.file(path: path, "16-bit interlaced PNGs with a \(chunk) chunk are not supported; save it without interlacing or with 8-bit samples")
        }
        return try reading(data, path: path) { image, width, height in
            image.format &= PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA  // 8-bit, no colour map
            let channels = (image.format & PNG_FORMAT_FLAG_COLOR != 0 ? 3 : 1) + (image.format & PNG_FORMAT_FLAG_ALPHA != 0 ? 1 : 0)
            guard wideInterlaced else {
                return (try finish(&image, width: width, height: height, channels: channels, path: path), width, height, channels)
            }
            // libpng 1.6's 16-to-8-bit path scrambles the rows of interlaced files (ImageFileTests
            // checks against an independent decoder), its 16-bit linear output does not. Without
            // gamma chunks (refused above) and without the sRGB flag, linear output is the samples
            // as stored; colour comes premultiplied by alpha.
            image.flags &= ~UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            image.format |= PNG_FORMAT_FLAG_LINEAR
            var wide = [UInt16](repeating: 0, count: width * height * channels)
            let finished = wide.withUnsafeMutableBytes {
                png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * channels), nil)
            }
            guard finished != 0, image.warning_or_error & 3 < 2 else {
                throw LRPError.file(path: path, "PNG data is damaged: \(message(of: image))")
            }
            let hasAlpha = channels == 2 || channels == 4
            var samples = [UInt8](repeating: 0, count: wide.count)
            for p in 0..<(width * height) {
                let alpha = hasAlpha ? Double(wide[p * channels + channels - 1]) : 65535
                for k in 0..<channels {
                    var v = Double(wide[p * channels + k])
                    if hasAlpha && k < channels - 1 { v = alpha == 0 ? 0 : v * 65535 / alpha }
                    samples[p * channels + k] = UInt8(min(255, (v / 257).rounded()))
                }
            }
            return (samples, width, height, channels)
        }
    }

    /// Whether the header says 16 bits per sample and Adam7 interlacing.
    private static func isWideInterlaced(_ data: [UInt8]) -> Bool {
        data.count > 28 && Array(data[12..<16]) == Array("IHDR".utf8) && data[24] == 16 && data[28] == 1
    }

    /// The first chunk before the image data that would make libpng convert samples (gamma,
    /// sRGB, ICC profile, chromaticities), if any.
    private static func colourSpaceChunk(_ data: [UInt8]) -> String? {
        var offset = 8
        while offset + 8 <= data.count {
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
            if type == "IDAT" || type == "IEND" { return nil }
            if ["gAMA", "sRGB", "iCCP", "cHRM"].contains(type) { return type }
            offset += 12 + length
        }
        return nil
    }

    /// Opens `data` with libpng, checks the size the header claims, and hands the image to `body`
    /// (which sets the output format and calls `finish`).
    private static func reading<T>(_ data: [UInt8], path: String, _ body: (inout png_image, Int, Int) throws -> T) throws -> T {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let began = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw LRPError.file(path: path, "not a readable PNG: \(message(of: image))") }
        let width = Int(image.width), height = Int(image.height)
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, !overflow, pixelCount <= maximumPixelCount else {
            throw LRPError.file(path: path, "image of \(width)x\(height) pixels is larger than the limit of \(maximumPixelCount) pixels")
        }
        // Deflate expands at most 1032:1 and a 1-bit pixel is 1/8 byte, so a header claiming more
        // pixels than this is lying (truncated or hostile): refuse before allocating for them.
        let (plausible, _) = data.count.multipliedReportingOverflow(by: 8 * 1032)
        guard pixelCount <= plausible else {
            throw LRPError.file(path: path,
                "header claims \(width)x\(height) pixels, more than \(data.count) bytes of PNG can hold (truncated or damaged)")
        }
        // 16-bit files without gamma information are taken as sRGB, so values scale by 1/257.
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        return try body(&image, width, height)
    }

    /// Decodes the pixels in the format `image.format` names, compositing dropped alpha onto white.
    private static func finish(_ image: inout png_image, width: Int, height: Int, channels: Int, path: String) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = pixels.withUnsafeMutableBytes {
            png_image_finish_read(&image, &white, $0.baseAddress, Int32(width * channels), nil)
        }
        guard finished != 0, image.warning_or_error & 3 < 2 else {
            throw LRPError.file(path: path, "PNG data is damaged: \(message(of: image))")
        }
        return pixels
    }

    /// The PNG bytes of `source`, in memory; `path` only names it in error messages.
    public static func encode(_ source: Image, path: String) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(source.width)
        image.height = UInt32(source.height)
        switch source.channels {
        case 1: image.format = 0
        case 3: image.format = PNG_FORMAT_FLAG_COLOR
        case 4: image.format = PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA
        default: throw LRPError.file(path: path, "cannot write an image with \(source.channels) channels")
        }
        let stride = Int32(source.width * source.channels)
        // One compression pass into a buffer that fits any deflate output of these rows (stored
        // blocks, the IDAT chunk framing, the headers); asking libpng for the size first (a nil
        // buffer) compresses the whole image twice. A too-small buffer fails with the size needed.
        let raw = source.height * (Int(stride) + 1)
        var capacity = raw + raw / 256 + 4096
        for _ in 0..<2 {
            var size = png_alloc_size_t(capacity)
            var bytes = [UInt8](repeating: 0, count: capacity)
            let written = bytes.withUnsafeMutableBytes { output in
                source.pixels.withUnsafeBytes {
                    png_image_write_to_memory(&image, output.baseAddress, &size, 0, $0.baseAddress, stride, nil)
                }
            }
            if written != 0 { return Array(bytes[0..<Int(size)]) }
            guard Int(size) > capacity else { break }
            capacity = Int(size)
            image.warning_or_error = 0
        }
        throw LRPError.file(path: path, "cannot encode PNG: \(message(of: image))")
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "unknown libpng error" : text
    }
}
