import Foundation
import MigstatCore
import MigstatPQ
import Testing

/// Issue 12: batches in the layouts sources really send, imported through mapping profiles, store exactly what
/// their canonical twins store; profile and file problems name the line, the source column and the profile entry;
/// nothing is stored then; no record value is echoed.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ProfileImportTests {
    static var sampleData: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleData").path
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Stored records of a batch, without the batch number (to compare two batches).
    static func records(_ db: TestDatabase, batch: Int) throws -> [String] {
        try db.storedRecords(batch: batch).map { record in
            "\(record.line) \(record.recordID) "
                + record.values.keys.sorted().map { "\($0)=\(record.values[$0]!.map { "'\($0)'" } ?? "NULL")" }
                .joined(separator: " ")
        }
    }

    /// `migstat profile check PROFILE FILE` (no database, so no --dsn).
    static func profileCheck(_ profile: String, _ file: String, in db: TestDatabase) throws -> CommandResult {
        try CommandRunner.run(try TestPaths.migstatBinary(), ["profile", "check", profile, file], directory: db.workDir)
    }

    func throughProfileEqualsCanonical(file: String, profile: String, rows: Int) throws {
        try withTestDatabase { db in
            let canonical = try db.importFile(Self.sampleData + "/canonical/" + file, source: "twin")
            #expect(canonical.status == 0, "\(canonical)")
            let raw = try db.write(file, bytes: try Self.bytes(Self.sampleData + "/" + file))
            let mapped = try db.importFile(raw, source: "mapped", ["--profile", Self.sampleData + "/profiles/" + profile])
            #expect(mapped.status == 0, "\(mapped)")
            let a = try canonical.summary(), b = try mapped.summary()
            #expect(a.accepted == rows && b.accepted == rows && b.rejected == 0)
            let twin = try Self.records(db, batch: try #require(a.batch))
            let through = try Self.records(db, batch: try #require(b.batch))
            #expect(twin.count == rows)
            #expect(through == twin)
            // Coverage's "sent" columns: the profile's fields (all found in this file), in canonical order,
            // not every canonical column as the twin's header has them.
            let fields = try MappingProfile.load(path: Self.sampleData + "/profiles/" + profile).fields.map(\.target.column)
            let expected = CanonicalColumn.allCases.filter { fields.contains($0) }.map(\.rawValue)
            let recorded = try db.query("SELECT array_to_string(columns, ',') FROM migstat.batch WHERE id = $1",
                                        [String(try #require(b.batch))])
            #expect(try recorded.string(0, 0) == expected.joined(separator: ","))
            #expect(expected.count < CanonicalColumn.allCases.count)
            // person_id was pseudonymised in Swift: no clear passport number in the database.
            #expect(try db.int("SELECT count(*) FROM migstat.records WHERE record_id LIKE 'AN%'") == 0)
        }
    }

    @Test func borderExportThroughItsProfileStoresWhatItsCanonicalTwinStores() throws {
        try throughProfileEqualsCanonical(file: "border-export-2024.csv", profile: "border-export.yaml", rows: 400)
    }

    @Test func surveyThroughItsProfileStoresWhatItsCanonicalTwinStores() throws {
        try throughProfileEqualsCanonical(file: "survey-2024.csv", profile: "survey.yaml", rows: 300)
    }

    static func survey(replacing old: String, with new: String, onLine line: Int) throws -> String {
        var lines = try String(contentsOfFile: sampleData + "/survey-2024.csv", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = line - 1
        #expect(lines[index].contains(old))
        lines[index] = lines[index].replacingOccurrences(of: old, with: new)
        return lines.joined(separator: "\n")
    }

    @Test func anUntranslatedCodeNamesLineSourceColumnAndProfileEntryAndNothingIsStored() throws {
        try withTestDatabase { db in
            let text = try Self.survey(replacing: ",MALE,", with: ",Homme-Zq,", onLine: 3)
            let path = try db.write("survey.csv", text)
            let result = try db.importFile(path, source: "survey", ["--profile", Self.sampleData + "/profiles/survey.yaml"])
            #expect(result.status == 65, "\(result)")
            let rejects = try String(contentsOfFile: path + ".rejects.csv", encoding: .utf8)
            #expect(rejects.contains("3,Gender,source code has no translation in the profile's x-codes (sex; profile schema.fields[3] (sex))"), "\(rejects)")
            let summary = try result.summary()
            #expect(summary.rejected == 1 && summary.outcome == "rolled back")
            #expect(result.stdout.contains("\"reject_groups\": [{\"column\": \"Gender\""), "\(result)")
            #expect(result.stdout.contains("x-codes of"), "the hint says how to fix it")
            for output in [result.stdout, result.stderr, rejects] { #expect(!output.contains("Homme-Zq")) }
            try expectNothingStored(db)
            // profile check lists the value with its count (it is the file's holder who runs it, no database).
            let check = try Self.profileCheck(Self.sampleData + "/profiles/survey.yaml", path, in: db)
            #expect(check.status == 65, "\(check)")
            #expect(check.stdout.contains("\"Homme-Zq\": 1 row"), "\(check)")
        }
    }

    @Test func aDateInTheWrongFormatNamesTheFormatAndItsEntry() throws {
        try withTestDatabase { db in
            let text = try Self.survey(replacing: "04/04/2024", with: "2024-04-04", onLine: 3)
            let path = try db.write("survey.csv", text)
            let result = try db.importFile(path, source: "survey", ["--profile", Self.sampleData + "/profiles/survey.yaml"])
            #expect(result.status == 65, "\(result)")
            let rejects = try String(contentsOfFile: path + ".rejects.csv", encoding: .utf8)
            #expect(rejects.contains("3,Arrival date,\"not a real calendar date in the format \"\"%m/%d/%Y\"\" (event_date; profile schema.fields[1] (event_date))\""), "\(rejects)")
            #expect(result.stdout.contains("format is"), "\(result)")
            try expectNothingStored(db)
            // --max-rejects lets the rest commit, as for a canonical file.
            let lenient = try db.importFile(path, source: "survey", ["--profile", Self.sampleData + "/profiles/survey.yaml", "--max-rejects", "1"])
            #expect(lenient.status == 0, "\(lenient)")
            #expect(try lenient.summary().accepted == 299)
            // Idempotent: the same file again is refused.
            let again = try db.importFile(path, source: "survey", ["--profile", Self.sampleData + "/profiles/survey.yaml", "--max-rejects", "1"])
            #expect(again.status == 65, "\(again)")
            #expect(try db.recordCount() == 299)
        }
    }

    @Test func aProfileNamingAColumnTheFileLacksFailsBeforeAnythingIsWritten() throws {
        try withTestDatabase { db in
            let text = try String(contentsOfFile: Self.sampleData + "/survey-2024.csv", encoding: .utf8)
                .replacingOccurrences(of: "Legal status", with: "Status")
            let path = try db.write("survey.csv", text)
            let result = try db.importFile(path, source: "survey", ["--profile", Self.sampleData + "/profiles/survey.yaml"])
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains("schema.fields[10] (migration_status) names the column \"Legal status\" (x-source), which the file's header lacks"), "\(result)")
            #expect(result.stderr.contains("survey.csv:1"), "\(result)")
            try expectNothingStored(db)
            #expect(try db.batches().isEmpty)
        }
    }

    @Test func aHeaderlessFileIsReportedAsSuchWithoutQuotingIt() throws {
        try withTestDatabase { db in
            let text = try String(contentsOfFile: Self.sampleData + "/survey-2024.csv", encoding: .utf8)
                .split(separator: "\n").dropFirst().joined(separator: "\n")
            let path = try db.write("survey.csv", text)
            let result = try db.importFile(path, source: "survey", ["--profile", Self.sampleData + "/profiles/survey.yaml"])
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains("is the header row missing"), "\(result)")
            #expect(!result.stderr.contains("S24-0001") && !result.stderr.contains("A. Usenova"), "\(result)")
            try expectNothingStored(db)
        }
    }

    @Test func aMalformedProfileNamesEveryEntryAtFaultWithItsLine() throws {
        try withTestDatabase { db in
            let profile = try db.write("bad.yaml", """
                name: bad
                path: x.csv
                dialect:
                  delimiter: "|"
                schema:
                  fields:
                    - name: record_id
                      x-source: Respondent ID
                    - name: event_date
                      type: date
                      format: "%d.%m.%y"
                    - name: gender
                      x-code: {male: M}
                    - name: sex
                      x-codes: {male: M, MALE: F}
                """)
            let path = try db.write("survey.csv", try String(contentsOfFile: Self.sampleData + "/survey-2024.csv", encoding: .utf8))
            let result = try db.importFile(path, source: "survey", ["--profile", profile])
            #expect(result.status == 65, "\(result)")
            for expected in [
                "line 4: dialect.delimiter: must be", "line 11: schema.fields[1] (event_date).format: %y",
                "schema.fields[2] (gender).x-code", "schema.fields[2] (gender).name: not a canonical column",
                "line 15: schema.fields[3] (sex).x-codes: the source code \"MALE\" appears twice",
                "no field fills the required column direction",
            ] {
                #expect(result.stderr.contains(expected), "\(expected)\n\(result)")
            }
            try expectNothingStored(db)
            let check = try Self.profileCheck(profile, path, in: db)
            #expect(check.status == 65 && check.stdout.contains("dialect.delimiter"), "\(check)")
        }
    }

    @Test func anXCodesTargetOutsideTheCodeListIsAProfileError() throws {
        try withTestDatabase { db in
            let text = try String(contentsOfFile: Self.sampleData + "/profiles/survey.yaml", encoding: .utf8)
                .replacingOccurrences(of: "Protection: ASY", with: "Protection: ASYLUM")
            let profile = try db.write("survey.yaml", text)
            let path = try db.write("survey.csv", try String(contentsOfFile: Self.sampleData + "/survey-2024.csv", encoding: .utf8))
            let result = try db.importFile(path, source: "survey", ["--profile", profile])
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains("schema.fields[7] (reason).x-codes: \"Protection\" maps to \"ASYLUM\", which is not in the code list reason"), "\(result)")
            try expectNothingStored(db)
        }
    }
}
