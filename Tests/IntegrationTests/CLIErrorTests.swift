import Foundation
import MigstatPQ
import Testing

/// The errors a user meets, through the real binary against a real database: each with its exact message (what
/// was typed, what is allowed, the `access grant` that would fix a missing role) and its exit code from the
/// README's table. No internal names (`queryFailed:`), no SQL text, no record value.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CLIErrorTests {
    static let reportDimensions = "direction, sex, age, nationality, country, region, reason, occupation, "
        + "worker_category, ethnicity, migration_status, disability, source, purpose, period"

    /// A login of `db` granted `grant` (as the administrator, through the CLI), dropped at the end.
    static func withLogin<R>(_ db: TestDatabase, _ suffix: String, grant: [String],
                             _ body: (String) throws -> R) throws -> R {
        let login = db.name + "_" + suffix
        let quoted = PQConnection.quoteIdentifier(login)
        try db.query("CREATE ROLE \(quoted) LOGIN")
        defer {
            _ = try? db.query("DROP OWNED BY \(quoted)")
            _ = try? db.query("DROP ROLE \(quoted)")
        }
        try db.mustSucceed(["access", "grant", login] + grant, as: db.admin)
        return try body(login)
    }

    /// No message names an internal code or dumps a struct, whatever the error.
    static func expectPlain(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for name in ["queryFailed", "connectionFailed", "copyFailed", "PQError(", "MigstatError(", "SQLSTATE "] {
            #expect(!result.stderr.contains(name), "\(name) in \(result)", sourceLocation: sourceLocation)
        }
        #expect(result.stderr.hasPrefix("error: "), "\(result)", sourceLocation: sourceLocation)
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// Options of the report that name something outside migstat's vocabulary: exit 64 (before connecting),
    /// the value typed and the list of what is allowed.
    @Test func reportOptionsNameTheValueAndWhatIsAllowed() throws {
        try withTestDatabase { db in
            try Self.withLogin(db, "analyst", grant: ["analyst"]) { analyst in
                let cases: [([String], String)] = [
                    (["--by", "gender"], "error: unknown dimension \"gender\" in --by; allowed: \(Self.reportDimensions)"),
                    (["--by", "sex", "--filter", "colour=RED"],
                     "error: unknown dimension \"colour\" in --filter; allowed: direction, sex, age, nationality, country, "
                        + "region, reason, occupation, worker_category, ethnicity, migration_status, disability, source, "
                        + "purpose (the period: --period)"),
                    (["--by", "sex", "--period", "2024-13"],
                     "error: unknown period \"2024-13\" in --period; allowed: 2024, 2024-Q1, 2024-01, or FROM..TO of "
                        + "those (2024-01..2024-06)"),
                    (["--by", "sex", "--format", "xml"],
                     "error: unknown value \"xml\" in --format; allowed: table, csv, json, sdmx-csv, html, xlsx"),
                    (["--by", "sex", "--colour"], "error: Unknown option '--colour'"),
                ]
                for (arguments, message) in cases {
                    let result = try db.run(["report"] + arguments, as: analyst)
                    #expect(result.status == 64, "\(result)")
                    // ArgumentParser may add "Did you mean ...?" to an unknown option.
                    #expect(Self.firstLine(result.stderr) == message
                            || (message.hasSuffix("'") && Self.firstLine(result.stderr).hasPrefix(message + ". Did you mean")),
                            "\(result)")
                    #expect(result.stderr.contains("\n  usage: migstat report")
                            && result.stderr.contains("\n  hint: see 'migstat report --help'"), "\(result)")
                    #expect(result.stdout.isEmpty, "\(result)")
                    Self.expectPlain(result)
                }
            }
        }
    }

    /// The database's refusals of what was typed: its message whole (the typed value is not "redacted"), its
    /// hint indented under it, exit 65.
    @Test func databaseRefusalsShowTheTypedValueWithAHint() throws {
        try withTestDatabase { db in
            try Self.withLogin(db, "analyst", grant: ["analyst"]) { analyst in
                let code = try db.run(["report", "--by", "sex", "--filter", "nationality=QQQ"], as: analyst)
                #expect(code.status == 65, "\(code)")
                #expect(code.stderr == "error: filter \"nationality\": unknown code \"QQQ\"\n"
                        + "  hint: the codes: migstat codes list country (\"not stated\" is _Z)\n", "\(code)")
                let band = try db.run(["report", "--by", "sex,age", "--age-bands", "0-5,x"], as: analyst)
                #expect(band.status == 65, "\(band)")
                #expect(band.stderr == "error: age band 2 (\"x\") is not N, N-M or N+\n"
                        + "  hint: bands are N, N-M or N+, contiguous from 0 and ending with an open band, e.g. "
                        + "--age-bands 0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+\n", "\(band)")
                for result in [code, band] { Self.expectPlain(result) }
            }
            try Self.withLogin(db, "steward", grant: ["steward", "--purpose", db.purpose]) { steward in
                let column = try db.run(["extract", "--purpose", db.purpose, "--reason", "quality check of a batch",
                                         "--columns", "record_id,colour"], as: steward)
                #expect(column.status == 65, "\(column)")
                #expect(column.stderr == "error: unknown column \"colour\"\n"
                        + "  hint: columns: batch_id, line_no, record_id, person_pseudonym, event_date, direction, sex, "
                        + "age, nationality, country, region, reason, occupation, worker_category, ethnicity, "
                        + "migration_status, disability\n", "\(column)")
                Self.expectPlain(column)
            }
            let login = try db.run(["access", "grant", "nosuch_login_x", "analyst"], as: db.admin)
            #expect(login.status == 65, "\(login)")
            #expect(login.stderr == "error: no login role \"nosuch_login_x\"\n"
                    + "  hint: migstat access list shows the logins; a superuser creates one with CREATE ROLE "
                    + "nosuch_login_x LOGIN\n", "\(login)")
            // A role outside the list is a usage error of the parser (64), naming what is allowed.
            let role = try db.run(["access", "grant", db.auditor, "boss"], as: db.admin)
            #expect(role.status == 64, "\(role)")
            #expect(Self.firstLine(role.stderr)
                    == "error: unknown value \"boss\" in <role>; allowed: loader, analyst, steward, auditor, admin", "\(role)")
            for result in [login, role] { Self.expectPlain(result) }
        }
    }

    /// A missing role or compartment: who lacks what, and the `migstat access grant` an administrator would
    /// run; exit 77. PostgreSQL's own `permission denied for function …` (no EXECUTE grant) is read against
    /// the function's grants in the catalog; migstat's own checks say it themselves.
    @Test func permissionErrorsNameTheMissingRoleAndTheGrant() throws {
        try withTestDatabase { db in
            let path = try db.write("perm.csv", {
                var csv = FlowCSV()
                csv.add("P-1")
                return csv.text
            }())
            try Self.withLogin(db, "analyst", grant: ["analyst"]) { analyst in
                let load = try db.run(["import", path, "--source", "border", "--purpose", db.purpose], as: analyst)
                #expect(load.status == 77, "\(load)")
                #expect(load.stderr == "error: permission denied: \(analyst) is not a loader of purpose \(db.purpose) "
                        + "(function begin_batch)\n"
                        + "  hint: an administrator can run: migstat access grant \(analyst) loader --purpose \(db.purpose)\n",
                        "\(load)")
                let grant = try db.run(["access", "grant", db.auditor, "analyst"], as: analyst)
                #expect(grant.status == 77, "\(grant)")
                #expect(grant.stderr == "error: permission denied: \(analyst) is not an admin (function access_grant)\n"
                        + "  hint: an administrator can run: migstat access grant \(analyst) admin\n", "\(grant)")
                let verbose = try db.run(["import", path, "--source", "border", "--purpose", db.purpose, "--verbose"],
                                         as: analyst)
                #expect(verbose.status == 77, "\(verbose)")
                #expect(verbose.stderr.contains("\n  sqlstate: 42501\n"), "\(verbose)")
                for sql in ["SELECT", "migstat.begin_batch(", "$1", "context"] {
                    #expect(!verbose.stderr.contains(sql), "\(sql) in \(verbose)")
                }
                for result in [load, grant] { Self.expectPlain(result) }
            }
            // Reports are for analysts, stewards and administrators: the least of them is proposed.
            let report = try db.run(["report", "--by", "sex"], as: db.loader)
            #expect(report.status == 77, "\(report)")
            #expect(report.stderr == "error: permission denied: \(db.loader) is not an analyst, a steward or an admin "
                    + "(function report)\n  hint: an administrator can run: migstat access grant \(db.loader) analyst\n",
                    "\(report)")
            // A batch of a purpose whose loader one is not: said by withdraw_batch itself.
            #expect(try db.importFile(path).status == 0)
            let withdraw = try db.run(["batches", "withdraw", "1", "--reason", "not mine"], as: db.outsider)
            #expect(withdraw.status == 77, "\(withdraw)")
            #expect(withdraw.stderr == "error: permission denied: \(db.outsider) is not a loader of purpose \(db.purpose), "
                    + "which batch 1 belongs to\n  hint: an administrator can withdraw it, or run: migstat access grant "
                    + "\(db.outsider) loader --purpose \(db.purpose)\n", "\(withdraw)")
            for result in [report, withdraw] { Self.expectPlain(result) }
            // A loader without the purpose's compartment: said by require_compartment.
            let outsider = try db.run(["import", path, "--source", "border", "--purpose", db.purpose], as: db.outsider)
            #expect(outsider.status == 77, "\(outsider)")
            #expect(outsider.stderr == "error: permission denied: \(db.outsider) is not a loader of purpose \(db.purpose)\n"
                    + "  hint: an administrator can run: migstat access grant \(db.outsider) loader --purpose "
                    + "\(db.purpose)\n", "\(outsider)")
            Self.expectPlain(outsider)
        }
    }

    /// Connection errors and a database without the schema: exit 69, with the PG* variables and the scripts'
    /// `env` lines as the hint.
    @Test func connectionErrorsHintAtTheEnvironment() throws {
        let server = try TestServer.fromEnvironment()
        let binary = try TestPaths.migstatBinary()
        let work = try makeTemporaryDirectory("migstat-cli-errors-")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let noServer = try CommandRunner.start(binary, ["purpose", "list", "--dsn", "host=/nonexistent-migstat-dir"],
                                               directory: work).wait()
        #expect(noServer.status == 69, "\(noServer)")
        #expect(noServer.stderr.hasPrefix("error: cannot connect to the database: connection to server on socket "
                                          + "\"/nonexistent-migstat-dir/.s.PGSQL."), "\(noServer)")
        #expect(noServer.stderr.contains("\n  hint: migstat connects with --dsn \"host=... dbname=... user=...\" or "
                                         + "libpq's PGHOST, PGPORT, PGDATABASE and PGUSER (now "), "\(noServer)")
        #expect(noServer.stderr.contains("eval \"$(Scripts/pg.sh env --demo)\""), "\(noServer)")
        Self.expectPlain(noServer)

        let noSchema = try CommandRunner.start(
            binary, ["purpose", "list", "--dsn", server.conninfo(database: "postgres", user: nil)], directory: work).wait()
        #expect(noSchema.status == 69, "\(noSchema)")
        #expect(noSchema.stderr == "error: this database has no migstat schema (schema \"migstat\" does not exist)\n"
                + "  hint: point PGDATABASE or --dsn at a migstat database (the demo's: eval \"$(Scripts/pg.sh env "
                + "--demo)\"), or create one here with migstat db init (as a superuser)\n", "\(noSchema)")
        Self.expectPlain(noSchema)
    }

    /// A rejected record's values never appear in any output, also with --verbose; the error names line and
    /// column. An output that cannot be written exits 74.
    @Test func recordValuesAreNeverEchoedAndOutputFailuresExit74() throws {
        try withTestDatabase { db in
            let canary = "CANARY-PID-93751-ZQ"
            var csv = FlowCSV()
            csv.add("C-1", ["person_id": canary])
            csv.add("C-2", ["person_id": canary, "event_date": "2024-02-31-\(canary)", "age": "9\(canary)"])
            let path = try db.write("canary.csv", csv.text)
            for extra in [[], ["--verbose"]] {
                let result = try db.run(["import", path, "--source", "border", "--purpose", db.purpose] + extra,
                                        as: db.loader)
                #expect(result.status == 65, "\(result)")
                #expect(!result.stdout.contains(canary) && !result.stderr.contains(canary), "\(result)")
                #expect(!result.stderr.contains("9CANARY") && !result.stderr.contains("2024-02-31"), "\(result)")
                #expect(result.stderr.contains("canary.csv: 1 of 2 rows rejected"), "\(result)")
            }
            let rejects = try String(contentsOfFile: path + ".rejects.csv", encoding: .utf8)
            #expect(rejects.hasPrefix("line,column,reason\n3,") && !rejects.contains(canary), "\(rejects)")

            var many = FlowCSV()
            for i in 1...30 { many.add("M-\(i)") }
            #expect(try db.importFile(try db.write("many.csv", many.text)).status == 0)
            try Self.withLogin(db, "analyst", grant: ["analyst"]) { analyst in
                let unwritable = try db.run(["report", "--by", "sex", "--format", "csv", "--output",
                                             "/nonexistent-migstat-dir/report.csv"], as: analyst)
                #expect(unwritable.status == 74, "\(unwritable)")
                #expect(unwritable.stderr.hasPrefix("error: /nonexistent-migstat-dir/report.csv"), "\(unwritable)")
                Self.expectPlain(unwritable)
            }
        }
    }

    /// `purpose list` works for every role, as the README says; `import --json` is still accepted beside
    /// `--format json`.
    @Test func purposeListForEveryRoleAndTheJSONAlias() throws {
        try withTestDatabase { db in
            try Self.withLogin(db, "analyst", grant: ["analyst"]) { analyst in
                try Self.withLogin(db, "steward", grant: ["steward", "--purpose", db.purpose]) { steward in
                    for user in [analyst, steward, db.loader, db.auditor, db.admin, db.outsider] {
                        let result = try db.run(["purpose", "list", "--format", "csv"], as: user)
                        #expect(result.status == 0, "\(result)")
                        #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix(db.purpose + ",") },
                                "\(result)")
                    }
                }
            }
            var csv = FlowCSV()
            csv.add("J-1")
            let path = try db.write("alias.csv", csv.text)
            let old = try db.run(["import", path, "--source", "border", "--purpose", db.purpose, "--json"], as: db.loader)
            #expect(old.status == 0, "\(old)")
            #expect(try old.summary().accepted == 1)
            let help = try db.run(["import", "--help"], as: nil)
            #expect(help.stdout.contains("--format <format>") && !help.stdout.contains("--json"), "\(help)")
        }
    }
}
