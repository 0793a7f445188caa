import Foundation
import MigstatPQ
import Testing

/// Acceptance 1: every kind of invalid value in the spec is rejected with its physical line, its
/// column and the right reason; valid boundary values are stored as the right codes.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportValidationTests {
    /// One bad row: the overrides applied to a valid row, and the reject(s) it must produce.
    struct BadRow {
        var overrides: [String: String]
        var expected: [(column: String, reason: String)]
        init(_ overrides: [String: String], _ column: String, _ reason: String) {
            self.overrides = overrides
            expected = [(column, reason)]
        }
        init(_ overrides: [String: String], _ expected: [(String, String)]) {
            self.overrides = overrides
            self.expected = expected.map { (column: $0.0, reason: $0.1) }
        }
    }

    static let allOnes = Dictionary(uniqueKeysWithValues: FlowCSV.washingtonGroupColumns.map { ($0, "1") })

    static var badRows: [BadRow] {
        let long = String(repeating: "x", count: 65)
        let longCyrillic = String(repeating: "ж", count: 65)
        return [
            // event_date
            BadRow(["event_date": "2024-02-30"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "2024-13-01"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "24-01-01"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "2023-02-29"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "2024-04-31"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "2024-00-10"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "2024/03/01"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "2024-3-1"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "01.03.2024"], "event_date", Reason.invalidDate),
            BadRow(["event_date": "2099-01-01"], "event_date", Reason.futureDate),
            BadRow(["event_date": utcDate(daysFromToday: 2)], "event_date", Reason.futureDate),
            BadRow(["event_date": "1899-12-31"], "event_date", Reason.dateTooEarly),
            BadRow(["event_date": ""], "event_date", Reason.missing),
            // direction
            BadRow(["direction": "INBOUND"], "direction", Reason.notInCodeList),
            BadRow(["direction": "X"], "direction", Reason.notInCodeList),
            BadRow(["direction": ""], "direction", Reason.missing),
            // sex (SDMX CL_SEX)
            BadRow(["sex": "X"], "sex", Reason.notInCodeList),
            BadRow(["sex": "O"], "sex", Reason.notInCodeList),
            BadRow(["sex": "FEMALE"], "sex", Reason.notInCodeList),
            BadRow(["sex": "   "], "sex", Reason.missing),
            // age
            BadRow(["age": "abc"], "age", Reason.notAWholeNumber),
            BadRow(["age": "1.5"], "age", Reason.notAWholeNumber),
            BadRow(["age": "30 years"], "age", Reason.notAWholeNumber),
            BadRow(["age": "131"], "age", Reason.ageOutOfRange),
            BadRow(["age": "1000"], "age", Reason.ageOutOfRange),
            // nationality (ISO 3166-1 alpha-3 + ICAO)
            BadRow(["nationality": "ZZZ"], "nationality", Reason.notInCodeList),
            BadRow(["nationality": "KG"], "nationality", Reason.notInCodeList),
            BadRow(["nationality": "KGZZ"], "nationality", Reason.notInCodeList),
            BadRow(["nationality": "Kyrgyzstan"], "nationality", Reason.notInCodeList),
            BadRow(["nationality": ""], "nationality", Reason.missing),
            // country
            BadRow(["country": "ZZZ"], "country", Reason.notInCodeList),
            BadRow(["country": "RU"], "country", Reason.notInCodeList),
            // region (KG subdivisions only)
            BadRow(["region": "KG-ZZ"], "region", Reason.notInCodeList),
            BadRow(["region": "KZ-ALA"], "region", Reason.notInCodeList),
            BadRow(["region": "KG"], "region", Reason.notInCodeList),
            // reason
            BadRow(["reason": "WORK"], "reason", Reason.notInCodeList),
            // occupation (ISCO-08, 1 to 4 digits)
            BadRow(["occupation": "12345"], "occupation", Reason.notInCodeList),
            BadRow(["occupation": "ab"], "occupation", Reason.notInCodeList),
            BadRow(["occupation": "99"], "occupation", Reason.notInCodeList),
            BadRow(["occupation": "10"], "occupation", Reason.notInCodeList),
            BadRow(["occupation": "1a"], "occupation", Reason.notInCodeList),
            // worker_category, ethnicity, migration_status, disability
            BadRow(["worker_category": "MIGRANT"], "worker_category", Reason.notInCodeList),
            BadRow(["ethnicity": "MARTIAN"], "ethnicity", Reason.notInCodeList),
            BadRow(["migration_status": "LEGAL"], "migration_status", Reason.notInCodeList),
            BadRow(["migration_status": ""], "migration_status", Reason.missing),
            BadRow(["disability": "YES"], "disability", Reason.notInCodeList),
            BadRow(["disability": "1"], "disability", Reason.notInCodeList),
            // Washington Group answers 1-4
            BadRow(["wg_seeing": "0"], "wg_seeing", Reason.washingtonGroupOutOfRange),
            BadRow(["wg_communication": "5"], "wg_communication", Reason.washingtonGroupOutOfRange),
            BadRow(["wg_hearing": "1.0"], "wg_hearing", Reason.washingtonGroupOutOfRange),
            BadRow(["wg_mobility": "a"], "wg_mobility", Reason.washingtonGroupOutOfRange),
            // disability contradicting the answers
            BadRow(["disability": "NODIS", "wg_mobility": "3"], "disability", Reason.disabilityContradiction),
            BadRow(allOnes.merging(["disability": "DIS"]) { $1 }, "disability", Reason.disabilityContradiction),
            BadRow(
                allOnes.merging(["disability": "NODIS", "wg_selfcare": "4"]) { $1 }, "disability",
                Reason.disabilityContradiction),
            // record_id
            BadRow(["record_id": ""], "record_id", Reason.missing),
            BadRow(["record_id": long], "record_id", Reason.tooLong),
            BadRow(["record_id": longCyrillic], "record_id", Reason.tooLong),
            BadRow(["record_id": "R\tX"], "record_id", Reason.controlCharacter),
            BadRow(["record_id": "R\u{7F}X"], "record_id", Reason.controlCharacter),
            // several problems in one row: each is listed
            BadRow(
                ["sex": "X", "age": "200", "region": "KG-ZZ"],
                [("sex", Reason.notInCodeList), ("age", Reason.ageOutOfRange), ("region", Reason.notInCodeList)]),
        ]
    }

    @Test func eachKindOfInvalidValueIsRejectedWithLineColumnAndReason() throws {
        try withTestDatabase { db in
            var csv = FlowCSV(columns: FlowCSV.standardColumns + FlowCSV.washingtonGroupColumns)
            csv.add("GOOD-1")
            let bad = Self.badRows
            for (index, row) in bad.enumerated() {
                var overrides = row.overrides
                if overrides["record_id"] == nil { overrides["record_id"] = "BAD-\(index)" }
                csv.add("BAD-\(index)", overrides)
            }
            // Wrong number of fields: too few, too many.
            csv.addRaw("WF-1,,2024-03-01,IN,F,30,KGZ")
            csv.addRaw(csv.render(.record(FlowCSV.validRow("WF-2"))) + ",extra")
            csv.add("GOOD-2")
            let path = try db.write("invalid.csv", csv.text)
            let lines = csv.physicalLines

            var expected: [RejectEntry] = []
            for (index, row) in bad.enumerated() {
                for item in row.expected { expected.append(RejectEntry(lines[index + 1], item.column, item.reason)) }
            }
            expected.append(RejectEntry(lines[bad.count + 1], "", Reason.wrongFieldCount))
            expected.append(RejectEntry(lines[bad.count + 2], "", Reason.wrongFieldCount))

            let result = try db.importFile(path, ["--max-rejects", "100%"])
            #expect(result.status == 0, "\(result)")
            let summary = try result.summary()
            let rows = csv.lines.count
            #expect(summary.outcome == "committed")
            #expect(summary.rows == rows)
            #expect(summary.accepted == 2)
            #expect(summary.rejected == rows - 2)
            #expect(summary.rejectsFile == path + ".rejects.csv")

            let rejects = try readRejects(path + ".rejects.csv")
            #expect(rejects == rejects.sorted { $0.line < $1.line }, "the rejects file is in line order")
            let missing = expected.filter { !rejects.contains($0) }
            let unexpected = rejects.filter { !expected.contains($0) }
            #expect(missing == [], "expected rejects not found")
            #expect(unexpected == [], "rejects not expected")
            #expect(rejects.count == expected.count)

            let batch = try #require(try db.batches().first)
            #expect(batch.id == summary.batch)
            #expect(batch.status == "loaded")
            #expect(batch.rowsRead == rows)
            #expect(batch.accepted == 2)
            #expect(batch.rejected == rows - 2)
            let stored = try db.storedRecords()
            #expect(stored.map(\.recordID) == ["GOOD-1", "GOOD-2"])
            #expect(stored.map(\.line) == [lines[0], lines[lines.count - 1]])
        }
    }

    /// `-1` and `12345` are whole numbers outside 0 to 130: the reason says so (not "not a whole number").
    @Test func negativeAndLongAgesAreReportedAsOutOfRange() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.add("A-1", ["age": "-1"])
            csv.add("A-2", ["age": "12345"])
            csv.add("A-3", ["age": "131"])
            csv.add("A-4", ["age": "x1"])
            let path = try db.write("ages.csv", csv.text)
            let result = try db.importFile(path)
            #expect(result.status == 65, "\(result)")
            #expect(
                try readRejects(path + ".rejects.csv") == [
                    RejectEntry(2, "age", Reason.ageOutOfRange),
                    RejectEntry(3, "age", Reason.ageOutOfRange),
                    RejectEntry(4, "age", Reason.ageOutOfRange),
                    RejectEntry(5, "age", Reason.notAWholeNumber),
                ])
            try expectNothingStored(db)
        }
    }

    /// A row of the boundary file and what must be stored for it (nil = NULL).
    struct BoundaryRow {
        var recordID: String
        var overrides: [String: String]
        var stored: [String: String?]
        init(_ recordID: String, _ overrides: [String: String], _ stored: [String: String?]) {
            self.recordID = recordID
            self.overrides = overrides
            self.stored = stored
        }
    }

    static var boundaryRows: [BoundaryRow] {
        let id64 = String(repeating: "7", count: 64)
        let cyrillic64 = String(repeating: "ж", count: 63) + "Ё"
        let yesterday = utcDate(daysFromToday: -1)
        let blanks = [
            "country": "", "region": "", "reason": "", "occupation": "", "worker_category": "",
            "ethnicity": "", "disability": "", "age": "", "person_id": "",
        ]
        let wg = { (answers: [String]) -> [String: String] in
            var row = Dictionary(uniqueKeysWithValues: zip(FlowCSV.washingtonGroupColumns, answers))
            row["disability"] = ""
            return row
        }
        return [
            BoundaryRow("B-age0", ["age": "0"], ["age": "0"]),
            BoundaryRow("B-age130", ["age": "130"], ["age": "130"]),
            BoundaryRow("B-age-spaces", ["age": "  42 "], ["age": "42"]),
            BoundaryRow("B-age-leading-zero", ["age": "007"], ["age": "7"]),
            BoundaryRow("B-leap-2024", ["event_date": "2024-02-29"], ["event_date": "2024-02-29"]),
            BoundaryRow("B-leap-2000", ["event_date": "2000-02-29"], ["event_date": "2000-02-29"]),
            BoundaryRow("B-1900", ["event_date": "1900-01-01"], ["event_date": "1900-01-01"]),
            BoundaryRow("B-yesterday", ["event_date": yesterday], ["event_date": yesterday]),
            BoundaryRow("B-date-spaces", ["event_date": " 2024-12-31 "], ["event_date": "2024-12-31"]),
            BoundaryRow("B-XXA", ["nationality": "XXA", "country": "XXB"], ["nationality": "XXA", "country": "XXB"]),
            BoundaryRow("B-XXB", ["nationality": "XXB", "country": "XXC"], ["nationality": "XXB", "country": "XXC"]),
            BoundaryRow("B-XXC", ["nationality": "XXC", "country": "XXX"], ["nationality": "XXC", "country": "XXX"]),
            BoundaryRow("B-XXX", ["nationality": "XXX"], ["nationality": "XXX"]),
            BoundaryRow("B-isco-0", ["occupation": "0"], ["occupation": "0"]),
            BoundaryRow("B-isco-01", ["occupation": "01"], ["occupation": "01"]),
            BoundaryRow("B-isco-0110", ["occupation": "0110"], ["occupation": "0110"]),
            BoundaryRow("B-isco-9", ["occupation": "9"], ["occupation": "9"]),
            BoundaryRow("B-isco-611", ["occupation": " 611 "], ["occupation": "611"]),
            BoundaryRow(
                "B-lower",
                [
                    "direction": "out", "sex": "m", "nationality": "kgz", "country": "kaz", "region": "kg-gb",
                    "reason": "educ", "worker_category": "project_tied", "ethnicity": "uzbek",
                    "migration_status": "asy_appl", "disability": "dis",
                ],
                [
                    "direction": "OUT", "sex": "M", "nationality": "KGZ", "country": "KAZ", "region": "KG-GB",
                    "reason": "EDUC", "worker_category": "PROJECT_TIED", "ethnicity": "UZBEK",
                    "migration_status": "ASY_APPL", "disability": "DIS",
                ]),
            BoundaryRow(
                "B-spaces",
                [
                    "direction": "  IN ", "sex": " _u ", "nationality": " TJK", "country": "uzb  ", "region": " KG-Y ",
                    "reason": " ret", "worker_category": " Self_Employed ", "ethnicity": " dungan",
                    "migration_status": " STLS ", "disability": " unk ",
                ],
                [
                    "direction": "IN", "sex": "_U", "nationality": "TJK", "country": "UZB", "region": "KG-Y",
                    "reason": "RET", "worker_category": "SELF_EMPLOYED", "ethnicity": "DUNGAN",
                    "migration_status": "STLS", "disability": "UNK",
                ]),
            BoundaryRow("B-sex-other", ["sex": "_o"], ["sex": "_O"]),
            BoundaryRow(
                "B-blanks", blanks,
                [
                    "country": nil, "region": nil, "reason": nil, "occupation": nil, "worker_category": nil,
                    "ethnicity": nil, "disability": nil, "age": nil, "person_pseudonym": nil,
                ]),
            BoundaryRow(id64, [:], ["event_date": "2024-03-01"]),
            BoundaryRow(cyrillic64, [:], ["event_date": "2024-03-01"]),
            BoundaryRow(" B-trimmed  ", [:], ["event_date": "2024-03-01"]),
            // Disability derived from the Washington Group answers.
            BoundaryRow("W-all-low", wg(["1", "2", "1", "2", "1", "1"]), ["disability": "NODIS"]),
            BoundaryRow("W-one-3", wg(["1", "1", "3", "1", "1", "1"]), ["disability": "DIS"]),
            BoundaryRow("W-partial-4", wg(["", "", "", "4", "", ""]), ["disability": "DIS"]),
            BoundaryRow("W-partial-low", wg(["1", "2", "", "", "", ""]), ["disability": "UNK"]),
            BoundaryRow("W-none", wg(["", "", "", "", "", ""]), ["disability": nil]),
            BoundaryRow("W-spaces", wg([" 1", "1 ", " 3 ", "1", "1", "1"]), ["disability": "DIS"]),
            BoundaryRow(
                "W-given-unk", wg(["1", "1", "1", "1", "1", "1"]).merging(["disability": "UNK"]) { $1 },
                ["disability": "UNK"]),
            BoundaryRow(
                "W-given-dis-partial", wg(["1", "", "", "", "", ""]).merging(["disability": "DIS"]) { $1 },
                ["disability": "DIS"]),
            BoundaryRow(
                "W-given-agrees", wg(["2", "2", "2", "2", "2", "2"]).merging(["disability": "nodis"]) { $1 },
                ["disability": "NODIS"]),
            BoundaryRow(
                "W-given-dis-4", wg(["4", "1", "1", "1", "1", "1"]).merging(["disability": "DIS"]) { $1 },
                ["disability": "DIS"]),
        ]
    }

    @Test func validBoundaryValuesAreStoredAsTheirCodes() throws {
        try withTestDatabase { db in
            var csv = FlowCSV(columns: FlowCSV.standardColumns + FlowCSV.washingtonGroupColumns)
            let rows = Self.boundaryRows
            for row in rows { csv.add(row.recordID, row.overrides) }
            let path = try db.write("boundary.csv", csv.text)
            // Strict: a single reject would refuse the whole file.
            let result = try db.importFile(path)
            #expect(result.status == 0, "\(result)")
            let summary = try result.summary()
            #expect(summary.outcome == "committed")
            #expect(summary.rows == rows.count)
            #expect(summary.accepted == rows.count)
            #expect(summary.rejected == 0)
            #expect(summary.rejectsFile == nil)
            #expect(!FileManager.default.fileExists(atPath: path + ".rejects.csv"))

            let stored = try db.storedRecords()
            let expectedIDs = rows.map { $0.recordID.trimmingCharacters(in: .whitespaces) }
            #expect(stored.map(\.recordID) == expectedIDs)
            #expect(stored.map(\.line) == csv.physicalLines)
            for (row, record) in zip(rows, stored) {
                for (column, value) in row.stored {
                    #expect(record[column] == value, "\(row.recordID): \(column)")
                }
                // Columns not overridden keep the valid row's values.
                let base = FlowCSV.validRow(row.recordID)
                for column in ["direction", "sex", "nationality", "migration_status"] where row.overrides[column] == nil
                {
                    #expect(record[column] == base[column], "\(row.recordID): \(column)")
                }
            }
            let batch = try #require(try db.batches().first)
            #expect(batch.rowsRead == rows.count && batch.accepted == rows.count && batch.rejected == 0)
        }
    }
}
