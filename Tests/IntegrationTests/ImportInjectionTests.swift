import Foundation
import MigstatPQ
import Testing

/// Acceptance 8: values that look like SQL (or like COPY's own syntax) are stored literally.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportInjectionTests {
    static let hostile = [
        "x'); DROP TABLE migstat.batch; --",
        "x\"); DROP TABLE migstat.records; --",
        "'; DELETE FROM migstat.audit_log; --",
        "Robert'); DROP TABLE students;--",
        "$$; DROP SCHEMA migstat CASCADE; $$",
        "1' OR '1'='1",
        "\\N",
        "\\.",
        "a\\tb\\\\c\\",
        "%s%n%x%d",
        "E'\\\\x00'",
        "ДРОП'); --",
    ]

    @Test func sqlLookingValuesAreStoredLiterallyAndNothingIsDropped() throws {
        try withTestDatabase { db in
            var csv = FlowCSV(columns: FlowCSV.standardColumns + ["note"])
            for (index, value) in Self.hostile.enumerated() {
                csv.add(
                    value,
                    [
                        "note": Self.hostile[(index + 1) % Self.hostile.count],
                        "person_id": Self.hostile[(index + 2) % Self.hostile.count],
                    ])
            }
            let path = try db.write("hostile.csv", csv.text)
            let result = try db.importFile(path, ["--ignore-column", "note"])
            #expect(result.status == 0, "\(result)")
            #expect(try result.summary().accepted == Self.hostile.count)

            let stored = try db.storedRecords()
            #expect(stored.map(\.recordID) == Self.hostile)
            for value in Self.hostile {
                #expect(
                    try db.int("SELECT count(*) FROM migstat.records WHERE record_id = $1", [value]) == 1, "\(value)")
            }
            for table in ["migstat.batch", "migstat.records", "migstat.audit_log", "migstat.purpose", "migstat.source"]
            {
                #expect(try db.query("SELECT to_regclass($1) IS NOT NULL", [table]).bool(0, 0), "\(table) exists")
            }
            #expect(try db.batches().count == 1)
            #expect(try db.int("SELECT count(*) FROM migstat.audit_log") > 0)
            let verify = try db.run(["audit", "verify"], as: db.auditor)
            #expect(verify.status == 0, "\(verify)")
        }
    }

    /// `--source` and `--purpose` values are parameters too; a bad one is refused as bad input
    /// (64 usage or 65 data), not as an internal error (70), and nothing is dropped.
    @Test func sqlLookingSourceAndPurposeAreRefusedAsBadInput() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.add("S-1")
            let path = try db.write("source.csv", csv.text)
            let badPurpose = try db.importFile(path, purpose: "x'); DROP TABLE migstat.batch; --")
            #expect(badPurpose.status == 65, "\(badPurpose)")
            #expect(badPurpose.stderr.contains("not declared"), "\(badPurpose.stderr)")

            let badSource = try db.importFile(path, source: "x'); DROP TABLE migstat.batch; --")
            #expect([64, 65].contains(badSource.status), "an invalid source name is bad input: \(badSource)")
            #expect(badSource.stderr.contains("source"), "\(badSource.stderr)")

            #expect(try db.query("SELECT to_regclass('migstat.batch') IS NOT NULL").bool(0, 0))
            try expectNothingStored(db)
            #expect(try db.int("SELECT count(*) FROM migstat.source") == 0)
        }
    }
}
