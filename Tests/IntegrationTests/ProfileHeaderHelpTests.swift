import Foundation
import MigstatCore
import Testing

/// Issue 12, "help for the files that still fail", for canonical files (no profile): every header problem at
/// once, a headerless file reported as such without quoting its first record, a header read with the wrong
/// delimiter gets the delimiter to use. Nothing is stored.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ProfileHeaderHelpTests {
    static var border: String { ProfileImportTests.sampleData + "/border-2024.csv" }

    static func lines() throws -> [String] {
        try String(contentsOfFile: border, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func everyUnknownAndEveryMissingColumnIsReportedAtOnce() throws {
        try withTestDatabase { db in
            var lines = try Self.lines()
            lines[0] = lines[0].replacingOccurrences(of: "direction", with: "Direction of travel")
                .replacingOccurrences(of: "migration_status", with: "status") + ",comment"
            for i in 1..<lines.count { lines[i] += ",x" }
            let path = try db.write("header.csv", lines.joined(separator: "\n") + "\n")
            let result = try db.importFile(path, source: "border")
            #expect(result.status == 65, "\(result)")
            for expected in [
                "header.csv:1: the header has 5 problems:", "column \"direction of travel\": unknown column",
                "column \"status\": unknown column", "column \"comment\": unknown column",
                "column \"direction\": required column is missing", "column \"migration_status\": required column is missing",
            ] {
                #expect(result.stderr.contains(expected), "\(expected)\n\(result)")
            }
            try expectNothingStored(db)
        }
    }

    @Test func aHeaderlessFileIsReportedWithoutQuotingItsFirstRecord() throws {
        try withTestDatabase { db in
            // person_id first, as a source might send it: the first line's values must not be echoed.
            let lines = try Self.lines().dropFirst().map { line -> String in
                var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                fields.swapAt(0, 1)
                return fields.joined(separator: ",")
            }
            let first = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let path = try db.write("headerless.csv", lines.joined(separator: "\n") + "\n")
            let result = try db.importFile(path, source: "border")
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains("headerless.csv:1: the first line has none of the canonical columns (15 fields): is the header row missing"),
                    "\(result)")
            for value in first where value.count >= 5 {  // the person_id, record_id, date, ... (not "IN", a word of any message)
                #expect(!result.stderr.lowercased().contains(value.lowercased()), "\(value) echoed: \(result)")
                #expect(!result.stdout.lowercased().contains(value.lowercased()))
            }
            try expectNothingStored(db)
        }
    }

    @Test func aHeaderReadWithTheWrongDelimiterNamesTheRightOne() throws {
        try withTestDatabase { db in
            let text = try Self.lines().map { $0.replacingOccurrences(of: ",", with: ";") }.joined(separator: "\n") + "\n"
            let path = try db.write("semicolons.csv", text)
            let result = try db.importFile(path, source: "border")
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains("The line splits on ';': did you mean --delimiter ';'?"), "\(result)")
            try expectNothingStored(db)
            // With it, the same file imports.
            let fixed = try db.importFile(path, source: "border", ["--delimiter", ";"])
            #expect(fixed.status == 0, "\(fixed)")
        }
    }
}
