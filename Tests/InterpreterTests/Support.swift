import Foundation

/// Compares printed output the way a reader would: numbers as numbers, everything else as text.
///
/// Which side of a rounding edge the last printed digit lands on depends on the CPU's BLAS kernel
/// (an MLP logit of 21.439749 prints 21.4397 on one machine, 21.4398 on another), so two numbers
/// match when they are within a relative `tolerance` of each other; the text around them must be
/// identical. `nan` matches only `nan`, `inf` only `inf` of the same sign.
enum PrintedText {
    static let tolerance = 1e-5

    /// Nil when `actual` matches `expected`; otherwise where and how they differ.
    static func mismatch(expected: String, actual: String) -> String? {
        let e = pieces(expected), a = pieces(actual)
        for i in 0..<max(e.count, a.count) {
            guard i < e.count, i < a.count else {
                return "expected \(i < e.count ? "'\(e[i].text)'" : "the end"), got \(i < a.count ? "'\(a[i].text)'" : "the end")"
            }
            switch (e[i], a[i]) {
            case let (.number(x, xt), .number(y, yt)):
                if !numbersMatch(x, y) { return "expected the number \(xt), got \(yt)" }
            case let (.text(x), .text(y)) where x == y: continue
            default: return "expected '\(e[i].text)', got '\(a[i].text)'"
            }
        }
        return nil
    }

    static func numbersMatch(_ x: Double, _ y: Double) -> Bool {
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
        if x == y { return true }  // also equal infinities
        return abs(x - y) <= tolerance * max(abs(x), abs(y))
    }

    enum Piece {
        case text(String), number(Double, String)
        var text: String {
            switch self { case .text(let t), .number(_, let t): return t }
        }
    }

    /// Splits text into runs of non-number text and numbers (`-12`, `3.5e-07`, `.5`, `nan`, `-inf`).
    static func pieces(_ s: String) -> [Piece] {
        let chars = Array(s.unicodeScalars)
        var result: [Piece] = [], text = "", i = 0
        while i < chars.count {
            if let (end, value) = number(in: chars, at: i) {
                if !text.isEmpty { result.append(.text(text)); text = "" }
                result.append(.number(value, String(String.UnicodeScalarView(chars[i..<end]))))
                i = end
            } else {
                text.unicodeScalars.append(chars[i])
                i += 1
            }
        }
        if !text.isEmpty { result.append(.text(text)) }
        return result
    }

    /// The number starting at `i`, if one does, and where it ends. A number inside a word
    /// (`x2`, `conv3`) is still read as a number: both sides are split the same way.
    private static func number(in chars: [Unicode.Scalar], at i: Int) -> (Int, Double)? {
        func isDigit(_ k: Int) -> Bool { k < chars.count && ("0"..."9").contains(chars[k]) }
        func isLetter(_ k: Int) -> Bool { k >= 0 && k < chars.count && CharacterSet.letters.contains(chars[k]) }
        var j = i
        if chars[j] == "-" { j += 1 }
        for word in ["nan", "inf"] where !isLetter(i - 1) {
            let end = j + word.unicodeScalars.count
            if end <= chars.count, String(String.UnicodeScalarView(chars[j..<end])) == word, !isLetter(end) {
                return (end, word == "nan" ? .nan : j > i ? -.infinity : .infinity)
            }
        }
        let start = j
        while isDigit(j) { j += 1 }
        if j < chars.count, chars[j] == ".", isDigit(j + 1) { j += 1; while isDigit(j) { j += 1 } }
        else if j > start, j < chars.count, chars[j] == "." { j += 1 }  // numpy's "1." in arrays
        guard j > start, chars[start..<j].contains(where: { ("0"..."9").contains($0) }) else { return nil }
        if j < chars.count, chars[j] == "e" || chars[j] == "E" {
            var k = j + 1
            if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
            if isDigit(k) { j = k; while isDigit(j) { j += 1 } }
        }
        guard let value = Double(String(String.UnicodeScalarView(chars[i..<j]))) else { return nil }
        return (j, value)
    }
}
