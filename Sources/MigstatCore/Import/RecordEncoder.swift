/// Validates one CSV record against the canonical layout and encodes it as one tuple of
/// PostgreSQL's binary COPY format in the compact stored form (code ids, pseudonym, no clear
/// identifier): int16 field count, then per field an int32 length (-1 for NULL) and the value,
/// big-endian — int4 line_no, date as int4 days since 2000-01-01, int2 codes and age, text as raw
/// UTF-8 (no escaping), bytea as the raw 32 bytes.
///
/// The stream starts with `copyHeader` and ends with `copyTrailer`; the statement needs
/// `copyOptions`. COPY column order: see `RecordEncoder.copyColumns`.
package struct RecordEncoder {
    /// The columns of `migstat_data.batch_<id>` the encoded lines fill, in order.
    package static let copyColumns = ["line_no", "event_date"] + DimensionCatalog.record.map(\.name)
        + ["record_id", "person_pseudonym"]

    /// The options clause of the COPY statement the encoded tuples are sent with. FREEZE: the batch's
    /// table is created in the importing transaction (begin_batch), so its rows can be written frozen
    /// and all-visible at once (the first report after the import does not rewrite every page to set
    /// hint bits).
    package static let copyOptions = "WITH (FORMAT binary, FREEZE)"

    /// The number of fields of each tuple (`copyColumns.count`).
    static let fieldCount = 16

    /// The binary COPY header: signature `PGCOPY\n\377\r\n\0`, int32 flags 0, int32 header
    /// extension length 0. Sent once, before the first tuple.
    package static let copyHeader: [UInt8] = [
        0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
    ]

    /// The binary COPY trailer: int16 -1. Sent once, after the last tuple.
    package static let copyTrailer: [UInt8] = [0xFF, 0xFF]

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

    /// The tuple being encoded: a fixed buffer written through a pointer (a tuple is at most about
    /// 400 bytes: 16 fields, a record_id of at most 64 characters, a 32-byte pseudonym), instead of an
    /// Array grown by `append(contentsOf:)` about twenty times a row.
    private final class TupleBuffer {
        static let capacity = 2048
        let base = UnsafeMutableRawPointer.allocate(byteCount: TupleBuffer.capacity, alignment: 8)
        var count = 0
        deinit { base.deallocate() }
    }
    private let tuple = TupleBuffer()

    /// The encoded binary COPY tuple of the last accepted record (a copy; `lineBytes` does not copy).
    package var line: [UInt8] { Array(lineBytes.bindMemory(to: UInt8.self)) }

    /// The encoded binary COPY tuple of the last accepted record, valid until the next `encode`.
    package var lineBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: tuple.base, count: tuple.count) }

    /// Where the stored record_id (trimmed UTF-8) is in `line`, for the last accepted record.
    package private(set) var recordIDRange: Range<Int> = 0..<0

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
        pseudonym.reserveCapacity(32)
    }

    /// Values a mapping profile's translator already parsed or looked up, handed to `encode` instead of
    /// canonical text it would parse again: per canonical ordinal, for the columns whose bit is set in `mask`,
    /// `values[ordinal]` is an event date as year*10000+month*100+day, an age in whole years, or a code's id in
    /// its list (`CodeBook.List.id`). The encoder applies to them every check it applies to text (future or too
    /// early dates, the age range); a code id given is one of the list's. The field of such a column in the
    /// record is not read.
    package struct GivenValues {
        package var mask: UInt32 = 0
        package var values: UnsafePointer<Int32>?

        package static var none: GivenValues { GivenValues() }

        package init(mask: UInt32 = 0, values: UnsafePointer<Int32>? = nil) {
            self.mask = mask
            self.values = values
        }

        @inline(__always) func value(_ column: CanonicalColumn) -> Int32? {
            mask & (1 << UInt32(column.ordinal)) == 0 ? nil : values.unsafelyUnwrapped[column.ordinal]
        }
    }

    /// Whether `encode` takes a given value (`GivenValues`) for `column`: the event date, age, and the coded
    /// columns but disability (which is checked against the Washington Group answers as text).
    package static func takesGivenValue(_ column: CanonicalColumn) -> Bool {
        switch column {
        case .eventDate, .age, .direction, .sex, .nationality, .country, .region, .reason, .occupation,
             .workerCategory, .ethnicity, .migrationStatus: true
        default: false
        }
    }

    /// The id `encode` stores for the canonical code `code` of `column` when it is handed over as a given value
    /// (a profile's x-codes target), by the rules `encode` applies to the same text in a field: surrounding
    /// spaces and tabs trimmed, the list looked up, an occupation only as one to four digits. nil: `encode`
    /// would reject it.
    package static func givenCodeID(_ code: String, column: CanonicalColumn, list: CodeBook.List) -> Int16? {
        var code = code
        return code.withUTF8 { bytes in
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            guard start < end else { return nil }
            let field = UnsafeBufferPointer(rebasing: bytes[start..<end])
            return column == .occupation ? occupationID(field, list) : list.id(field)
        }
    }

    /// An occupation's id: ISCO-08 codes are one to four digits, so nothing else is looked up.
    @inline(__always)
    private static func occupationID(_ field: UnsafeBufferPointer<UInt8>, _ list: CodeBook.List) -> Int16? {
        guard field.count <= 4, field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return list.id(field)
    }

    /// Validates and encodes `record`.
    /// - Parameter given: values already parsed by a profile's translator, for columns `takesGivenValue`.
    /// - Returns: true when the record is valid (its COPY tuple is in `line`); otherwise false, and
    ///   every problem found in the record is appended to `rejects`.
    package mutating func encode(_ record: CSVRecord, given: GivenValues = .none, rejects: inout [Reject]) -> Bool {
        rowRejects.removeAll(keepingCapacity: true)
        tuple.count = 0
        let lineNumber = record.line
        guard record.count == layout.fieldCount else {
            rejects.append(Reject(line: lineNumber, column: nil, reason: .wrongFieldCount))
            return false
        }
        appendBigEndian(UInt64(Self.fieldCount), bytes: 2)
        if let value = Int32(exactly: lineNumber) {
            appendInt4(value)
        } else {
            // Out of int4's range: sent as 8 bytes, which the server refuses (as it would the text).
            appendBigEndian(8, bytes: 4)
            appendBigEndian(UInt64(truncatingIfNeeded: lineNumber), bytes: 8)
        }
        // event_date
        if let ymd = given.value(.eventDate) {
            eventDate(Int(ymd), lineNumber)
        } else {
            trimmedField(field(.eventDate), record) { field in
                guard let field else { return reject(.eventDate, .missingRequired, lineNumber) }
                eventDate(parseDate(field), lineNumber)
            }
        }
        code(.direction, record, lineNumber, given)
        code(.sex, record, lineNumber, given)
        if let age = given.value(.age) {
            if (0...130).contains(age) { appendSmallInt(Int16(age)) } else { reject(.age, .ageOutOfRange, lineNumber) }
        } else {
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
                appendSmallInt(Int16(truncatingIfNeeded: age))
            }
        }
        code(.nationality, record, lineNumber, given)
        code(.country, record, lineNumber, given)
        code(.region, record, lineNumber, given)
        code(.reason, record, lineNumber, given)
        if let id = given.value(.occupation) {
            appendSmallInt(Int16(truncatingIfNeeded: id))
        } else {
            trimmedField(field(.occupation), record) { field in
                guard let field else { return null() }
                guard let id = Self.occupationID(field, lists[CanonicalColumn.occupation.ordinal]) else {
                    return reject(.occupation, .notInCodeList, lineNumber)
                }
                appendSmallInt(id)
            }
        }
        code(.workerCategory, record, lineNumber, given)
        code(.ethnicity, record, lineNumber, given)
        code(.migrationStatus, record, lineNumber, given)
        disability(record, lineNumber)
        trimmedField(field(.recordID), record) { field in
            guard let field else { return reject(.recordID, .missingRequired, lineNumber) }
            var characters = 0
            for byte in field {
                if byte < 0x20 || byte == 0x7F { return reject(.recordID, .controlCharacter, lineNumber) }
                if byte & 0xC0 != 0x80 { characters += 1 }
            }
            guard characters <= 64 else { return reject(.recordID, .tooLong, lineNumber) }
            appendBigEndian(UInt64(field.count), bytes: 4)
            recordIDRange = tuple.count..<tuple.count + field.count
            appendBytes(UnsafeRawBufferPointer(field))  // raw UTF-8: binary COPY has no escapes
        }
        trimmedField(field(.personID), record) { field in
            guard let field, pseudonymizer.pseudonym(of: field, into: &pseudonym) else { return null() }
            appendBigEndian(UInt64(pseudonym.count), bytes: 4)
            pseudonym.withUnsafeBytes { appendBytes($0) }
        }
        if rowRejects.isEmpty { return true }
        rejects.append(contentsOf: rowRejects)
        return false
    }

    // MARK: - Columns

    /// The event date (year*10000+month*100+day, nil when not a real date): checked and appended.
    @inline(__always)
    private mutating func eventDate(_ ymd: Int?, _ lineNumber: Int) {
        switch ymd {
        case .some(let ymd) where ymd > today: reject(.eventDate, .futureDate, lineNumber)
        case .some(let ymd) where ymd < 1900_01_01: reject(.eventDate, .dateTooEarly, lineNumber)
        case .some(let ymd):
            appendInt4(Int32(truncatingIfNeeded: daysSince2000(year: ymd / 10000, month: ymd / 100 % 100, day: ymd % 100)))
        case .none: reject(.eventDate, .invalidDate, lineNumber)
        }
    }

    private mutating func code(_ column: CanonicalColumn, _ record: CSVRecord, _ lineNumber: Int, _ given: GivenValues) {
        if let id = given.value(column) { return appendSmallInt(Int16(truncatingIfNeeded: id)) }
        trimmedField(field(column), record) { field in
            guard let field else {
                return column.isRequired ? reject(column, .missingRequired, lineNumber) : null()
            }
            guard let id = lists[column.ordinal].id(field) else { return reject(column, .notInCodeList, lineNumber) }
            appendSmallInt(id)
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
                if let derived { appendSmallInt(derived) } else { null() }
                return
            }
            guard let id = lists[CanonicalColumn.disability.ordinal].id(field) else {
                return reject(.disability, .notInCodeList, lineNumber)
            }
            if let derived, derived != disabilityUNK, id != disabilityUNK, derived != id {
                return reject(.disability, .disabilityContradictsWashingtonGroup, lineNumber)
            }
            appendSmallInt(id)
        }
    }

    // MARK: - Helpers

    @inline(__always) private func field(_ column: CanonicalColumn) -> Int? { fieldIndexes[column.ordinal] }

    private mutating func reject(_ column: CanonicalColumn, _ reason: RejectReason, _ lineNumber: Int) {
        rowRejects.append(Reject(line: lineNumber, column: column, reason: reason))
    }

    private mutating func null() { appendBigEndian(0xFFFF_FFFF, bytes: 4) }  // length -1

    /// An int2 field: length 2, then the value.
    @inline(__always) private mutating func appendSmallInt(_ value: Int16) {
        appendBigEndian(2 << 16 | UInt64(UInt16(bitPattern: value)), bytes: 6)
    }

    /// An int4 (or date) field: length 4, then the value.
    @inline(__always) private mutating func appendInt4(_ value: Int32) {
        appendBigEndian(4 << 32 | UInt64(UInt32(bitPattern: value)), bytes: 8)
    }

    /// Appends the low `bytes` (1...8) bytes of `value`, most significant first, in one 8-byte store
    /// (the buffer always has room for it: a tuple stays far below its capacity).
    @inline(__always) private func appendBigEndian(_ value: UInt64, bytes: Int) {
        let aligned = (value &<< UInt64(64 &- 8 &* bytes)).bigEndian
        let count = tuple.count
        precondition(count &+ 8 <= TupleBuffer.capacity)
        tuple.base.storeBytes(of: aligned, toByteOffset: count, as: UInt64.self)
        tuple.count = count &+ bytes
    }

    /// Appends raw bytes (a record_id of at most 64 characters, a pseudonym).
    @inline(__always) private func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        let count = tuple.count
        precondition(count &+ bytes.count &+ 8 <= TupleBuffer.capacity)
        if let source = bytes.baseAddress { (tuple.base + count).copyMemory(from: source, byteCount: bytes.count) }
        tuple.count = count &+ bytes.count
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

/// Days from 2000-01-01 (PostgreSQL's date epoch) to a proleptic Gregorian date (negative before it).
package func daysSince2000(year: Int, month: Int, day: Int) -> Int {
    // days_from_civil (H. Hinnant): days since 1970-01-01, shifted by 10957 days (1970 -> 2000).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400                                                  // 0...399
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // 0...365
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear   // 0...146096
    return era * 146_097 + dayOfEra - 719_468 - 10_957
}

/// The date `days` after 2000-01-01 as (year, month, day): the inverse of `daysSince2000`.
package func civilDate(daysSince2000 days: Int) -> (year: Int, month: Int, day: Int) {
    // civil_from_days (H. Hinnant).
    let z = days + 10_957 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

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
