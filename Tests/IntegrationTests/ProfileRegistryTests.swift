import Crypto
import Foundation
import MigstatCore
import MigstatPQ
import Testing

/// Issue 12: mapping profiles registered in the database (`migstat profile add SOURCE PATH`, `profile list`,
/// `profile show SOURCE`) and imports of a source's files through its registered profile. Registration is for
/// administrators only, checked before anything is stored, audited, versioned; the batch records the SHA-256 of
/// the profile it was read through; every guarantee of an import through `--profile` holds.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ProfileRegistryTests {
    static var sampleData: String { ProfileImportTests.sampleData }
    static var borderProfile: String { sampleData + "/profiles/border-export.yaml" }
    static var surveyProfile: String { sampleData + "/profiles/survey.yaml" }

    /// SHA-256 of a file's bytes, hex.
    static func sha256(ofFile path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    /// The profile fields of an import's `--json` summary.
    struct ProfileSummary: Decodable {
        var profile: String?
        var profileSHA256: String?
        enum CodingKeys: String, CodingKey {
            case profile
            case profileSHA256 = "profile_sha256"
        }
    }

    static func profileSummary(_ result: CommandResult) throws -> ProfileSummary {
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("{") }, "\(result)")
        return try JSONDecoder().decode(ProfileSummary.self, from: Data(line.utf8))
    }

    /// `profile.add` audit entries: (actor, source, version, sha256).
    static func profileAudit(_ db: TestDatabase) throws -> [String] {
        let result = try db.query("""
            SELECT actor || ' ' || (details->>'source') || ' ' || (details->>'version') || ' ' || (details->>'sha256')
              FROM migstat.audit_log WHERE action = 'profile.add' ORDER BY seq
            """)
        return (0..<result.rowCount).compactMap { result[$0, 0] }
    }

    @Test func addListShowAndImportThroughTheRegisteredProfile() throws {
        try withTestDatabase { db in
            let sha = try Self.sha256(ofFile: Self.borderProfile)
            let add = try db.run(["profile", "add", "border-svc", Self.borderProfile, "--format", "csv"], as: db.admin)
            #expect(add.status == 0, "\(add)")
            #expect(add.stdout.contains("border-svc,1,\(sha),\(db.admin),"), "\(add)")
            #expect(try Self.profileAudit(db) == ["\(db.admin) border-svc 1 \(sha)"])
            // Stored as given, with the database's own SHA-256 of the text.
            #expect(try db.int("SELECT count(*) FROM migstat.profile WHERE sha256 = $1", [sha]) == 1)

            // Loaders and auditors read them.
            for user in [db.loader, db.auditor] {
                let list = try db.run(["profile", "list", "--format", "csv"], as: user)
                #expect(list.status == 0, "\(list)")
                #expect(list.stdout.contains("border-svc,1,t,1,\(sha),"), "\(list)")
            }
            let show = try db.run(["profile", "show", "border-svc"], as: db.loader)
            #expect(show.status == 0, "\(show)")
            #expect(show.stdout == (try String(contentsOfFile: Self.borderProfile, encoding: .utf8)), "byte for byte")
            #expect(show.stderr.contains("version 1 of 1 (current), sha256 \(sha)"), "\(show)")

            // The canonical twin (another source: the canonical layout), then the border export by source only.
            let twin = try db.importFile(Self.sampleData + "/canonical/border-export-2024.csv", source: "twin")
            #expect(twin.status == 0, "\(twin)")
            let raw = try db.write("border-export-2024.csv", bytes: try ProfileImportTests.bytes(Self.sampleData + "/border-export-2024.csv"))
            let mapped = try db.importFile(raw, source: "border-svc")
            #expect(mapped.status == 0, "\(mapped)")
            let summary = try Self.profileSummary(mapped)
            #expect(summary.profile == "registered for source border-svc (version 1)", "\(mapped)")
            #expect(summary.profileSHA256 == sha)
            let a = try twin.summary(), b = try mapped.summary()
            #expect(b.accepted == 400 && b.rejected == 0)
            #expect(try ProfileImportTests.records(db, batch: try #require(b.batch))
                    == ProfileImportTests.records(db, batch: try #require(a.batch)))
            // The batch records the profile it was read through; the canonical one none.
            #expect(try db.query("SELECT profile_sha256 FROM migstat.batch WHERE id = $1", [String(b.batch!)])[0, 0] == sha)
            #expect(try db.query("SELECT profile_sha256 FROM migstat.batch WHERE id = $1", [String(a.batch!)])[0, 0] == nil)
            #expect(try db.query("SELECT profile_sha256 FROM migstat.batches WHERE id = $1", [String(b.batch!)])[0, 0] == sha)

        }
    }

    @Test func reAddingReplacesOnlyWithReplaceAndKeepsTheHistory() throws {
        try withTestDatabase { db in
            let first = try Self.sha256(ofFile: Self.surveyProfile)
            try db.mustSucceed(["profile", "add", "survey", Self.surveyProfile], as: db.admin)
            // The same text again: nothing changes.
            let same = try db.run(["profile", "add", "survey", Self.surveyProfile], as: db.admin)
            #expect(same.status == 0 && same.stderr.contains("unchanged: version 1"), "\(same)")
            // Another text without --replace: refused, saying how; nothing registered.
            let edited = try String(contentsOfFile: Self.surveyProfile, encoding: .utf8)
                .replacingOccurrences(of: "title:", with: "description: second version\ntitle:")
            let second = try db.write("survey-v2.yaml", edited)
            let refused = try db.run(["profile", "add", "survey", second], as: db.admin)
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("source \"survey\" has a profile already (version 1") && refused.stderr.contains("--replace"),
                    "\(refused)")
            #expect(try db.int("SELECT count(*) FROM migstat.profile") == 1)
            // With --replace: version 2, version 1 kept.
            let replaced = try db.run(["profile", "add", "survey", second, "--replace"], as: db.admin)
            #expect(replaced.status == 0 && replaced.stderr.contains("version 1 stays in the history"), "\(replaced)")
            let secondSHA = try Self.sha256(ofFile: second)
            #expect(try Self.profileAudit(db) == ["\(db.admin) survey 1 \(first)", "\(db.admin) survey 2 \(secondSHA)"])
            let history = try db.run(["profile", "show", "survey", "--history", "--format", "csv"], as: db.loader)
            #expect(history.status == 0, "\(history)")
            #expect(history.stdout.contains("survey,2,t,2,\(secondSHA),") && history.stdout.contains("survey,1,f,2,\(first),"),
                    "\(history)")
            let old = try db.run(["profile", "show", "survey", "--version", "1"], as: db.loader)
            #expect(old.stdout == (try String(contentsOfFile: Self.surveyProfile, encoding: .utf8)) && old.stderr.contains("(replaced)"),
                    "\(old)")
            #expect(try db.run(["profile", "show", "survey"], as: db.loader).stdout == edited)
            // A source without a profile, a version that does not exist: named, exit 65.
            let none = try db.run(["profile", "show", "nobody-sends-this"], as: db.loader)
            #expect(none.status == 65 && none.stderr.contains("no profile is registered for source nobody-sends-this"), "\(none)")
            let missing = try db.run(["profile", "show", "survey", "--version", "7"], as: db.loader)
            #expect(missing.status == 65 && missing.stderr.contains("has no profile version 7"), "\(missing)")
            // Imports use the current version, and record its SHA-256.
            let raw = try db.write("survey-2024.csv", try String(contentsOfFile: Self.sampleData + "/survey-2024.csv", encoding: .utf8))
            let imported = try db.importFile(raw, source: "survey")
            #expect(imported.status == 0, "\(imported)")
            #expect(try Self.profileSummary(imported).profileSHA256 == secondSHA)
            #expect(try db.query("SELECT profile_sha256 FROM migstat.batch")[0, 0] == secondSHA)
        }
    }

    @Test func anUntranslatedCodeThroughARegisteredProfileNamesLineColumnAndEntryAndStoresNothing() throws {
        try withTestDatabase { db in
            try db.mustSucceed(["profile", "add", "survey", Self.surveyProfile], as: db.admin)
            let text = try ProfileImportTests.survey(replacing: ",MALE,", with: ",Homme-Zq,", onLine: 3)
            let path = try db.write("survey.csv", text)
            let result = try db.importFile(path, source: "survey")
            #expect(result.status == 65, "\(result)")
            let rejects = try String(contentsOfFile: path + ".rejects.csv", encoding: .utf8)
            #expect(rejects.contains("3,Gender,source code has no translation in the profile's x-codes (sex; profile schema.fields[3] (sex))"),
                    "\(rejects)")
            let summary = try result.summary()
            #expect(summary.rejected == 1 && summary.outcome == "rolled back")
            #expect(try Self.profileSummary(result).profile == "registered for source survey (version 1)")
            for output in [result.stdout, result.stderr, rejects] { #expect(!output.contains("Homme-Zq")) }
            try expectNothingStored(db)
            // The text summary names the registered profile and its SHA-256.
            let sha = try Self.sha256(ofFile: Self.surveyProfile)
            let plain = try db.run(["import", path, "--source", "survey", "--purpose", db.purpose], as: db.loader)
            #expect(plain.status == 65 && plain.stdout.contains("profile registered for source survey (version 1) (sha256 \(sha))"), "\(plain)")
            try expectNothingStored(db)
        }
    }

    @Test func aNonAdministratorCannotRegisterAndIsToldWhichRoleIsMissing() throws {
        try withTestDatabase { db in
            for user in [db.loader, db.auditor, db.outsider] {
                let result = try db.run(["profile", "add", "survey", Self.surveyProfile], as: user)
                #expect(result.status == 77, "\(result)")
                #expect(result.stderr.contains("permission denied: \(user) is not a member of migstat_admin"), "\(result)")
            }
            // Not even through SQL: EXECUTE is the administrators' only.
            let loader = try PQConnection(conninfo: db.server.conninfo(database: db.name, user: db.loader))
            #expect(throws: PQError.self) {
                try loader.execute(sql: "SELECT * FROM migstat.profile_add('survey', 'name: forged', true)")
            }
            #expect(throws: PQError.self) {
                try loader.execute(sql: "INSERT INTO migstat.profile (source_id, version, profile, sha256) SELECT id, 1, 'x', encode(sha256('x'), 'hex') FROM migstat.source LIMIT 1")
            }
            #expect(try db.int("SELECT count(*) FROM migstat.profile") == 0)
            #expect(try Self.profileAudit(db).isEmpty)
        }
    }

    @Test func aProfileWithProblemsIsNotRegisteredAndEveryProblemIsNamed() throws {
        try withTestDatabase { db in
            let bad = try db.write("bad.yaml", """
                name: bad
                dialect:
                  delimiter: "|"
                schema:
                  fields:
                    - name: record_id
                    - name: gender
                      x-codes: {male: M}
                """)
            let result = try db.run(["profile", "add", "survey", bad], as: db.admin)
            #expect(result.status == 65, "\(result)")
            for expected in ["line 3: dialect.delimiter: must be", "schema.fields[1] (gender).name: not a canonical column",
                             "no field fills the required column direction"] {
                #expect(result.stderr.contains(expected), "\(expected)\n\(result)")
            }
            // A target outside the database's code lists is a problem too (found before registering).
            let text = try String(contentsOfFile: Self.surveyProfile, encoding: .utf8)
                .replacingOccurrences(of: "Protection: ASY", with: "Protection: ASYLUM")
            let outside = try db.write("survey-bad.yaml", text)
            let codes = try db.run(["profile", "add", "survey", outside], as: db.admin)
            #expect(codes.status == 65, "\(codes)")
            #expect(codes.stderr.contains("schema.fields[7] (reason).x-codes: \"Protection\" maps to \"ASYLUM\", which is not in the code list reason"),
                    "\(codes)")
            #expect(try db.int("SELECT count(*) FROM migstat.profile") == 0)
            #expect(try Self.profileAudit(db).isEmpty)
        }
    }

    @Test func noProfileImportsACanonicalFileOfASourceWithAProfile() throws {
        try withTestDatabase { db in
            try db.mustSucceed(["profile", "add", "survey", Self.surveyProfile], as: db.admin)
            let canonical = Self.sampleData + "/canonical/survey-2024.csv"
            // Read through the profile, the canonical file does not fit its header.
            let through = try db.importFile(canonical, source: "survey")
            #expect(through.status == 65 && through.stderr.contains("registered for source survey (version 1)"), "\(through)")
            #expect(try db.batches().isEmpty)
            // --delimiter or --encoding would contradict the profile's dialect.
            let delimiter = try db.importFile(canonical, source: "survey", ["--delimiter", ","])
            #expect(delimiter.status == 64 && delimiter.stderr.contains("--no-profile"), "\(delimiter)")
            let plain = try db.importFile(canonical, source: "survey", ["--no-profile"])
            #expect(plain.status == 0, "\(plain)")
            #expect(try Self.profileSummary(plain).profile == nil)
            #expect(try db.query("SELECT profile_sha256 FROM migstat.batch")[0, 0] == nil)
        }
    }
}
