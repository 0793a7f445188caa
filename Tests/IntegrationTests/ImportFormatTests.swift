import Foundation
import MigstatPQ
import MigstatCore
import Testing

/// Acceptance 2 and 3: the file dialects of the spec (BOM, CRLF, `;`, tab, RFC 4180 quoting with
/// delimiters, doubled quotes and line breaks) and Windows-1251.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportFormatTests {
    struct Dialect: Sendable, CustomStringConvertible {
        var delimiter: String
        var option: String?
        var lineEnd: String
        var byteOrderMark: Bool
        var description: String {
            "delimiter \(delimiter == "\t" ? "tab" : delimiter), \(lineEnd == "\n" ? "LF" : "CRLF")"
                + (byteOrderMark ? ", BOM" : "")
        }
    }

    static let dialects = [
        Dialect(delimiter: ",", option: nil, lineEnd: "\n", byteOrderMark: false),
        Dialect(delimiter: ",", option: nil, lineEnd: "\r\n", byteOrderMark: true),
        Dialect(delimiter: ";", option: ";", lineEnd: "\r\n", byteOrderMark: false),
        Dialect(delimiter: ";", option: ";", lineEnd: "\n", byteOrderMark: true),
        Dialect(delimiter: "\t", option: "tab", lineEnd: "\n", byteOrderMark: true),
        Dialect(delimiter: "\t", option: "tab", lineEnd: "\r\n", byteOrderMark: false),
    ]

    /// Quoted delimiters, doubled quotes and line breaks inside quoted fields; record_id last (so a
    /// CR left on the line end would show), header names in mixed case with spaces, an ignored
    /// column. Line numbers in the rejects file are physical lines.
    @Test(arguments: dialects)
    func quotingLineBreaksAndLineNumbers(_ dialect: Dialect) throws {
        try withTestDatabase { db in
            let br = dialect.lineEnd
            var csv = FlowCSV(columns: [
                "note", "person_id", "EVENT_DATE", " Direction ", "sex", "nationality",
                "migration_status", "Record_ID",
            ])
            csv.delimiter = dialect.delimiter
            csv.lineEnd = br
            csv.byteOrderMark = dialect.byteOrderMark
            let person2 = "P\"2, with; delimiters\tinside"
            let person6 = "p6\(br)still person"
            csv.add("Q-1", ["note": "first line\(br)second line", "person_id": "P-1"])  // lines 2-3
            csv.add("Q,\"2\";", ["note": "a \"quoted\" word, a comma; a semicolon\ta tab", "person_id": person2])  // 4
            csv.add("Q-3", ["sex": "X", "note": "x\(br)y\(br)z"])  // 5-7
            csv.add("Q-4", ["event_date": "2024-13-01", "note": "plain"])  // 8
            csv.add("Q-5\(br)broken", ["note": "record_id with a line break"])  // 9-10
            csv.add("Q-6", ["person_id": person6, "note": ""])  // 11-12
            csv.add("Q-7", ["migration_status": "BAD", "note": "\"\""])  // 13
            csv.add("Q-8", ["note": "\(br)\(br)", "direction": "out"])  // 14-16
            csv.add("Q-9", ["note": "last"])  // 17
            #expect(csv.physicalLines == [2, 4, 5, 8, 9, 11, 13, 14, 17])
            let path = try db.write("dialect.csv", csv.text)

            var options = ["--ignore-column", "note", "--max-rejects", "4"]
            if let option = dialect.option { options += ["--delimiter", option] }
            let result = try db.importFile(path, options)
            #expect(result.status == 0, "\(result)")
            let summary = try result.summary()
            #expect(summary.outcome == "committed")
            #expect(summary.rows == 9)
            #expect(summary.accepted == 5)
            #expect(summary.rejected == 4)
            #expect(
                try readRejects(path + ".rejects.csv") == [
                    RejectEntry(5, "sex", Reason.notInCodeList),
                    RejectEntry(8, "event_date", Reason.invalidDate),
                    RejectEntry(9, "record_id", Reason.controlCharacter),
                    RejectEntry(13, "migration_status", Reason.notInCodeList),
                ])

            let stored = try db.storedRecords()
            #expect(stored.map(\.recordID) == ["Q-1", "Q,\"2\";", "Q-6", "Q-8", "Q-9"])
            #expect(stored.map(\.line) == [2, 4, 11, 14, 17])
            #expect(stored.map { $0["direction"] } == ["IN", "IN", "IN", "OUT", "IN"])
            #expect(stored.allSatisfy { $0["migration_status"] == "REG" && $0["nationality"] == "KGZ" })
            // Quoted person_id values reach the pseudonymiser whole (delimiters, quotes, line breaks).
            let pseudonymizer = Pseudonymizer(key: try db.key(purpose: db.purpose))
            #expect(stored[0]["person_pseudonym"] == pseudonymizer.pseudonymHex(of: "P-1"))
            #expect(stored[1]["person_pseudonym"] == pseudonymizer.pseudonymHex(of: person2))
            #expect(stored[2]["person_pseudonym"] == pseudonymizer.pseudonymHex(of: person6))
            #expect(stored[3]["person_pseudonym"] == nil)
        }
    }

    /// Blank lines are not records but still count as physical lines; the last record needs no
    /// line end, even when it ends in a quoted field.
    @Test func blankLinesAndAMissingFinalLineEnd() throws {
        try withTestDatabase { db in
            var csv = FlowCSV(columns: FlowCSV.standardColumns + ["note"])
            csv.add("E-1")  // line 2
            csv.addRaw("")  // line 3
            csv.addRaw("")  // line 4
            csv.add("E-2", ["sex": "X"])  // line 5
            csv.add("E-3", ["note": "end"])  // line 6
            var text = csv.text
            #expect(text.hasSuffix(",end\n"))
            text.removeLast(4)  // no final line end, and the last field quoted
            text += "\"e\nnd\""  // over two lines
            let path = try db.write("blank-lines.csv", text)
            let result = try db.importFile(path, ["--ignore-column", "note", "--max-rejects", "1"])
            #expect(result.status == 0, "\(result)")
            let summary = try result.summary()
            #expect(summary.rows == 3 && summary.accepted == 2 && summary.rejected == 1)
            #expect(try readRejects(path + ".rejects.csv") == [RejectEntry(5, "sex", Reason.notInCodeList)])
            let stored = try db.storedRecords()
            #expect(stored.map(\.recordID) == ["E-1", "E-3"])
            #expect(stored.map(\.line) == [2, 6])
        }
    }

    /// A delimiter the file does not use leaves every row with one field: each row is rejected as a
    /// field-count problem or the header as a whole is unknown — never silently misread.
    @Test func theWrongDelimiterIsNotSilentlyAccepted() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.delimiter = ";"
            csv.add("D-1")
            let path = try db.write("semicolons.csv", csv.text)
            let result = try db.importFile(path)
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains("semicolons.csv"))
            try expectNothingStored(db)
        }
    }

    @Test func windows1251WithTheFlagStoresUTF8AndWithoutItIsRejectedAsInvalidEncoding() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.lineEnd = "\r\n"
            csv.add("ПГ-1", ["person_id": "Паспорт-1"])
            csv.add("Жалал-Абад-2")
            csv.add("R-3", ["person_id": "Иванов Ёж"])
            csv.add("ёлка-4", ["nationality": "kgz"])
            csv.add("R-5", ["person_id": "UNDEFINED-BYTE"])
            var bytes = try windows1251(csv.text)
            #expect(bytes.count == csv.text.unicodeScalars.count, "one byte per character")
            // 0x98 is the one byte Windows-1251 does not define: line 6 is invalid in both readings.
            let marker = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("UNDEFINED".utf8)) })
            bytes[marker] = 0x98
            let path = try db.write("cp1251.csv", bytes: bytes)

            // Without --encoding the bytes are not UTF-8: each row is rejected, nothing crashes.
            let plain = try db.importFile(path)
            #expect(!plain.signaled, "\(plain)")
            #expect(plain.status == 65, "\(plain)")
            #expect(
                try readRejects(path + ".rejects.csv") == [
                    RejectEntry(2, "record_id", Reason.invalidEncoding),
                    RejectEntry(3, "record_id", Reason.invalidEncoding),
                    RejectEntry(4, "person_id", Reason.invalidEncoding),
                    RejectEntry(5, "record_id", Reason.invalidEncoding),
                    RejectEntry(6, "person_id", Reason.invalidEncoding),
                ])
            let plainSummary = try plain.summary()
            #expect(plainSummary.rows == 5 && plainSummary.rejected == 5)
            try expectNothingStored(db)

            let result = try db.importFile(path, ["--encoding", "windows-1251", "--max-rejects", "1"])
            #expect(result.status == 0, "\(result)")
            let summary = try result.summary()
            #expect(summary.accepted == 4 && summary.rejected == 1)
            #expect(try readRejects(path + ".rejects.csv") == [RejectEntry(6, "person_id", Reason.invalidEncoding)])
            let stored = try db.storedRecords()
            #expect(stored.map(\.recordID) == ["ПГ-1", "Жалал-Абад-2", "R-3", "ёлка-4"])
            // The database holds the UTF-8 text itself (compare in SQL, with the byte length).
            #expect(
                try db.int(
                    "SELECT count(*) FROM migstat.records WHERE record_id = $1 AND octet_length(record_id) = $2",
                    ["Жалал-Абад-2", String("Жалал-Абад-2".utf8.count)]) == 1)
            #expect(
                try db.int(
                    "SELECT count(*) FROM migstat.records WHERE record_id = convert_from('\\xd09fd0932d31'::bytea, 'UTF8')"
                ) == 1)
            // person_id is transcoded before it is pseudonymised.
            let pseudonymizer = Pseudonymizer(key: try db.key(purpose: db.purpose))
            #expect(stored[0]["person_pseudonym"] == pseudonymizer.pseudonymHex(of: "Паспорт-1"))
            #expect(stored[2]["person_pseudonym"] == pseudonymizer.pseudonymHex(of: "Иванов Ёж"))
        }
    }
}
