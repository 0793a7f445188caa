import Foundation
import MigstatPQ
import Testing

/// Acceptance 6: strict by default; `--max-rejects N` and `P%`; the summary's accounting;
/// `--dry-run`.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportRejectLimitTests {
    /// `count` valid rows with bad values at the given lines (header = line 1).
    static func file(rows count: Int, badLines: Set<Int>, prefix: String = "L") -> FlowCSV {
        var csv = FlowCSV()
        for index in 1...count {
            csv.add("\(prefix)-\(index)", badLines.contains(index + 1) ? ["sex": "X"] : [:])
        }
        return csv
    }

    static func expectAccounting(
        _ summary: ImportSummaryJSON, rows: Int, rejected: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(summary.rows == rows, sourceLocation: sourceLocation)
        #expect(summary.rejected == rejected, sourceLocation: sourceLocation)
        #expect(summary.accepted + summary.rejected == summary.rows, sourceLocation: sourceLocation)
    }

    @Test func strictRefusesABatchWithOneBadRowAndWritesTheRejectsFile() throws {
        try withTestDatabase { db in
            let path = try db.write("strict.csv", Self.file(rows: 10, badLines: [6]).text)
            for extra in [[], ["--max-rejects", "0"], ["--max-rejects", "0%"]] {
                try? FileManager.default.removeItem(atPath: path + ".rejects.csv")
                let result = try db.importFile(path, extra)
                #expect(result.status == 65, "\(extra): \(result)")
                let summary = try result.summary()
                #expect(summary.outcome == "rolled back")
                #expect(summary.batch == nil)
                Self.expectAccounting(summary, rows: 10, rejected: 1)
                #expect(result.stderr.contains("1 of 10 rows rejected"), "\(result.stderr)")
                #expect(result.stderr.contains("nothing was imported"))
                #expect(try readRejects(path + ".rejects.csv") == [RejectEntry(6, "sex", Reason.notInCodeList)])
                try expectNothingStored(db)
            }
            // --rejects puts the file elsewhere.
            let elsewhere = db.workDir + "/elsewhere.csv"
            let moved = try db.importFile(path, ["--rejects", elsewhere])
            #expect(moved.status == 65)
            #expect(try moved.summary().rejectsFile == elsewhere)
            #expect(try readRejects(elsewhere) == [RejectEntry(6, "sex", Reason.notInCodeList)])
        }
    }

    @Test func maxRejectsCountCommitsTheValidRows() throws {
        try withTestDatabase { db in
            let path = try db.write("count.csv", Self.file(rows: 10, badLines: [6]).text)
            let result = try db.importFile(path, ["--max-rejects", "1"])
            #expect(result.status == 0, "\(result)")
            let summary = try result.summary()
            #expect(summary.outcome == "committed")
            Self.expectAccounting(summary, rows: 10, rejected: 1)
            #expect(summary.accepted == 9)
            let batch = try #require(summary.batch)
            #expect(try readRejects(path + ".rejects.csv") == [RejectEntry(6, "sex", Reason.notInCodeList)])

            let rows = try db.batches()
            #expect(rows.count == 1)
            #expect(rows.first?.id == batch)
            #expect(rows.first?.status == "loaded")
            #expect(rows.first?.rowsRead == 10)
            #expect(rows.first?.accepted == 9)
            #expect(rows.first?.rejected == 1)
            #expect(rows.first?.importedBy == db.loader)
            let stored = try db.storedRecords()
            #expect(stored.count == 9)
            #expect(!stored.contains { $0.line == 6 })
            #expect(try db.batchTables() == ["batch_\(batch)"])
            #expect(try db.auditActions().filter { $0.action == "batch.import" }.map(\.batch) == [batch])
        }
    }

    @Test func twoBadRowsAreOverALimitOfOne() throws {
        try withTestDatabase { db in
            let path = try db.write("two.csv", Self.file(rows: 10, badLines: [3, 9]).text)
            let result = try db.importFile(path, ["--max-rejects", "1"])
            #expect(result.status == 65, "\(result)")
            Self.expectAccounting(try result.summary(), rows: 10, rejected: 2)
            #expect(
                try readRejects(path + ".rejects.csv") == [
                    RejectEntry(3, "sex", Reason.notInCodeList),
                    RejectEntry(9, "sex", Reason.notInCodeList),
                ])
            try expectNothingStored(db)
        }
    }

    @Test func maxRejectsPercentOfTheRowsRead() throws {
        try withTestDatabase { db in
            // 2 of 20 rows rejected = 10 %.
            let path = try db.write("percent.csv", Self.file(rows: 20, badLines: [5, 15]).text)
            let under = try db.importFile(path, ["--max-rejects", "9.5%"])
            #expect(under.status == 65, "\(under)")
            Self.expectAccounting(try under.summary(), rows: 20, rejected: 2)
            try expectNothingStored(db)

            let exact = try db.importFile(path, ["--max-rejects", "10%"])
            #expect(exact.status == 0, "\(exact)")
            let summary = try exact.summary()
            #expect(summary.outcome == "committed")
            Self.expectAccounting(summary, rows: 20, rejected: 2)
            #expect(summary.accepted == 18)
            #expect(try db.batches().first?.accepted == 18)
            #expect(try db.recordCount() == 18)
        }
    }

    /// Rows the database rejects (duplicates) count against the limit like the others.
    @Test func databaseRejectsCountAgainstTheLimit() throws {
        try withTestDatabase { db in
            var csv = Self.file(rows: 9, badLines: [])
            csv.add("L-2")  // line 11 repeats line 3's record_id
            let path = try db.write("dup.csv", csv.text)
            let strict = try db.importFile(path)
            #expect(strict.status == 65, "\(strict)")
            Self.expectAccounting(try strict.summary(), rows: 10, rejected: 1)
            #expect(try readRejects(path + ".rejects.csv") == [RejectEntry(11, "record_id", Reason.duplicateInBatch)])
            try expectNothingStored(db)

            let lenient = try db.importFile(path, ["--max-rejects", "1"])
            #expect(lenient.status == 0, "\(lenient)")
            let summary = try lenient.summary()
            Self.expectAccounting(summary, rows: 10, rejected: 1)
            #expect(summary.accepted == 9)
            let batch = try #require(try db.batches().first)
            #expect(batch.rowsRead == 10 && batch.accepted == 9 && batch.rejected == 1)
            #expect(try db.storedRecords().map(\.line) == Array(2...10))
        }
    }

    @Test func dryRunStoresNothingAndReports() throws {
        try withTestDatabase { db in
            let path = try db.write("dry.csv", Self.file(rows: 10, badLines: []).text)
            let dry = try db.importFile(path, ["--dry-run"])
            #expect(dry.status == 0, "\(dry)")
            let summary = try dry.summary()
            #expect(summary.outcome == "dry run")
            Self.expectAccounting(summary, rows: 10, rejected: 0)
            #expect(summary.accepted == 10)
            try expectNothingStored(db)
            #expect(try db.auditActions().filter { $0.action == "batch.import" }.isEmpty)

            // With a bad row and a limit that allows it: reported, rejects written, still nothing stored.
            let badPath = try db.write("dry-bad.csv", Self.file(rows: 10, badLines: [4], prefix: "M").text)
            let dryBad = try db.importFile(badPath, ["--dry-run", "--max-rejects", "1"])
            #expect(dryBad.status == 0, "\(dryBad)")
            let badSummary = try dryBad.summary()
            #expect(badSummary.outcome == "dry run")
            Self.expectAccounting(badSummary, rows: 10, rejected: 1)
            #expect(try readRejects(badPath + ".rejects.csv") == [RejectEntry(4, "sex", Reason.notInCodeList)])
            try expectNothingStored(db)

            // The dry run did not register the file: the real import goes through.
            let real = try db.importFile(path)
            #expect(real.status == 0, "\(real)")
            #expect(try real.summary().outcome == "committed")
            #expect(try db.recordCount() == 10)
        }
    }

    /// Known product bug (see the report): a dry run of a batch the real import would refuse exits 0
    /// (ImportCommand skips the error when --dry-run is given), so `--dry-run` cannot serve as a
    /// pre-check. It must exit 65 like the import, with the same summary and rejects file.
    @Test func aDryRunOverTheLimitExitsLikeTheImportWould() throws {
        try withTestDatabase { db in
            let path = try db.write("dry-refused.csv", Self.file(rows: 10, badLines: [4]).text)
            let dry = try db.importFile(path, ["--dry-run"])
            #expect(dry.status == 65, "a dry run over the limit must fail like the import would: \(dry)")
            let summary = try dry.summary()
            #expect(summary.outcome == "rolled back")
            Self.expectAccounting(summary, rows: 10, rejected: 1)
            #expect(try readRejects(path + ".rejects.csv") == [RejectEntry(4, "sex", Reason.notInCodeList)])
            try expectNothingStored(db)
        }
    }
}
