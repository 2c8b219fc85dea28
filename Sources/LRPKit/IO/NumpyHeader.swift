/// The dict literal of an npy header, parsed strictly: exactly the keys `descr`,
/// `fortran_order` and `shape`, Python literal syntax, nothing but spaces and a newline after.
struct NumpyHeader {
    var descr = ""
    var fortranOrder = false
    var shape: [Int] = []

    init(parsing text: String, path: String) throws {
        var scanner = Scanner(characters: Array(text.unicodeScalars), path: path)
        try scanner.expect("{")
        var seen = Set<String>()
        while true {
            scanner.skipSpaces()
            if scanner.consume("}") { break }
            let key = try scanner.string()
            guard !seen.contains(key) else { throw scanner.error("repeated key '\(key)'") }
            seen.insert(key)
            scanner.skipSpaces()
            try scanner.expect(":")
            scanner.skipSpaces()
            switch key {
            case "descr": descr = try scanner.string()
            case "fortran_order": fortranOrder = try scanner.boolean()
            case "shape": shape = try scanner.tuple()
            default: throw scanner.error("unexpected key '\(key)'")
            }
            scanner.skipSpaces()
            if scanner.consume(",") { continue }
            try scanner.expect("}")
            break
        }
        guard seen == ["descr", "fortran_order", "shape"] else {
            let missing = ["descr", "fortran_order", "shape"].filter { !seen.contains($0) }
            throw LRPError.file(path: path, "npy header lacks \(missing.joined(separator: ", "))")
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw scanner.error("unexpected text after the dict") }
    }

    private struct Scanner {
        let characters: [Unicode.Scalar]
        let path: String
        var index = 0

        var atEnd: Bool { index == characters.count }

        func error(_ message: String) -> LRPError {
            .file(path: path, "npy header, character \(index + 1): \(message)")
        }

        mutating func skipSpaces() {
            while index < characters.count, characters[index] == " " || characters[index] == "\n" || characters[index] == "\t" {
                index += 1
            }
        }

        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            guard index < characters.count, characters[index] == character else { return false }
            index += 1
            return true
        }

        mutating func expect(_ character: Unicode.Scalar) throws {
            guard consume(character) else { throw error("expected '\(character)'") }
        }

        mutating func string() throws -> String {
            guard index < characters.count, characters[index] == "'" || characters[index] == "\"" else {
                throw error("expected a quoted string")
            }
            let quote = characters[index]
            index += 1
            var value = ""
            while index < characters.count, characters[index] != quote {
                guard characters[index] != "\\", characters[index] != "\n" else { throw error("unsupported character in string") }
                value.unicodeScalars.append(characters[index])
                index += 1
            }
            try expect(quote)
            return value
        }

        mutating func boolean() throws -> Bool {
            for (word, value) in [("True", true), ("False", false)] {
                let scalars = Array(word.unicodeScalars)
                if characters.count - index >= scalars.count, Array(characters[index..<index + scalars.count]) == scalars {
                    index += scalars.count
                    return value
                }
            }
            throw error("expected True or False")
        }

        mutating func tuple() throws -> [Int] {
            try expect("(")
            var values: [Int] = []
            while true {
                skipSpaces()
                if consume(")") { return values }
                values.append(try integer())
                skipSpaces()
                if consume(",") {
                    continue
                }
                try expect(")")
                // `(5)` is an int in Python, not a tuple; numpy never writes it.
                guard values.count != 1 else { throw error("a one-element shape needs a trailing comma: (\(values[0]),)") }
                return values
            }
        }

        mutating func integer() throws -> Int {
            let start = index
            while index < characters.count, ("0"..."9").contains(characters[index]) { index += 1 }
            guard index > start else { throw error("expected a dimension") }
            guard index - start <= 18, let value = Int(String(String.UnicodeScalarView(characters[start..<index]))) else {
                throw error("dimension is too large")
            }
            if index < characters.count, characters[index] == "L" { index += 1 }  // Python 2 long
            return value
        }
    }
}
