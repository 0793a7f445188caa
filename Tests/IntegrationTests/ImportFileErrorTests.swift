import Foundation
import MigstatPQ
import Testing

/// Acceptance 4: problems of the file as a whole refuse it with exit 65, a message naming the file
/// (and the line or column where it applies), and nothing stored — no batch row, no batch table.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportFileErrorTests {
    @Test func unterminatedQuoteRefusesTheFileNamingFileAndLine() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.add("U-1")
            csv.add("U-2")
            // Line 4: person_id opens a quote that is never closed; what follows is inside it.
            csv.addRaw("U-3,\"AC123,2024-03-01,IN,F,30,KGZ,RUS,KG-GB,OCC,9313,SEASONAL,KYRGYZ,REG,NODIS")
            csv.add("U-4")
            csv.add("U-5")
            let path = try db.write("unterminated.csv", csv.text)
            let result = try db.importFile(path, ["--max-rejects", "100%"])
            #expect(result.status == 65, "\(result)")
            #expect(!result.signaled)
            #expect(result.stderr.contains("unterminated.csv:4"), "file and line: \(result.stderr)")
            #expect(result.stderr.contains("quote"), "\(result.stderr)")
            #expect(!result.stdout.contains("committed"))
            try expectNothingStored(db)
        }
    }

    struct HeaderCase: CustomStringConvertible {
        var name: String
        var text: String
        /// Texts the error on stderr must contain (besides the file name).
        var mentions: [String]
        var description: String { name }
    }

    static var headerCases: [HeaderCase] {
        let row = FlowCSV.validRow("H-1")
        func file(_ columns: [String]) -> String {
            var csv = FlowCSV(columns: columns)
            csv.addRecord(row.merging(["comment": "x"]) { $1 })
            return csv.text
        }
        var cases: [HeaderCase] = []
        for required in ["record_id", "event_date", "direction", "sex", "nationality", "migration_status"] {
            cases.append(
                HeaderCase(
                    name: "missing-\(required)", text: file(FlowCSV.standardColumns.filter { $0 != required }),
                    mentions: ["column \"\(required)\"", "missing"]))
        }
        cases += [
            HeaderCase(
                name: "unknown-column", text: file(FlowCSV.standardColumns + ["comment"]),
                mentions: ["column \"comment\"", "unknown"]),
            HeaderCase(
                name: "repeated-column", text: file(FlowCSV.standardColumns + ["SEX"]),
                mentions: ["column \"sex\""]),
            HeaderCase(name: "empty-file", text: "", mentions: ["empty"]),
            HeaderCase(name: "bom-and-blank-lines", text: "\u{FEFF}\n\n", mentions: ["empty"]),
            HeaderCase(
                name: "header-only", text: FlowCSV.standardColumns.joined(separator: ",") + "\n",
                mentions: ["no records"]),
            HeaderCase(
                name: "header-and-blank-lines",
                text: FlowCSV.standardColumns.joined(separator: ",") + "\r\n\r\n\n", mentions: ["no records"]),
        ]
        return cases
    }

    @Test func headerProblemsAndEmptyFilesAreRefusedNamingTheColumn() throws {
        try withTestDatabase { db in
            for item in Self.headerCases {
                let fileName = item.name + ".csv"
                let path = try db.write(fileName, item.text)
                let result = try db.importFile(path, ["--max-rejects", "100%"])
                #expect(result.status == 65, "\(item.name): \(result)")
                #expect(result.stderr.contains(fileName), "\(item.name): \(result.stderr)")
                for text in item.mentions {
                    #expect(result.stderr.contains(text), "\(item.name) should mention \(text): \(result.stderr)")
                }
                #expect(!FileManager.default.fileExists(atPath: path + ".rejects.csv"), "\(item.name)")
                try expectNothingStored(db)
            }
        }
    }

    /// The unknown column of the case above is accepted once it is explicitly ignored.
    @Test func anIgnoredColumnIsAccepted() throws {
        try withTestDatabase { db in
            var csv = FlowCSV(columns: FlowCSV.standardColumns + ["Comment"])
            csv.add("I-1", ["comment": "free text"])
            let path = try db.write("ignored.csv", csv.text)
            let result = try db.importFile(path, ["--ignore-column", "comment"])
            #expect(result.status == 0, "\(result)")
            #expect(try db.storedRecords().map(\.recordID) == ["I-1"])
        }
    }

    @Test func aMissingFileIsRefused() throws {
        try withTestDatabase { db in
            let result = try db.importFile(db.workDir + "/no-such-file.csv")
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains("no-such-file.csv"))
            try expectNothingStored(db)
        }
    }
}
