import Foundation
import MigstatPQ
import Testing

/// `migstat estimates` through the real binary: the same file (SHA-256) is refused a second time, imports are
/// listed and withdrawn (audited), and a report says which estimates it left out because they do not fit.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct EstimatesTests {
    static let estimates = """
        period_from,period_to,sex,value,lower_bound,upper_bound,method
        2024-01-01,2024-12-31,F,1200,800,1900,capture-recapture
        2024-01-01,2024-12-31,M,900,600,1500,capture-recapture

        """

    /// 30 records in 2024, so flexible reports are above the minimum total.
    static func records(_ db: TestDatabase) throws {
        var csv = FlowCSV()
        for i in 1...30 { csv.add("E-\(i)", ["sex": i % 2 == 0 ? "F" : "M"]) }
        #expect(try db.importFile(try db.write("records.csv", csv.text)).status == 0)
    }

    static func sha256(_ path: String, in db: TestDatabase) throws -> String {
        let result = try CommandRunner.start("/usr/bin/sha256sum", [path], directory: db.workDir).wait()
        return String(result.stdout.prefix(64))
    }

    /// The estimate rows (OBS_STATUS E) of a CSV report.
    static func estimateRows(_ csv: String) -> [String] {
        csv.split(separator: "\n").map(String.init).filter { $0.split(separator: ",", omittingEmptySubsequences: false)
            .dropFirst(2).first == "E" }
    }

    @Test func theSameFileIsRefusedListedAndWithdrawnWithAnAuditEntry() throws {
        try withTestDatabase { db in
            try Self.records(db)
            let first = try db.write("irr-2024.csv", Self.estimates)
            let sha = try Self.sha256(first, in: db)
            let imported = try db.run(["estimates", "import", first, "--source", "study-irr", "--purpose", db.purpose],
                                      as: db.loader)
            #expect(imported.status == 0, "\(imported)")
            #expect(imported.stdout.hasPrefix("imported 2 estimates from \(first)"), "\(imported)")

            // The same content under another name: refused, naming the earlier import, exit 65; nothing added.
            let again = try db.write("copy-of-irr.csv", Self.estimates)
            let refused = try db.run(["estimates", "import", again, "--source", "study-irr", "--purpose", db.purpose],
                                     as: db.loader)
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr == "error: \(again): this file was already imported as estimates 1\n"
                    + "  hint: migstat estimates list shows it; to replace it, withdraw it first: migstat estimates "
                    + "withdraw 1 --reason TEXT\n", "\(refused)")
            #expect(try db.int("SELECT count(*)::int FROM migstat.estimate") == 2)

            try CLIErrorTests.withLogin(db, "analyst", grant: ["analyst"]) { analyst in
                // Shown once in a report.
                let report = try db.mustSucceed(["report", "--by", "sex", "--with-estimates", "--format", "csv"],
                                                as: analyst)
                #expect(Self.estimateRows(report.stdout).count == 2, "\(report)")

                // Listed, for an analyst too.
                let list = try db.mustSucceed(["estimates", "list", "--purpose", db.purpose, "--format", "csv"],
                                              as: analyst)
                let lines = list.stdout.split(separator: "\n").map(String.init)
                #expect(lines.first == "id,purpose,source,file_name,sha256,estimates,period_from,period_to,status,"
                        + "imported_at,imported_by,withdrawn_at,withdrawn_by,withdraw_reason", "\(list)")
                #expect(lines.count == 2, "\(list)")
                #expect(lines.dropFirst().first?.hasPrefix(
                    "1,\(db.purpose),study-irr,irr-2024.csv,\(sha),2,2024-01-01,2024-12-31,active,") == true, "\(list)")
                #expect(lines.dropFirst().first?.hasSuffix(",\(db.loader),,,") == true, "\(list)")

                // Withdrawn: not by an analyst, not without a reason; by the loader, audited.
                let denied = try db.run(["estimates", "withdraw", "1", "--reason", "wrong file"], as: analyst)
                #expect(denied.status == 77, "\(denied)")
                #expect(denied.stderr.hasPrefix("error: permission denied: \(analyst) is not a loader or an admin "
                                                + "(function estimates_withdraw)\n"), "\(denied)")
                // A loader without the purpose's compartment: refused by the function itself, naming the grant.
                let outsider = try db.run(["estimates", "withdraw", "1", "--reason", "wrong file"], as: db.outsider)
                #expect(outsider.status == 77, "\(outsider)")
                #expect(outsider.stderr == "error: permission denied: \(db.outsider) is not a loader of purpose "
                        + "\(db.purpose)\n  hint: an administrator can withdraw it, or run: migstat access grant "
                        + "\(db.outsider) loader --purpose \(db.purpose)\n", "\(outsider)")
                let unknown = try db.run(["estimates", "list", "--purpose", "nosuch"], as: analyst)
                #expect(unknown.status == 65 && unknown.stderr == "error: purpose \"nosuch\" is not declared\n"
                        + "  hint: migstat purpose list shows the declared purposes\n", "\(unknown)")
                let noReason = try db.run(["estimates", "withdraw", "1", "--reason", " "], as: db.loader)
                #expect(noReason.status == 65 && noReason.stderr.hasPrefix("error: a reason is required\n"),
                        "\(noReason)")
                let withdrawn = try db.mustSucceed(["estimates", "withdraw", "1", "--reason", "sent the wrong study"],
                                                   as: db.loader)
                #expect(withdrawn.stdout == "withdrew estimates 1: 2 estimates removed\n", "\(withdrawn)")
                let twice = try db.run(["estimates", "withdraw", "1", "--reason", "again"], as: db.loader)
                #expect(twice.status == 65 && twice.stderr.hasPrefix("error: no active estimates 1\n"), "\(twice)")

                let after = try db.mustSucceed(["report", "--by", "sex", "--with-estimates", "--format", "csv"],
                                               as: analyst)
                #expect(Self.estimateRows(after.stdout).isEmpty, "\(after)")
                let listed = try db.mustSucceed(["estimates", "list", "--format", "json"], as: analyst)
                #expect(listed.stdout.contains("\"status\": \"withdrawn\"")
                        && listed.stdout.contains("\"withdrawn_by\": \"\(db.loader)\"")
                        && listed.stdout.contains("\"withdraw_reason\": \"sent the wrong study\""), "\(listed)")
            }
            let audit = try db.mustSucceed(["audit", "list", "--action", "estimates.withdraw", "--format", "json"],
                                           as: db.auditor)
            #expect(audit.stdout.contains("\"sent the wrong study\"") && audit.stdout.contains(sha)
                    && audit.stdout.contains(db.loader), "\(audit)")
            #expect(try db.int("SELECT count(*)::int FROM migstat.audit_log WHERE action = 'estimates.withdraw' "
                               + "AND details ->> 'estimates' = '1' AND (details ->> 'removed')::int = 2") == 1)

            // Withdrawn, the same file may come in again.
            let back = try db.run(["estimates", "import", again, "--source", "study-irr", "--purpose", db.purpose],
                                  as: db.loader)
            #expect(back.status == 0, "\(back)")
        }
    }

    /// An estimate of the report's shape whose age band or period does not fit is left out, and the report
    /// says so: `note:` on stderr (and a parameter of a table built whole, for HTML).
    @Test func aLeftOutEstimateIsNoted() throws {
        try withTestDatabase { db in
            try Self.records(db)
            let path = try db.write("misfit.csv", """
                period_from,period_to,age,value,method
                2024-01-01,2024-12-31,15-24,300,survey
                2024-01-01,2024-12-31,Y20-24,100,survey
                2024-01-01,2024-06-30,,50,survey

                """)
            try db.mustSucceed(["estimates", "import", path, "--source", "survey-x", "--purpose", db.purpose],
                               as: db.loader)
            try CLIErrorTests.withLogin(db, "analyst", grant: ["analyst"]) { analyst in
                let byAge = try db.mustSucceed(["report", "--by", "age", "--period", "2024", "--with-estimates",
                                                "--format", "csv"], as: analyst)
                // Y20-24 fits the 5-year bands; the half-year total lies within 2024 (no period dimension); 15-24
                // is not a band of this report.
                #expect(Self.estimateRows(byAge.stdout).count == 2, "\(byAge)")
                #expect(byAge.stderr.hasPrefix("note: estimates left out: 1 whose age band is not one of this "
                                               + "report's bands (Y_LT5, Y5-9, "), "\(byAge)")
                #expect(byAge.stderr.split(separator: "\n").count == 1, "\(byAge)")

                let byPeriod = try db.mustSucceed(["report", "--by", "period", "--period-unit", "year",
                                                   "--with-estimates", "--format", "csv"], as: analyst)
                #expect(byPeriod.stderr == "note: estimates left out: 1 whose period is not within the report's "
                        + "period or not one whole year\n", "\(byPeriod)")
                let table = try db.mustSucceed(["report", "--by", "period", "--period-unit", "year",
                                                "--with-estimates"], as: analyst)
                #expect(table.stderr.contains("note: estimates left out: 1 whose period is not within the report's "
                                              + "period or not one whole year\n"), "\(table)")
                // Without --with-estimates nothing is said.
                let plain = try db.mustSucceed(["report", "--by", "age", "--format", "csv"], as: analyst)
                #expect(!plain.stderr.contains("estimates"), "\(plain)")
            }
        }
    }
}
