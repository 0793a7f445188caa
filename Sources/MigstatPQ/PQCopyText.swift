/// PostgreSQL's COPY text format (the default of `COPY … TO STDOUT`), decoded: fields separated by
/// tabs, `\N` for NULL, backslash escapes for backslash, tab, newline and the other control
/// characters (`\b \f \n \r \t \v`, octal `\NNN`, hex `\xHH`). One row per line.
package enum PQCopyText {
    /// Splits a stream of COPY text output into rows: feed it the chunks `copyTo` delivers (in any
    /// pieces), and it calls `row` with the fields of each complete line.
    package struct RowSplitter {
        private var pending: [UInt8] = []

        /// Creates an empty splitter.
        package init() {}

        /// Adds bytes; calls `row` for every line they complete.
        package mutating func feed(_ bytes: UnsafeRawBufferPointer, row: ([String?]) throws -> Void) rethrows {
            var start = 0
            for (i, byte) in bytes.enumerated() where byte == 0x0A {
                if pending.isEmpty {
                    try row(PQCopyText.fields(UnsafeRawBufferPointer(rebasing: bytes[start..<i])))
                } else {
                    pending.append(contentsOf: bytes[start..<i])
                    let line = pending
                    pending.removeAll(keepingCapacity: true)
                    try line.withUnsafeBytes { try row(PQCopyText.fields($0)) }
                }
                start = i + 1
            }
            pending.append(contentsOf: bytes[start...])
        }

        /// Whether bytes of an unfinished line are left over (a complete COPY output ends with a newline).
        package var hasPartialLine: Bool { !pending.isEmpty }
    }

    /// The fields of one line (without its newline): nil for `\N`, otherwise the unescaped text.
    package static func fields(_ line: UnsafeRawBufferPointer) -> [String?] {
        var fields: [String?] = []
        var start = 0
        var escaped = false
        var i = 0
        while i <= line.count {
            if i == line.count || line[i] == 0x09 {
                let field = UnsafeRawBufferPointer(rebasing: line[start..<i])
                fields.append(escaped ? unescape(field) : String(decoding: field, as: UTF8.self))
                start = i + 1
                escaped = false
            } else if line[i] == 0x5C {
                escaped = true
                i += 1      // the escaped byte is never a field separator
            }
            i += 1
        }
        return fields
    }

    /// One field that holds a backslash: nil for `\N`, otherwise the text with its escapes decoded.
    private static func unescape(_ field: UnsafeRawBufferPointer) -> String? {
        if field.count == 2, field[0] == 0x5C, field[1] == UInt8(ascii: "N") { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count)
        var i = 0
        while i < field.count {
            let byte = field[i]
            guard byte == 0x5C, i + 1 < field.count else {
                bytes.append(byte)
                i += 1
                continue
            }
            let next = field[i + 1]
            i += 2
            switch next {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "v"): bytes.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(next - 0x30)
                var digits = 1
                while digits < 3, i < field.count, (0x30...0x37).contains(field[i]) {
                    value = value * 8 + Int(field[i] - 0x30)
                    i += 1
                    digits += 1
                }
                bytes.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x") where i < field.count && hexValue(field[i]) != nil:
                var value = Int(hexValue(field[i])!)
                i += 1
                if i < field.count, let low = hexValue(field[i]) {
                    value = value * 16 + Int(low)
                    i += 1
                }
                bytes.append(UInt8(value))
            default:
                bytes.append(next)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
