import Foundation

/// A small Markdown-to-HTML converter for the prose in script comments: ATX headings,
/// paragraphs, emphasis (`*em*`, `_em_`, `**strong**`), code spans, indented and fenced code,
/// bullet and numbered lists (one level), block quotes, links and bare URLs in angle brackets.
/// Everything else is text, HTML-escaped: comments can't inject markup into a notebook.
enum Markdown {
    static func html(_ markdown: String) -> String {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var html = ""
        while !lines.isEmpty {
            let line = lines[0]
            if isBlank(line) { lines.removeFirst(); continue }
            if let (level, text) = heading(line) {
                html += "<h\(level)>\(inline(text))</h\(level)>\n"
                lines.removeFirst()
            } else if line.hasPrefix("```") || line.hasPrefix("~~~") {
                let fence = String(line.prefix(3))
                lines.removeFirst()
                var code: [String] = []
                while let next = lines.first, !next.hasPrefix(fence) { code.append(next); lines.removeFirst() }
                if !lines.isEmpty { lines.removeFirst() }
                html += "<pre><code>\(escape(code.joined(separator: "\n")))</code></pre>\n"
            } else if indentedCode(line) != nil {
                var code: [String] = []
                while let next = lines.first, isBlank(next) || indentedCode(next) != nil {
                    code.append(indentedCode(next) ?? "")
                    lines.removeFirst()
                }
                while code.last?.isEmpty == true { code.removeLast() }
                html += "<pre><code>\(escape(code.joined(separator: "\n")))</code></pre>\n"
            } else if line.hasPrefix(">") {
                var quoted: [String] = []
                while let next = lines.first, next.hasPrefix(">") {
                    quoted.append(String(next.dropFirst(next.hasPrefix("> ") ? 2 : 1)))
                    lines.removeFirst()
                }
                html += "<blockquote>\n\(Self.html(quoted.joined(separator: "\n")))</blockquote>\n"
            } else if let (ordered, _) = listItem(line) {
                html += list(&lines, ordered: ordered)
            } else {
                var paragraph: [String] = []
                while let next = lines.first, !isBlank(next), paragraph.isEmpty || !startsBlock(next) {
                    paragraph.append(next.trimmingSpaces)
                    lines.removeFirst()
                }
                html += "<p>\(inline(paragraph.joined(separator: "\n")))</p>\n"
            }
        }
        return html
    }

    // MARK: Blocks

    private static func isBlank(_ line: String) -> Bool { line.allSatisfy(\.isWhitespace) }

    private static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var text = rest.trimmingSpaces
        while text.hasSuffix("#") { text.removeLast() }  // closing hashes are decoration
        return (hashes, text.trimmingSpaces)
    }

    private static func indentedCode(_ line: String) -> String? {
        if line.hasPrefix("    ") { return String(line.dropFirst(4)) }
        if line.hasPrefix("\t") { return String(line.dropFirst()) }
        return nil
    }

    /// (ordered, the item's text) for `- x`, `* x`, `+ x`, `1. x`, `1) x`.
    private static func listItem(_ line: String) -> (Bool, String)? {
        let trimmed = Substring(line).drop { $0 == " " }
        guard line.count - trimmed.count < 4 else { return nil }
        if let first = trimmed.first, "-*+".contains(first), trimmed.dropFirst().first == " " {
            return (false, String(trimmed.dropFirst(2)))
        }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let rest = trimmed.dropFirst(digits.count)
        if !digits.isEmpty, digits.count < 10, let mark = rest.first, mark == "." || mark == ")", rest.dropFirst().first == " " {
            return (true, String(rest.dropFirst(2)))
        }
        return nil
    }

    private static func startsBlock(_ line: String) -> Bool {
        heading(line) != nil || line.hasPrefix("```") || line.hasPrefix("~~~") || line.hasPrefix(">")
            || listItem(line) != nil
    }

    private static func list(_ lines: inout [String], ordered: Bool) -> String {
        var items: [String] = []
        while let line = lines.first, let (isOrdered, text) = listItem(line), isOrdered == ordered {
            var item = [text]
            lines.removeFirst()
            // Lazy continuation: indented or plain lines until a blank line or the next item.
            while let next = lines.first, !isBlank(next), listItem(next) == nil, heading(next) == nil {
                item.append(next.trimmingSpaces)
                lines.removeFirst()
            }
            items.append(item.joined(separator: "\n"))
            if let next = lines.first, isBlank(next), lines.count > 1, listItem(lines[1]) != nil { lines.removeFirst() }
        }
        let tag = ordered ? "ol" : "ul"
        return "<\(tag)>\n" + items.map { "<li>\(inline($0))</li>\n" }.joined() + "</\(tag)>\n"
    }

    // MARK: Inline

    static func inline(_ text: String) -> String {
        let characters = Array(text)
        var html = ""
        var i = 0
        var openEmphasis: [String] = []  // the markers of emphasis opened and not yet closed
        while i < characters.count {
            let c = characters[i]
            if c == "\\", i + 1 < characters.count, "\\`*_[]()<>#+-.!".contains(characters[i + 1]) {
                html += escape(String(characters[i + 1]))
                i += 2
            } else if c == "`" {
                let run = characters[i...].prefix { $0 == "`" }.count
                if let close = find(String(repeating: "`", count: run), in: characters, from: i + run) {
                    let code = String(characters[(i + run)..<close])
                    let trimmed = code.count > 2 && code.hasPrefix(" ") && code.hasSuffix(" ") ? String(code.dropFirst().dropLast()) : code
                    html += "<code>\(escape(trimmed))</code>"
                    i = close + run
                } else {
                    html += String(repeating: "`", count: run)
                    i += run
                }
            } else if c == "[", let (label, url, end) = link(characters, at: i) {
                html += "<a href=\"\(escapeAttribute(url))\">\(inline(label))</a>"
                i = end
            } else if c == "<", let end = characters[i...].firstIndex(of: ">"),
                      let url = Optional(String(characters[(i + 1)..<end])),
                      url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains(" ") {
                html += "<a href=\"\(escapeAttribute(url))\">\(escape(url))</a>"
                i = end + 1
            } else if c == "*" || c == "_" {
                let strong = i + 1 < characters.count && characters[i + 1] == c
                let marker = strong ? String([c, c]) : String(c)
                let before = i > 0 ? characters[i - 1] : " "
                let after = i + marker.count < characters.count ? characters[i + marker.count] : " "
                // `_` inside a word (snake_case) is text; `*` needs text on the inner side.
                let canOpen = !after.isWhitespace && (c == "*" || !(before.isLetter || before.isNumber))
                let canClose = !before.isWhitespace && (c == "*" || !(after.isLetter || after.isNumber))
                if canClose, openEmphasis.last == marker {
                    openEmphasis.removeLast()
                    html += strong ? "</strong>" : "</em>"
                } else if canOpen, find(marker, in: characters, from: i + marker.count) != nil {
                    openEmphasis.append(marker)
                    html += strong ? "<strong>" : "<em>"
                } else {
                    html += escape(marker)
                }
                i += marker.count
            } else {
                html += escape(String(c))
                i += 1
            }
        }
        // Unbalanced emphasis: close what is open so the page's markup stays well formed.
        for marker in openEmphasis.reversed() { html += marker.count == 2 ? "</strong>" : "</em>" }
        return html
    }

    private static func find(_ needle: String, in characters: [Character], from start: Int) -> Int? {
        let pattern = Array(needle)
        var i = start
        while i + pattern.count <= characters.count {
            if Array(characters[i..<(i + pattern.count)]) == pattern { return i }
            i += 1
        }
        return nil
    }

    /// `[label](url)` at `start`: the label, the URL and the index after the closing parenthesis.
    private static func link(_ characters: [Character], at start: Int) -> (String, String, Int)? {
        guard let close = characters[start...].firstIndex(of: "]"), close + 1 < characters.count,
              characters[close + 1] == "(", let end = characters[(close + 1)...].firstIndex(of: ")") else { return nil }
        let url = String(characters[(close + 2)..<end])
        guard !url.isEmpty, !url.contains(" "), !url.lowercased().hasPrefix("javascript:") else { return nil }
        return (String(characters[(start + 1)..<close]), url, end + 1)
    }
}

/// Text made safe inside HTML elements.
func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.count)
    for c in text {
        switch c {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        default: result.append(c)
        }
    }
    return result
}

/// Text made safe inside a double-quoted HTML attribute.
func escapeAttribute(_ text: String) -> String {
    escape(text).replacingOccurrences(of: "\"", with: "&quot;")
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
