import Foundation
import MigstatPQ
import Testing

/// Acceptance 5: a file is stored once while its data is live; record_ids are unique within a source.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportDuplicateTests {
    static func batchFile(_ ids: [String], changing overrides: [String: [String: String]] = [:]) -> FlowCSV {
        var csv = FlowCSV()
        for id in ids { csv.add(id, overrides[id] ?? [:]) }
        return csv
    }

    @Test func theSameFileIsRefusedUnderAnyNameWithTheEarlierBatchNumber() throws {
        try withTestDatabase { db in
            let text = Self.batchFile((1...5).map { "R-\($0)" }).text
            let path = try db.write("border-2024.csv", text)
            let first = try db.importFile(path)
            #expect(first.status == 0, "\(first)")
            let batch = try #require(try first.summary().batch)

            let again = try db.importFile(path)
            #expect(again.status == 65, "\(again)")
            #expect(again.stderr.contains("already imported as batch \(batch)"), "\(again.stderr)")

            let copy = try db.write("copy-of-border.csv", text)
            let renamed = try db.importFile(copy)
            #expect(renamed.status == 65, "\(renamed)")
            #expect(renamed.stderr.contains("already imported as batch \(batch)"), "\(renamed.stderr)")

            // The content decides, whatever the source named on the command line.
            let otherSource = try db.importFile(copy, source: "consulate")
            #expect(otherSource.status == 65, "\(otherSource)")
            #expect(otherSource.stderr.contains("batch \(batch)"), "\(otherSource.stderr)")

            let batches = try db.batches()
            #expect(batches.count == 1)
            #expect(batches.first?.fileName == "border-2024.csv")
            #expect(try db.recordCount() == 5)
            #expect(try db.batchTables() == ["batch_\(batch)"])
        }
    }

    @Test func recordsAlreadyStoredForTheSourceAreRejectedAndAcceptedForAnotherSource() throws {
        try withTestDatabase { db in
            let ids = (1...5).map { "R-\($0)" }
            let first = try db.importFile(try db.write("a.csv", Self.batchFile(ids).text))
            #expect(first.status == 0, "\(first)")

            // The same records in a different file: one record_id changed (line 4), one age changed (line 2).
            var changed = ids
            changed[2] = "R-33"
            let b = Self.batchFile(changed, changing: ["R-1": ["age": "31"]])
            let bPath = try db.write("b.csv", b.text)
            let strict = try db.importFile(bPath)
            #expect(strict.status == 65, "\(strict)")
            let expected = [2, 3, 5, 6].map { RejectEntry($0, "record_id", Reason.alreadyStored) }
            #expect(try readRejects(bPath + ".rejects.csv") == expected)
            let strictSummary = try strict.summary()
            #expect(strictSummary.rows == 5 && strictSummary.rejected == 4 && strictSummary.batch == nil)
            #expect(try db.batches().count == 1)
            #expect(try db.recordCount() == 5)

            let lenient = try db.importFile(bPath, ["--max-rejects", "4"])
            #expect(lenient.status == 0, "\(lenient)")
            let summary = try lenient.summary()
            #expect(summary.accepted == 1 && summary.rejected == 4 && summary.rows == 5)
            #expect(try readRejects(bPath + ".rejects.csv") == expected)
            let second = try #require(summary.batch)
            #expect(try db.storedRecords(batch: second).map(\.recordID) == ["R-33"])

            // The same records from another source are not duplicates.
            var c = b
            c.add("R-6")
            let other = try db.importFile(try db.write("c.csv", c.text), source: "consulate")
            #expect(other.status == 0, "\(other)")
            let otherSummary = try other.summary()
            #expect(otherSummary.accepted == 6 && otherSummary.rejected == 0)

            let sources = try db.query(
                """
                SELECT s.name, count(*) FROM migstat.records r JOIN migstat.source s ON s.id = r.source_id
                 GROUP BY s.name ORDER BY s.name
                """)
            #expect(sources.rowCount == 2)
            #expect(sources[0, 0] == "border" && sources[0, 1] == "6")
            #expect(sources[1, 0] == "consulate" && sources[1, 1] == "6")
        }
    }

    /// Uniqueness is per compartment (source within purpose): the same source's record in another
    /// purpose is not "already stored" there (issue 14: one purpose can neither block nor probe another's).
    @Test func recordsOfTheSameSourceInAnotherPurposeAreNotDuplicates() throws {
        try withTestDatabase(purposes: ["flows", "survey"]) { db in
            var csv = FlowCSV()
            csv.add("P-1")
            csv.add("P-2")
            #expect(try db.importFile(try db.write("p1.csv", csv.text)).status == 0)
            csv.add("P-3")
            let path = try db.write("p2.csv", csv.text)
            let other = try db.importFile(path, purpose: "survey")
            #expect(other.status == 0, "\(other)")
            let summary = try other.summary()
            #expect(summary.accepted == 3 && summary.rejected == 0)
            // Within the second purpose, the same records are duplicates again.
            csv.add("P-4")
            let again = try db.importFile(try db.write("p3.csv", csv.text), purpose: "survey", ["--max-rejects", "3"])
            #expect(again.status == 0, "\(again)")
            #expect(try again.summary().accepted == 1)
            #expect(try db.batches().count == 3)
            #expect(try db.recordCount() == 2 + 3 + 1)
        }
    }

    /// record_ids with a quote or backslash that Swift joins with a combining mark into one Character
    /// (the candidates go to the database as a text[] literal, which must escape them).
    @Test func duplicatesWithQuotesBackslashesAndCombiningMarksAreFound() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            let ids = ["X\\\u{301}1", "Y\"\u{301}2", "Z\u{600}\"3", "plain"]
            for id in ids { csv.add(id) }
            for id in ids { csv.add(id, ["sex": "M"]) }
            let path = try db.write("marks.csv", csv.text)
            let result = try db.importFile(path, ["--max-rejects", "4"])
            #expect(result.status == 0, "\(result)")
            #expect(try readRejects(path + ".rejects.csv") == (6...9).map { RejectEntry($0, "record_id", Reason.duplicateInBatch) })
            let stored = try db.storedRecords()
            #expect(stored.map { Array($0.recordID.unicodeScalars) } == ids.map { Array($0.unicodeScalars) })
            #expect(stored.allSatisfy { $0["sex"] == "F" })
        }
    }

    @Test func aRecordIDRepeatedWithinTheBatchIsRejectedAtItsSecondLine() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.add("D-1")
            csv.add("D-2")
            csv.add("D-1", ["sex": "M"])
            csv.add(" D-2 ")  // the same after trimming
            csv.add("d-1")  // record_ids are case-sensitive
            let path = try db.write("dups.csv", csv.text)
            let strict = try db.importFile(path)
            #expect(strict.status == 65, "\(strict)")
            let expected = [
                RejectEntry(4, "record_id", Reason.duplicateInBatch),
                RejectEntry(5, "record_id", Reason.duplicateInBatch),
            ]
            #expect(try readRejects(path + ".rejects.csv") == expected)
            try expectNothingStored(db)

            let lenient = try db.importFile(path, ["--max-rejects", "2"])
            #expect(lenient.status == 0, "\(lenient)")
            #expect(try readRejects(path + ".rejects.csv") == expected)
            let stored = try db.storedRecords()
            #expect(stored.map(\.recordID) == ["D-1", "D-2", "d-1"])
            #expect(stored.map(\.line) == [2, 3, 6])
            #expect(stored.first?["sex"] == "F")
        }
    }
}
