/// Validates one CSV record against the canonical layout and encodes it as one line of
/// PostgreSQL COPY text in the compact stored form (code ids, pseudonym, no clear identifier).
///
/// COPY column order: see `RecordEncoder.copyColumns`.
package struct RecordEncoder {
    /// The columns of `migstat_data.batch_<id>` the encoded lines fill, in order.
    package static let copyColumns = [
        "line_no", "event_date", "direction", "sex", "age", "nationality", "country", "region", "reason",
        "occupation", "worker_category", "ethnicity", "migration_status", "disability", "record_id",
        "person_pseudonym",
    ]

    private let layout: BatchLayout
    private let fieldIndexes: [Int?]         // by CanonicalColumn.ordinal
    private let lists: [CodeBook.List]       // by CanonicalColumn order
    private let pseudonymizer: Pseudonymizer
    private let today: Int                   // yyyymmdd
    private let disabilityDIS: Int16?
    private let disabilityNODIS: Int16?
    private let disabilityUNK: Int16?
    private var pseudonym: [UInt8] = []
    private var rowRejects: [Reject] = []

    /// The encoded line of the last accepted record (ends with a newline).
    package private(set) var line: [UInt8] = []

    /// Creates an encoder.
    /// - Parameters:
    ///   - layout: where the columns are in the file.
    ///   - codes: the database's code lists.
    ///   - pseudonymizer: HMAC under the batch's purpose key.
    ///   - today: the current date as year*10000 + month*100 + day (event dates after it are rejected).
    package init(layout: BatchLayout, codes: CodeBook, pseudonymizer: Pseudonymizer, today: Int) {
        self.layout = layout
        self.fieldIndexes = CanonicalColumn.allCases.map { layout.index(of: $0) }
        self.lists = CanonicalColumn.allCases.map { column in column.codeList.map { codes[$0] } ?? CodeBook.List([]) }
        self.pseudonymizer = pseudonymizer
        self.today = today
        let disability = codes["disability"]
        self.disabilityDIS = disability.id("DIS")
        self.disabilityNODIS = disability.id("NODIS")
        self.disabilityUNK = disability.id("UNK")
        line.reserveCapacity(512)
        pseudonym.reserveCapacity(32)
    }

    /// Validates and encodes `record`.
    /// - Returns: true when the record is valid (its COPY line is in `line`); otherwise false, and
    ///   every problem found in the record is appended to `rejects`.
    package mutating func encode(_ record: CSVRecord, rejects: inout [Reject]) -> Bool {
        rowRejects.removeAll(keepingCapacity: true)
        line.removeAll(keepingCapacity: true)
        let lineNumber = record.line
        guard record.count == layout.fieldCount else {
            rejects.append(Reject(line: lineNumber, column: nil, reason: .wrongFieldCount))
            return false
        }
        appendInt(lineNumber)
        tab()
        // event_date
        trimmedField(field(.eventDate), record) { field in
            guard let field else { return reject(.eventDate, .missingRequired, lineNumber) }
            switch parseDate(field) {
            case .some(let ymd) where ymd > today: reject(.eventDate, .futureDate, lineNumber)
            case .some(let ymd) where ymd < 1900_01_01: reject(.eventDate, .dateTooEarly, lineNumber)
            case .some: line.append(contentsOf: field)
            case .none: reject(.eventDate, .invalidDate, lineNumber)
            }
        }
        tab()
        code(.direction, record, lineNumber)
        tab()
        code(.sex, record, lineNumber)
        tab()
        trimmedField(field(.age), record) { field in
            guard let field else { return null() }
            // A whole number (signed, any length) outside 0...130 is out of range; anything else
            // that is not digits is not a whole number.
            let digits = field.first == 0x2D || field.first == 0x2B ? UnsafeBufferPointer(rebasing: field.dropFirst()) : field
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return reject(.age, .notAWholeNumber, lineNumber)
            }
            let significant = UnsafeBufferPointer(rebasing: digits.drop { $0 == 0x30 })
            let age = significant.isEmpty ? 0 : parseSmallInt(significant)
            guard field.first != 0x2D || age == 0, let age, (0...130).contains(age) else {
                return reject(.age, .ageOutOfRange, lineNumber)
            }
            appendInt(age)
        }
        tab()
        code(.nationality, record, lineNumber)
        tab()
        code(.country, record, lineNumber)
        tab()
        code(.region, record, lineNumber)
        tab()
        code(.reason, record, lineNumber)
        tab()
        trimmedField(field(.occupation), record) { field in
            guard let field else { return null() }
            guard field.count <= 4, field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let id = lists[CanonicalColumn.occupation.ordinal].id(field)
            else { return reject(.occupation, .notInCodeList, lineNumber) }
            appendInt(Int(id))
        }
        tab()
        code(.workerCategory, record, lineNumber)
        tab()
        code(.ethnicity, record, lineNumber)
        tab()
        code(.migrationStatus, record, lineNumber)
        tab()
        disability(record, lineNumber)
        tab()
        trimmedField(field(.recordID), record) { field in
            guard let field else { return reject(.recordID, .missingRequired, lineNumber) }
            var characters = 0
            for byte in field {
                if byte < 0x20 || byte == 0x7F { return reject(.recordID, .controlCharacter, lineNumber) }
                if byte & 0xC0 != 0x80 { characters += 1 }
            }
            guard characters <= 64 else { return reject(.recordID, .tooLong, lineNumber) }
            for byte in field {
                if byte == 0x5C { line.append(0x5C) }  // backslash is COPY's escape character
                line.append(byte)
            }
        }
        tab()
        trimmedField(field(.personID), record) { field in
            guard let field, pseudonymizer.pseudonym(of: field, into: &pseudonym) else { return null() }
            line.append(contentsOf: [0x5C, 0x5C, 0x78])  // \\x : bytea hex, backslash escaped for COPY
            for byte in pseudonym {
                line.append(hexDigits[Int(byte >> 4)])
                line.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        line.append(0x0A)
        if rowRejects.isEmpty { return true }
        rejects.append(contentsOf: rowRejects)
        return false
    }

    // MARK: - Columns

    private mutating func code(_ column: CanonicalColumn, _ record: CSVRecord, _ lineNumber: Int) {
        trimmedField(field(column), record) { field in
            guard let field else {
                return column.isRequired ? reject(column, .missingRequired, lineNumber) : null()
            }
            guard let id = lists[column.ordinal].id(field) else { return reject(column, .notInCodeList, lineNumber) }
            appendInt(Int(id))
        }
    }

    /// `disability` as given, or derived from the Washington Group Short Set answers: DIS when any
    /// domain is answered 3 (a lot of difficulty) or 4 (cannot do at all), NODIS when all six are
    /// answered 1 or 2, UNK when some are missing and none is 3 or 4. Given and derived must agree.
    private mutating func disability(_ record: CSVRecord, _ lineNumber: Int) {
        var answered = 0
        var severe = false
        var invalid = false
        for question in CanonicalColumn.washingtonGroup {
            trimmedField(field(question), record) { field in
                guard let field else { return }
                guard field.count == 1, (0x31...0x34).contains(field[0]) else {
                    invalid = true
                    return reject(question, .washingtonGroupOutOfRange, lineNumber)
                }
                answered += 1
                if field[0] >= 0x33 { severe = true }
            }
        }
        let derived: Int16? =
            answered == 0 || invalid ? nil : severe ? disabilityDIS : answered == 6 ? disabilityNODIS : disabilityUNK
        trimmedField(field(.disability), record) { field in
            guard let field else {
                if let derived { appendInt(Int(derived)) } else { null() }
                return
            }
            guard let id = lists[CanonicalColumn.disability.ordinal].id(field) else {
                return reject(.disability, .notInCodeList, lineNumber)
            }
            if let derived, derived != disabilityUNK, id != disabilityUNK, derived != id {
                return reject(.disability, .disabilityContradictsWashingtonGroup, lineNumber)
            }
            appendInt(Int(id))
        }
    }

    // MARK: - Helpers

    @inline(__always) private func field(_ column: CanonicalColumn) -> Int? { fieldIndexes[column.ordinal] }

    private mutating func reject(_ column: CanonicalColumn, _ reason: RejectReason, _ lineNumber: Int) {
        rowRejects.append(Reject(line: lineNumber, column: column, reason: reason))
    }

    private mutating func null() { line.append(contentsOf: [0x5C, 0x4E]) }  // \N
    private mutating func tab() { line.append(0x09) }

    private mutating func appendInt(_ value: Int) {
        var value = value
        if value < 0 {
            line.append(0x2D)
            value = -value
        }
        if value < 10 {
            line.append(0x30 + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while value > 0 {
                buffer[count] = 0x30 + UInt8(value % 10)
                value /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { line.append(buffer[i]) }
        }
    }
}

/// Calls `body` with a field's bytes without surrounding spaces and tabs (nil when absent or empty).
private func trimmedField(_ index: Int?, _ record: CSVRecord, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
    guard let index else { return body(nil) }
    record.withField(index) { raw in
        var start = 0
        var end = raw.count
        while start < end, raw[start] == 0x20 || raw[start] == 0x09 { start += 1 }
        while end > start, raw[end - 1] == 0x20 || raw[end - 1] == 0x09 { end -= 1 }
        body(start == end ? nil : UnsafeBufferPointer(rebasing: raw[start..<end]))
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)



/// Parses `YYYY-MM-DD` into year*10000+month*100+day when it is a real calendar date.
package func parseDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
    @inline(__always) func digit(_ i: Int) -> Int? {
        let byte = bytes[i]
        return byte >= 0x30 && byte <= 0x39 ? Int(byte &- 0x30) : nil
    }
    guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3), let m0 = digit(5),
          let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
    else { return nil }
    let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
    let month = m0 * 10 + m1
    let day = d0 * 10 + d1
    guard month >= 1, month <= 12, day >= 1 else { return nil }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let length: Int
    switch month {
    case 2: length = leap ? 29 : 28
    case 4, 6, 9, 11: length = 30
    default: length = 31
    }
    guard day <= length else { return nil }
    return year * 10000 + month * 100 + day
}

/// Parses an unsigned whole number of at most 4 digits.
package func parseSmallInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard !bytes.isEmpty, bytes.count <= 4 else { return nil }
    var value = 0
    for byte in bytes {
        guard byte >= 0x30 && byte <= 0x39 else { return nil }
        value = value * 10 + Int(byte - 0x30)
    }
    return value
}
