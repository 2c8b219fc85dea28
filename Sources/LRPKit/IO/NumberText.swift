/// Fast parsing of whitespace-separated decimal numbers (numpy.savetxt text), with line tracking.
///
/// Each token is converted as numpy does (`float64` parse, then rounded to `float32`): short
/// decimals take Clinger's exact fast path, anything else falls back to Swift's correctly
/// rounded, locale-independent `Double(_:)`. NaN, infinity and values beyond float32 are errors.
struct NumberText {
    /// The values, and what a matrix check needs of the lines that hold any: how many there are,
    /// the first one and the first of a different length (a summary, not a list: a file of 500
    /// million one-number lines must not cost 16 bytes of bookkeeping per line).
    struct Parsed {
        var values: [Float] = []
        var rowCount = 0
        var firstRow: (line: Int, count: Int)?
        var firstRagged: (line: Int, count: Int)?

        mutating func endRow(line: Int, count: Int) {
            rowCount += 1
            if let first = firstRow {
                if firstRagged == nil, count != first.count { firstRagged = (line, count) }
            } else {
                firstRow = (line, count)
            }
        }
    }

    /// Parses all of `bytes`; `#` starts a comment running to the end of the line.
    static func parse(_ bytes: [UInt8], path: String) throws -> Parsed {
        var parsed = Parsed()
        // A guess (about 10 bytes a number), capped: the text, not its size, decides the count.
        parsed.values.reserveCapacity(Swift.min(bytes.count / 10 + 1, 1 << 24))
        try bytes.withUnsafeBufferPointer { buffer in
            try parse(UnsafeBufferPointer(rebasing: buffer[byteOrderMarkLength(buffer)...]), path: path, into: &parsed)
        }
        return parsed
    }

    /// 3 when `text` starts with a UTF-8 byte-order mark (some Windows editors write one), else 0.
    static func byteOrderMarkLength<C: Collection>(_ text: C) -> Int where C.Element == UInt8 {
        text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The lines of a text file: a leading byte-order mark dropped; LF, CR LF and a lone CR (old
    /// Mac files) all end a line. A final line end does not start another line.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = byteOrderMarkLength(bytes)
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                index += byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    /// Parses one line's worth of text (the Toolbox format keeps a layer's weights on one line).
    static func parseLine(_ bytes: ArraySlice<UInt8>, path: String, line: Int) throws -> [Float] {
        var parsed = Parsed()
        try bytes.withUnsafeBufferPointer { buffer in
            try parse(buffer, path: path, firstLine: line, recognised: true, into: &parsed)
        }
        return parsed.values
    }

    /// `recognised`: the caller already knows the text is of the expected kind (a Toolbox layer
    /// line), so a bad token may be quoted even before any number was read.
    private static func parse(_ text: UnsafeBufferPointer<UInt8>, path: String, firstLine: Int = 1,
                              recognised: Bool = false, into parsed: inout Parsed) throws {
        var index = 0
        var line = firstLine
        var countOnLine = 0
        let end = text.count
        while index < end {
            let byte = text[index]
            // LF, CR LF and a lone CR (old Mac line ends) each end one line.
            let lineEnd = byte == UInt8(ascii: "\n")
                || (byte == 0x0D && (index + 1 == end || text[index + 1] != UInt8(ascii: "\n")))
            if lineEnd {
                if countOnLine > 0 { parsed.endRow(line: line, count: countOnLine) }
                countOnLine = 0
                line += 1
                index += 1
            } else if isSpace(byte) {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                while index < end, text[index] != UInt8(ascii: "\n"), text[index] != 0x0D { index += 1 }
            } else {
                var tokenEnd = index
                while tokenEnd < end, !isSpace(text[tokenEnd]), text[tokenEnd] != UInt8(ascii: "\n") {
                    tokenEnd += 1
                }
                let token = UnsafeBufferPointer(rebasing: text[index..<tokenEnd])
                countOnLine += 1
                // The values count against the memory budget as they grow.
                do { try MemoryBudget.grow(&parsed.values, by: 1, for: "its values") } catch {
                    throw LRPError.file(path: path, "line \(line): \(error)")
                }
                parsed.values.append(try value(of: token, path: path, line: line, column: countOnLine,
                                               recognised: recognised || !parsed.values.isEmpty))
                index = tokenEnd
            }
        }
        if countOnLine > 0 { parsed.endRow(line: line, count: countOnLine) }
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static func value(of token: UnsafeBufferPointer<UInt8>, path: String, line: Int,
                              column: Int, recognised: Bool) throws -> Float {
        let wide: Double
        if let fast = fastDecimal(token) {
            wide = fast
        } else if !token.contains(0), let slow = Double(String(decoding: token, as: UTF8.self)) {
            // (Double(String) stops at a NUL byte as C's strtod does, so "0.25\0junk" would read
            // as 0.25: a token holding one is not a number.)
            wide = slow
        } else {
            // Quote the token only after the file has shown itself to be numbers: the first
            // word of some other file (a password, a key) must not end up in a message.
            guard recognised else {
                throw LRPError.file(path: path, "line \(line), value \(column) is not a number: not a text file of numbers")
            }
            throw LRPError.file(path: path, "line \(line), value \(column): '\(shown(token))' is not a number")
        }
        let narrow = Float(wide)
        guard narrow.isFinite else {
            let what = wide.isNaN ? "is NaN" : wide.isInfinite ? "is infinite" : "is out of float32 range"
            throw LRPError.file(path: path, "line \(line), value \(column): '\(shown(token))' \(what)")
        }
        return narrow
    }

    private static func shown(_ token: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: token.prefix(24), as: UTF8.self)
        return escapingControlCharacters(token.count > 24 ? text + "..." : text)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// `[+-]digits[.digits][(e|E)[+-]digits]` when the decimal mantissa fits in 2^53 and the
    /// power of ten is exact (|e| <= 22): one correctly rounded multiply or divide. Else nil.
    @inline(__always)
    private static func fastDecimal(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let count = token.count
        var negative = false
        if token[0] == UInt8(ascii: "-") || token[0] == UInt8(ascii: "+") {
            negative = token[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var exponent = 0
        var sawPoint = false
        while index < count {
            let byte = token[index]
            if byte >= 0x30, byte <= 0x39 {
                digits += 1
                if mantissa != 0 || byte != 0x30 { significant += 1 }
                if significant > 15 { return nil }
                mantissa = mantissa * 10 + UInt64(byte - 0x30)
                if sawPoint { exponent -= 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        if index < count {
            guard token[index] | 0x20 == UInt8(ascii: "e") else { return nil }
            index += 1
            var exponentNegative = false
            if index < count, token[index] == UInt8(ascii: "-") || token[index] == UInt8(ascii: "+") {
                exponentNegative = token[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var exponentDigits = 0
            while index < count, token[index] >= 0x30, token[index] <= 0x39 {
                written = written * 10 + Int(token[index] - 0x30)
                exponentDigits += 1
                if written > 1000 { return nil }
                index += 1
            }
            guard exponentDigits > 0, index == count else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard abs(exponent) <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0.0) : nil }
        var value = Double(mantissa)
        value = exponent >= 0 ? value * powersOfTen[exponent] : value / powersOfTen[-exponent]
        return negative ? -value : value
    }
}
