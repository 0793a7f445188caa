import Testing
@testable import MigstatCore
import Foundation

/// Unit tests of validation and binary COPY encoding (no database).
@Suite struct RecordEncoderTests {
    static let codes = CodeBook(lists: [
        "direction": .init([("IN", 1), ("OUT", 2)]),
        "sex": .init([("F", 1), ("M", 2), ("_O", 3), ("_U", 4)]),
        "country": .init([("KGZ", 10), ("UZB", 11), ("XXA", 12)]),
        "region": .init([("KG-C", 1)]),
        "reason": .init([("OCC", 1), ("UNK", 2)]),
        "occupation": .init([("9", 1), ("93", 2), ("931", 3), ("9313", 4), ("0", 5)]),
        "worker_category": .init([("SEASONAL", 1)]),
        "ethnicity": .init([("KYRGYZ", 1)]),
        "migration_status": .init([("REG", 1), ("IRR", 2)]),
        "disability": .init([("DIS", 1), ("NODIS", 2), ("UNK", 3)]),
    ])
    static let header = "record_id,person_id,event_date,direction,sex,age,nationality,country,region,reason,"
        + "occupation,worker_category,ethnicity,migration_status,disability,wg_seeing,wg_hearing,wg_mobility,"
        + "wg_cognition,wg_selfcare,wg_communication"
    static let valid = "R1,AC 123-456,2024-02-29,IN,f,30,kgz,UZB,KG-C,OCC,9313,SEASONAL,KYRGYZ,REG,,,,,,,"

    /// Encodes the row after the header; returns the COPY tuple's fields, decoded and rendered as in
    /// COPY text (`\\N` for NULL, a date as YYYY-MM-DD, bytea as `\\x` + hex), or the rejects.
    func encode(_ row: String, header: String = RecordEncoderTests.header) throws -> (fields: [String]?, rejects: [Reject]) {
        let reader = CSVReader(bytes: Array((header + "\n" + row + "\n").utf8))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        let layout = try BatchLayout(header: record.strings)
        #expect(try reader.next(into: &record))
        var encoder = RecordEncoder(layout: layout, codes: Self.codes,
                                    pseudonymizer: Pseudonymizer(key: Array(repeating: 7, count: 32)), today: 2025_06_30)
        var rejects: [Reject] = []
        guard encoder.encode(record, rejects: &rejects) else { return (nil, rejects) }
        return (try BinaryTuple.decode(encoder.line), rejects)
    }

    @Test func headerAndTrailerAreBinaryCOPYs() {
        #expect(RecordEncoder.copyHeader == Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + Array(repeating: 0, count: 8))
        #expect(RecordEncoder.copyHeader.count == 19)
        #expect(RecordEncoder.copyTrailer == [0xFF, 0xFF])
        #expect(RecordEncoder.copyOptions == "WITH (FORMAT binary, FREEZE)")
        #expect(RecordEncoder.fieldCount == RecordEncoder.copyColumns.count)
    }

    @Test func tupleHasTheBinaryLayout() throws {
        let reader = CSVReader(bytes: Array((Self.header + "\n" + Self.valid + "\n").utf8))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        let layout = try BatchLayout(header: record.strings)
        #expect(try reader.next(into: &record))
        var encoder = RecordEncoder(layout: layout, codes: Self.codes,
                                    pseudonymizer: Pseudonymizer(key: Array(repeating: 7, count: 32)), today: 2025_06_30)
        var rejects: [Reject] = []
        #expect(encoder.encode(record, rejects: &rejects))
        let line = encoder.line
        #expect(Array(line[0..<2]) == [0, 16])                          // field count
        #expect(Array(line[2..<10]) == [0, 0, 0, 4, 0, 0, 0, 2])        // line_no int4 2
        // event_date 2024-02-29: 8825 days after 2000-01-01 = 0x2279
        #expect(Array(line[10..<18]) == [0, 0, 0, 4, 0, 0, 0x22, 0x79])
        #expect(Array(line[18..<24]) == [0, 0, 0, 2, 0, 1])             // direction int2 1
        // Re-encoding another row reuses the buffer: `line` holds only the last valid row.
        #expect(encoder.encode(record, rejects: &rejects))
        #expect(encoder.line == line)
        #expect(rejects.isEmpty)
    }

    @Test(arguments: [
        (1900, 1, 1, -36524), (1970, 1, 1, -10957), (1999, 12, 31, -1), (2000, 1, 1, 0), (2000, 2, 29, 59),
        (2000, 3, 1, 60), (2024, 2, 29, 8825), (2024, 12, 31, 9131), (2100, 3, 1, 36584),
    ])
    func daysSince2000MatchesKnownDates(year: Int, month: Int, day: Int, days: Int) {
        #expect(daysSince2000(year: year, month: month, day: day) == days)
        #expect(civilDate(daysSince2000: days) == (year, month, day))
    }

    @Test func daysSince2000RoundTripsEveryDay() {
        var expected = daysSince2000(year: 1899, month: 12, day: 31)
        for year in 1900...2100 {
            for month in 1...12 {
                for day in 1...31 {
                    var bytes = Array(String(format: "%04d-%02d-%02d", year, month, day).utf8)
                    guard bytes.withUnsafeMutableBufferPointer({ parseDate(UnsafeBufferPointer($0)) }) != nil else { continue }
                    expected += 1
                    let days = daysSince2000(year: year, month: month, day: day)
                    #expect(days == expected, "\(year)-\(month)-\(day)")
                    let back = civilDate(daysSince2000: days)
                    #expect(back == (year, month, day))
                }
            }
        }
    }

    @Test func validRowIsEncodedAsCodeIDs() throws {
        let (fields, rejects) = try encode(Self.valid)
        #expect(rejects.isEmpty)
        let f = try #require(fields)
        #expect(f.count == RecordEncoder.copyColumns.count)
        // line_no, event_date, direction, sex, age, nationality, country, region, reason, occupation,
        // worker_category, ethnicity, migration_status, disability, record_id, person_pseudonym
        #expect(Array(f[0..<14]) == ["2", "2024-02-29", "1", "1", "30", "10", "11", "1", "1", "4", "1", "1", "1", "\\N"])
        #expect(f[14] == "R1")
        let expected = try #require(Pseudonymizer(key: Array(repeating: 7, count: 32)).pseudonymHex(of: "AC123456"))
        #expect(f[15] == "\\x" + expected)
        #expect(!f.joined().contains("123-456"))
    }

    @Test(arguments: [
        ("2024-02-30", RejectReason.invalidDate), ("2023-02-29", .invalidDate), ("2024-13-01", .invalidDate),
        ("24-01-01", .invalidDate), ("2024/01/01", .invalidDate), ("2025-07-01", .futureDate),
        ("1899-12-31", .dateTooEarly), ("", .missingRequired),
    ])
    func badDates(value: String, reason: RejectReason) throws {
        let row = Self.valid.replacingFirst("2024-02-29", with: value)
        let (fields, rejects) = try encode(row)
        #expect(fields == nil)
        #expect(rejects == [Reject(line: 2, column: .eventDate, reason: reason)])
    }

    @Test(arguments: [
        ("IN", "XX", CanonicalColumn.direction, RejectReason.notInCodeList),
        (",f,", ",X,", .sex, .notInCodeList),
        (",30,", ",131,", .age, .ageOutOfRange),
        (",30,", ",-1,", .age, .ageOutOfRange),
        (",30,", ",12345,", .age, .ageOutOfRange),
        (",30,", ",3.5,", .age, .notAWholeNumber),
        (",kgz,", ",ZZZ,", .nationality, .notInCodeList),
        (",UZB,", ",KG,", .country, .notInCodeList),
        (",KG-C,", ",KG-Q,", .region, .notInCodeList),
        (",OCC,", ",WORK,", .reason, .notInCodeList),
        (",9313,", ",93131,", .occupation, .notInCodeList),
        (",9313,", ",93A,", .occupation, .notInCodeList),
        (",SEASONAL,", ",SEASON,", .workerCategory, .notInCodeList),
        (",KYRGYZ,", ",MARTIAN,", .ethnicity, .notInCodeList),
        (",REG,", ",LEGAL,", .migrationStatus, .notInCodeList),
        (",REG,", ",,", .migrationStatus, .missingRequired),
        ("R1,", ",", .recordID, .missingRequired),
    ])
    func badValues(from: String, to: String, column: CanonicalColumn, reason: RejectReason) throws {
        let (fields, rejects) = try encode(Self.valid.replacingFirst(from, with: to))
        #expect(fields == nil)
        #expect(rejects == [Reject(line: 2, column: column, reason: reason)])
    }

    @Test func boundaryValuesAreAccepted() throws {
        for (from, to) in [(",30,", ",0,"), (",30,", ",130,"), (",30,", ",00030,"), (",30,", ",-0,"), (",kgz,", ",XXA,"), (",9313,", ",0,"),
                           (",9313,", ", 93 ,"), (",f,", ",_u,"), (",KG-C,", ",,")] {
            let (fields, rejects) = try encode(Self.valid.replacingFirst(from, with: to))
            #expect(fields != nil, "\(to)")
            #expect(rejects.isEmpty)
        }
    }

    @Test func recordIDRules() throws {
        let long = String(repeating: "é", count: 64)
        #expect(try encode(Self.valid.replacingFirst("R1,", with: long + ",")).fields?[14] == long)
        let tooLong = try encode(Self.valid.replacingFirst("R1,", with: long + "x,"))
        #expect(tooLong.rejects == [Reject(line: 2, column: .recordID, reason: .tooLong)])
        let control = try encode(Self.valid.replacingFirst("R1,", with: "\"R\u{1}1\","))
        #expect(control.rejects == [Reject(line: 2, column: .recordID, reason: .controlCharacter)])
        // A backslash is sent as is: binary COPY has no escape character.
        #expect(try encode(Self.valid.replacingFirst("R1,", with: "R\\1,")).fields?[14] == "R\\1")
        #expect(try encode(Self.valid.replacingFirst("R1,", with: "\"R\\N\t1\",")).rejects
            == [Reject(line: 2, column: .recordID, reason: .controlCharacter)])
    }

    @Test func disabilityIsDerivedFromWashingtonGroupAnswers() throws {
        let base = Self.valid.replacingFirst("REG,,,,,,,", with: "REG,")
        #expect(try encode(base + ",1,1,1,1,1,1").fields?[13] == "2")     // NODIS
        #expect(try encode(base + ",1,1,3,1,1,1").fields?[13] == "1")     // DIS
        #expect(try encode(base + ",1,,2,,,").fields?[13] == "3")         // UNK: partial, none severe
        #expect(try encode(base + ",,,,,,").fields?[13] == "\\N")         // not stated
        #expect(try encode(base + "DIS,1,1,4,1,1,1").fields?[13] == "1")
        let conflict = try encode(base + "NODIS,1,1,4,1,1,1")
        #expect(conflict.rejects == [Reject(line: 2, column: .disability, reason: .disabilityContradictsWashingtonGroup)])
        let outOfRange = try encode(base + ",5,1,1,1,1,0")
        #expect(outOfRange.rejects.map(\.column) == [.wgSeeing, .wgCommunication])
        #expect(outOfRange.rejects.allSatisfy { $0.reason == .washingtonGroupOutOfRange })
    }

    @Test func everyProblemOfARowIsReported() throws {
        let (fields, rejects) = try encode("R1,,2024-02-30,UP,X,200,ZZZ,,,,,,,REG,,,,,,,")
        #expect(fields == nil)
        #expect(rejects.map(\.column) == [.eventDate, .direction, .sex, .age, .nationality])
    }

    @Test func wrongFieldCountIsOneRowReject() throws {
        let (fields, rejects) = try encode("R1,,2024-01-01,IN")
        #expect(fields == nil)
        #expect(rejects == [Reject(line: 2, column: nil, reason: .wrongFieldCount)])
    }

    @Test func optionalColumnsMayBeLeftOutOfTheHeader() throws {
        let (fields, rejects) = try encode("M,2024-01-01,OUT,kgz,R9,irr",
                                           header: "sex,event_date,direction,nationality,record_id,migration_status")
        #expect(rejects.isEmpty)
        #expect(try #require(fields)[4] == "\\N")
        #expect(fields?[12] == "2")
        #expect(fields?[15] == "\\N")
    }
}

@Suite struct BatchLayoutTests {
    @Test func columnsAreFoundByNameInAnyOrderAndCase() throws {
        let layout = try BatchLayout(header: [" Sex", "EVENT_DATE", "direction", "nationality", "record_id",
                                              "migration_status"])
        #expect(layout.index(of: .sex) == 0)
        #expect(layout.index(of: .eventDate) == 1)
        #expect(layout.index(of: .age) == nil)
    }

    @Test func headerErrorsNameTheColumn() throws {
        let required = ["record_id", "event_date", "direction", "sex", "nationality", "migration_status"]
        for (header, column) in [(Array(required.dropLast()), "migration_status"), (required + ["passport"], "passport"),
                                 (required + ["SEX"], "sex")] {
            #expect {
                try BatchLayout(header: header, file: "b.csv")
            } throws: { error in
                let error = error as? MigstatError
                return error?.code == .badHeader && error?.column == column && error?.line == 1
                    && error?.description.contains("b.csv:1") == true
            }
        }
        #expect(throws: MigstatError.self) { try BatchLayout(header: required + [""]) }
        #expect(try BatchLayout(header: required + ["note"], ignoring: ["NOTE"]).ignoredFields == [6])
    }
}

@Suite struct RejectLimitTests {
    @Test func parsesCountsAndPercentages() {
        #expect(RejectLimit("0") == .count(0))
        #expect(RejectLimit("12") == .count(12))
        #expect(RejectLimit("2.5%") == .percent(2.5))
        #expect(RejectLimit("-1") == nil)
        #expect(RejectLimit("101%") == nil)
        #expect(RejectLimit("x") == nil)
    }

    @Test func allowsWithinTheLimit() {
        #expect(RejectLimit.count(0).allows(rejected: 0, of: 10))
        #expect(!RejectLimit.count(0).allows(rejected: 1, of: 10))
        #expect(RejectLimit.count(2).allows(rejected: 2, of: 10))
        #expect(RejectLimit.percent(10).allows(rejected: 1, of: 10))
        #expect(!RejectLimit.percent(10).allows(rejected: 2, of: 10))
    }
}

/// A decoder of one binary COPY tuple of `RecordEncoder.copyColumns`, rendering each field as COPY
/// text would: `\N` for NULL, int4/int2 in decimal, date as YYYY-MM-DD, text as is, bytea as `\x` + hex.
enum BinaryTuple {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func decode(_ bytes: [UInt8]) throws -> [String] {
        var offset = 0
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= bytes.count else { throw Malformed(description: "truncated at \(offset)") }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }
        func integer(_ slice: ArraySlice<UInt8>) -> Int64 {
            var value: Int64 = slice.first.map { $0 >= 0x80 ? -1 : 0 } ?? 0
            for byte in slice { value = value << 8 | Int64(byte) }
            return value
        }
        let count = integer(try take(2))
        guard count == RecordEncoder.copyColumns.count else { throw Malformed(description: "field count \(count)") }
        var fields: [String] = []
        for column in RecordEncoder.copyColumns {
            let length = integer(try take(4))
            if length == -1 {
                fields.append("\\N")
                continue
            }
            let value = try take(Int(length))
            switch column {
            case "line_no":
                guard length == 4 else { throw Malformed(description: "int4 of \(length) bytes") }
                fields.append(String(integer(value)))
            case "event_date":
                guard length == 4 else { throw Malformed(description: "date of \(length) bytes") }
                let date = civilDate(daysSince2000: Int(integer(value)))
                fields.append(String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
            case "record_id":
                guard let text = String(validating: value, as: UTF8.self) else { throw Malformed(description: "bad UTF-8") }
                fields.append(text)
            case "person_pseudonym":
                fields.append("\\x" + value.map { String(format: "%02x", $0) }.joined())
            default:
                guard length == 2 else { throw Malformed(description: "\(column): int2 of \(length) bytes") }
                fields.append(String(integer(value)))
            }
        }
        guard offset == bytes.count else { throw Malformed(description: "\(bytes.count - offset) bytes after the tuple") }
        return fields
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
