import Foundation

/// Builds batch files in the canonical layout (`shared/spec/flow-records.md`).
struct FlowCSV {
    /// The columns every generated batch has, in the spec's order.
    static let standardColumns = [
        "record_id", "person_id", "event_date", "direction", "sex", "age", "nationality", "country", "region",
        "reason", "occupation", "worker_category", "ethnicity", "migration_status", "disability",
    ]
    /// The Washington Group Short Set columns.
    static let washingtonGroupColumns = [
        "wg_seeing", "wg_hearing", "wg_mobility", "wg_cognition", "wg_selfcare", "wg_communication",
    ]

    /// A valid row; `overrides` replace values (an empty string = "not stated").
    static func validRow(_ recordID: String, _ overrides: [String: String] = [:]) -> [String: String] {
        var row = [
            "record_id": recordID, "person_id": "", "event_date": "2024-03-01", "direction": "IN", "sex": "F",
            "age": "30", "nationality": "KGZ", "country": "RUS", "region": "KG-GB", "reason": "OCC",
            "occupation": "9313", "worker_category": "SEASONAL", "ethnicity": "KYRGYZ", "migration_status": "REG",
            "disability": "NODIS",
        ]
        for (column, value) in overrides { row[column] = value }
        return row
    }

    enum Line {
        /// A record: column → value (missing columns are empty).
        case record([String: String])
        /// A line written as is (without its line end), for broken structure.
        case raw(String)
    }

    /// The header, as written.
    var header: [String]
    var lines: [Line] = []
    var delimiter = ","
    var lineEnd = "\n"
    var byteOrderMark = false

    init(columns: [String] = FlowCSV.standardColumns) {
        header = columns
    }

    /// Appends a valid record with overrides.
    mutating func add(_ recordID: String, _ overrides: [String: String] = [:]) {
        lines.append(.record(Self.validRow(recordID, overrides)))
    }

    mutating func addRecord(_ values: [String: String]) {
        lines.append(.record(values))
    }

    mutating func addRaw(_ text: String) {
        lines.append(.raw(text))
    }

    /// The field as written: quoted when it holds the delimiter, a quote, CR or LF.
    func field(_ value: String) -> String {
        let special = Set(delimiter.unicodeScalars).union(["\"", "\n", "\r"])
        let needsQuotes = value.unicodeScalars.contains { special.contains($0) }
        guard needsQuotes else { return value }
        // Scalar by scalar: a quote joined to a combining mark is one Character, which a
        // Character- or NSString-based replace would leave single.
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in value.unicodeScalars {
            if scalar == "\"" { quoted.append(scalar) }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// Renders one line (without the line end).
    func render(_ line: Line) -> String {
        switch line {
        case .raw(let text):
            return text
        case .record(let values):
            return header.map { field(values[$0.trimmingCharacters(in: .whitespaces).lowercased()] ?? "") }
                .joined(separator: delimiter)
        }
    }

    /// The whole file.
    var text: String {
        (byteOrderMark ? "\u{FEFF}" : "")
            + ([header.joined(separator: delimiter)] + lines.map(render))
            .map { $0 + lineEnd }.joined()
    }

    /// The physical line (header = 1) where each entry of `lines` starts.
    var physicalLines: [Int] {
        var next = 2
        return lines.map { line in
            let start = next
            next += 1 + render(line).utf8.filter { $0 == 0x0A }.count  // "\r\n" is one Character
            return start
        }
    }
}

/// One line of a rejects file.
struct RejectEntry: Equatable, Comparable, CustomStringConvertible {
    var line: Int
    var column: String
    var reason: String

    init(_ line: Int, _ column: String, _ reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    static func < (a: RejectEntry, b: RejectEntry) -> Bool {
        (a.line, a.column, a.reason) < (b.line, b.column, b.reason)
    }

    var description: String { "\(line),\(column),\(reason)" }
}

/// The reasons as the rejects file must write them (the acceptance texts).
enum Reason {
    static let missing = "required value is missing"
    static let tooLong = "longer than 64 characters"
    static let controlCharacter = "contains a control character"
    static let invalidDate = "not a real calendar date in YYYY-MM-DD form"
    static let futureDate = "date is in the future"
    static let dateTooEarly = "date is before 1900-01-01"
    static let notInCodeList = "not in the code list"
    static let notAWholeNumber = "not a whole number"
    static let ageOutOfRange = "age outside 0 to 130"
    static let washingtonGroupOutOfRange = "Washington Group answer outside 1 to 4"
    static let disabilityContradiction = "disability contradicts the Washington Group answers"
    static let wrongFieldCount = "number of fields differs from the header"
    static let misplacedQuote = "quote inside an unquoted field or text after a closing quote"
    static let invalidEncoding = "invalid byte sequence for the file's encoding"
    static let duplicateInBatch = "duplicate record_id within the batch"
    static let alreadyStored = "record_id already stored for this source"
}

/// Reads a rejects file: header `line,column,reason`, then one entry per problem.
func readRejects(_ path: String) throws -> [RejectEntry] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw IntegrationFailure("no rejects file at \(path)")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.first == "line,column,reason" else {
        throw IntegrationFailure("rejects file \(path) does not start with the header: \(text)")
    }
    lines.removeFirst()
    if lines.last == "" { lines.removeLast() }
    return try lines.map { line in
        let parts = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let number = Int(parts[0]) else {
            throw IntegrationFailure("bad rejects line in \(path): \(line)")
        }
        return RejectEntry(number, parts[1], parts[2])
    }
}

/// Encodes ASCII and Russian Cyrillic text as Windows-1251 (enough for the tests' strings).
func windows1251(_ text: String) throws -> [UInt8] {
    try text.unicodeScalars.map { scalar -> UInt8 in
        switch scalar.value {
        case 0..<0x80: return UInt8(scalar.value)
        case 0x0410...0x044F: return UInt8(scalar.value - 0x0410 + 0xC0)  // А..я
        case 0x0401: return 0xA8  // Ё
        case 0x0451: return 0xB8  // ё
        default: throw IntegrationFailure("no Windows-1251 byte for U+\(String(scalar.value, radix: 16))")
        }
    }
}
