import ArgumentParser
import MigstatCore
import MigstatPQ

/// Exit status of a check that found a problem: `purge status` (retention not kept) and a purge whose
/// verification is not ok.
let checkFailedStatus: Int32 = 1

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Purge purposes whose retention has ended: dry run, execute, schedule, status.",
        discussion: """
            migstat purge [--purpose P | --due]            the dry run: what would go, what is kept (nothing changes)
            migstat purge --purpose P --execute            drop the purpose's record-level storage whole, verify it after
                                                           a CHECKPOINT, print the receipt, delete the local key file
            migstat purge schedule [--at CRON]             the daily due-purge run with pg_cron (superuser)
            migstat purge status                           exit status 1 when a due purge did not happen
            Exit status 1: a purge's verification is not ok, or purge status found a problem.
            """,
        subcommands: [Run.self, Schedule.self, Unschedule.self, Status.self, Verify.self],
        defaultSubcommand: Run.self)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    struct Run: DatabaseCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "The dry run of a purge (administrators, auditors), or with --execute the purge (administrators).",
            discussion: """
                Without --execute nothing changes (the database writes nothing, not even an audit row). With --execute, \
                for each purpose: migstat.purge_execute (one transaction, committed: its declared tables released once \
                more if needed, then its purpose partition with every batch table dropped whole), then \
                migstat.purge_verify in a new transaction (CHECKPOINT; no record, no table, no relation file left; \
                receipt purge.executed in the audit log); then this machine's copy of the purpose's key is deleted \
                and recorded (key.destroyed). Other machines delete theirs on their next migstat command.

                Examples:
                  migstat purge run --purpose labour_2024
                  migstat purge run --purpose labour_2024 --execute
                """)
        @Option(help: "The purpose to purge.") var purpose: String?
        @Flag(help: "Every purpose whose purge is due (closed, or its retention date has come).") var due = false
        @Flag(help: "Purge (default: the dry run).") var execute = false
        @Option(help: "Output format.") var format: Format = .table
        @Option(help: "Directory of the pseudonymisation keys (default: MIGSTAT_KEY_DIR, else ~/.migstat/keys).")
        var keyDir: String?
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            if purpose != nil && due { throw ValidationError("give --purpose P or --due, not both") }
            if execute && purpose == nil && !due { throw ValidationError("--execute needs --purpose P or --due") }
        }

        func run(in session: CommandSession) throws {
            session.keyStore = KeyStore.resolve(override: keyDir)
            let connection = try session.database()
            let store = PurgeStore(connection: connection)
            let plan = try store.plan(purpose: purpose, due: due)
            guard execute else {
                printPlan(plan)
                printError("dry run: nothing changed; add --execute to purge"
                           + (plan.contains { $0.isDue } ? "" : " (nothing is due)"))
                return
            }
            var receipts: [PurgeReceipt] = []
            var failed = false
            for entry in plan {
                if entry.status == "purged" {
                    let state = try PurposeStore(connection: connection).lifecycle().first { $0.name == entry.purpose }
                    if let verified = state?.purgeVerifiedAt {
                        printError("purpose \(entry.purpose) is already purged (\(state?.purgedAt ?? "?"), verified \(verified))")
                    } else {
                        failed = true
                        printError("""
                            purpose \(entry.purpose) is already purged (\(state?.purgedAt ?? "?")) but its verification has \
                            not succeeded: migstat purge verify ID (the id its purge printed), or the scheduled run \
                            (CALL migstat.purge_run()) verifies it again
                            """)
                    }
                    continue
                }
                // Not due: the database refuses, with its reason and hint (exit 65).
                let receipt = try store.execute(purpose: entry.purpose, keyStore: session.keyStore, plan: entry)
                receipts.append(receipt)
                if !receipt.isVerified { failed = true }
            }
            printReceipts(receipts)
            if receipts.isEmpty && plan.isEmpty { printError("nothing is due") }
            if failed { throw ExitCode(checkFailedStatus) }
        }

        private func printPlan(_ plan: [PurgePlanEntry]) {
            switch format {
            case .json:
                print("[" + plan.map { e in
                    "{" + [
                        "\"purpose\": \(json(e.purpose))", "\"status\": \(json(e.status))",
                        "\"retain_until\": \(json(e.retainUntil))", "\"due\": \(e.isDue)", "\"batches\": \(e.batches)",
                        "\"loaded_batches\": \(e.loadedBatches)", "\"rows_to_drop\": \(e.rowsToDrop)",
                        "\"tables_to_drop\": \(jsonArray(e.tablesToDrop))",
                        "\"declared_tables_kept\": \(jsonArray(e.declaredTablesKept))",
                        "\"blocker\": \(e.blocker.map(json) ?? "null")", "\"dry_run\": true",
                    ].joined(separator: ", ") + "}"
                }.joined(separator: ",\n ") + "]")
            case .table:
                ResultPrinter.print(names: ["purpose", "status", "due_date", "due", "batches", "rows_to_drop",
                                            "tables_to_drop", "declared_tables_kept", "blocker"],
                                    rows: plan.map { e in
                                        [e.purpose, e.status, e.retainUntil, e.isDue ? "yes" : "no", String(e.batches),
                                         String(e.rowsToDrop), e.tablesToDrop.joined(separator: ","),
                                         e.declaredTablesKept.joined(separator: ","), e.blocker]
                                    }, format: .table)
            }
        }

        private func printReceipts(_ receipts: [PurgeReceipt]) {
            switch format {
            case .json:
                print("[" + receipts.map { r in
                    "{" + [
                        "\"purpose\": \(json(r.purpose))", "\"purge\": \(r.purgeID)",
                        "\"batches\": [" + r.batches.map {
                            "{\"batch\": \($0.id), \"sha256\": \(json($0.sha256)), \"rows\": \($0.rows.map(String.init) ?? "null")}"
                        }.joined(separator: ", ") + "]",
                        "\"rows\": \(r.rows)", "\"declared_tables_kept\": \(jsonArray(r.declaredTablesKept))",
                        "\"verified\": \(r.isVerified)", "\"verification\": \(r.verification ?? "null")",
                        "\"verification_error\": \(r.verificationError.map(json) ?? "null")",
                        "\"key_file\": \(json(r.keyPath))", "\"key_deleted\": \(r.keyDestroyed != nil)",
                        "\"key_deletion_recorded\": \(r.keyDestroyed != nil && r.keyRecordError == nil)",
                    ].joined(separator: ", ") + "}"
                }.joined(separator: ",\n ") + "]")
            case .table:
                for r in receipts {
                    print("purge \(r.purgeID) of purpose \(r.purpose): "
                          + (r.isVerified ? "executed and verified" : "executed, NOT verified"))
                    for b in r.batches {
                        print("  batch \(b.id)  sha256 \(b.sha256)  rows \(b.rows.map(String.init) ?? "-")")
                    }
                    print("  records dropped: \(r.rows) in \(r.batches.count) batch\(r.batches.count == 1 ? "" : "es")")
                    print("  declared tables kept: "
                          + (r.declaredTablesKept.isEmpty ? "none" : r.declaredTablesKept.joined(separator: ", ")))
                    if let verification = r.verification {
                        print("  verification (after CHECKPOINT): \(verification)")
                    } else {
                        print("  verification failed to run: \(r.verificationError ?? "?") -- run: migstat purge verify \(r.purgeID)")
                    }
                    if let deleted = r.keyDestroyed {
                        print("  key file deleted: \(deleted)"
                              + (r.keyRecordError.map { " (not recorded: \($0))" } ?? " (recorded: key.destroyed)"))
                    } else {
                        print("  no key file on this machine at \(r.keyPath); other machines delete theirs on their next command")
                    }
                }
            }
        }
    }

    struct Verify: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a purge again after its transaction committed (administrators): CHECKPOINT and checks.",
            discussion: "Example:\n  migstat purge verify 1")
        @Argument(help: "The purge's id (printed by purge --execute).") var id: Int
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let result = try PurgeStore(connection: session.database()).verify(purgeID: id)
            print(result.json)
            if !result.ok { throw ExitCode(checkFailedStatus) }
        }
    }

    struct Status: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether retention is being kept: overdue purposes, unverified purges, the scheduled run.",
            discussion: """
                Prints migstat.purge_status(): the last due-purge run (recorded by migstat itself, never taken from the \
                scheduler's own records), its failures, the schedule, the next purposes due. Exit status 1, naming the \
                purpose, when a purge is past due and not done, a purge is not verified, or the scheduled run has not \
                run when it should have (setting purge_check_hours, default 26).

                Example:
                  migstat purge status
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let rows = try PurgeStore(connection: session.database()).status()
            ResultPrinter.print(names: ["ok", "item", "purpose", "detail"],
                                rows: rows.map { [$0.ok ? "ok" : "FAIL", $0.item, $0.purpose, $0.detail] },
                                format: output.format)
            let problems = rows.filter { !$0.ok }
            if !problems.isEmpty {
                for p in problems { printError("purge status: \(p.item)\(p.purpose.map { " \($0)" } ?? ""): \(p.detail)") }
                throw ExitCode(checkFailedStatus)
            }
        }
    }

    struct Schedule: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule the daily due-purge run (CALL migstat.purge_run()) with pg_cron (superuser).",
            discussion: """
                Needs a superuser connection (the DBA's): the job runs as the user who schedules it. Creates pg_cron in \
                the cron database (--cron-database, pg_cron's cron.database_name) and registers the job \
                migstat-purge-<database> there, then records the schedule in migstat.setting (purge status then \
                expects a run). pg_cron 1.4 runs schedules in GMT. Where pg_cron is not available, prints the systemd \
                timer and crontab lines to install instead.

                Example:
                  migstat purge schedule --at 03:00
                """)
        @Option(help: "When, as a cron expression (GMT with pg_cron 1.4).") var at = "0 3 * * *"
        @Option(help: "The database pg_cron runs in (cron.database_name).") var cronDatabase = "postgres"
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            guard at.split(separator: " ").count == 5 else {
                throw ValidationError("--at must be a cron expression of five fields (\"0 3 * * *\")")
            }
        }

        func run(in session: CommandSession) throws {
            let store = PurgeStore(connection: try session.database())
            try requireSuperuser(store, "purge schedule")
            let database = try store.databaseName()
            let cron = try PQConnection(conninfo: conninfo(connection.dsn, database: cronDatabase))
            let (available, reason) = try PurgeStore.cronAvailability(cron)
            if available {
                let job = try PurgeStore.schedule(on: cron, database: database, at: at)
                try store.recordSchedule(at)
                print("scheduled: pg_cron job \(job.jobID) \(PurgeStore.jobName(database: database)) \"\(at)\" runs "
                      + "\(PurgeStore.runCommand) in database \(database) (pg_cron \(job.version), in \(cronDatabase))")
                let zone = job.timezone ?? "GMT"
                print("note: pg_cron \(job.version) runs schedules in \(zone)"
                      + (job.timezone == nil ? " only: \"\(at)\" is read as GMT (UTC), not local time" : ""))
                print("check it: migstat purge status (fails when a due purge did not happen or the run is missing)")
            } else {
                try store.recordSchedule(at)
                printError("pg_cron cannot be used here: \(reason ?? "unavailable"); install one of these instead "
                           + "(the schedule \"\(at)\" is recorded: purge status expects a run)")
                print(systemdAndCrontab(database: database, at: at))
            }
        }
    }

    struct Unschedule: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the due-purge job from pg_cron and the recorded schedule (superuser).",
            discussion: "Example:\n  migstat purge unschedule")
        @Option(help: "The database pg_cron runs in.") var cronDatabase = "postgres"
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let store = PurgeStore(connection: try session.database())
            try requireSuperuser(store, "purge unschedule")
            let database = try store.databaseName()
            var removed = 0
            if let cron = try? PQConnection(conninfo: conninfo(connection.dsn, database: cronDatabase)) {
                removed = try PurgeStore.unschedule(on: cron, database: database)
            }
            try store.recordSchedule("")
            print(removed > 0
                  ? "unscheduled: pg_cron job \(PurgeStore.jobName(database: database)) removed"
                  : "no pg_cron job \(PurgeStore.jobName(database: database)); remove any systemd timer or crontab line "
                    + "you installed for it")
            printError("note: purposes still fall due; without a schedule, purge them with migstat purge --due --execute")
        }
    }
}

/// Refuses (exit 77) when the connection is not a superuser's, saying why.
private func requireSuperuser(_ store: PurgeStore, _ command: String) throws {
    guard try store.isSuperuser() else {
        printError("""
            error: \(command) needs a superuser connection (the DBA's account): pg_cron jobs run as the user who \
            schedules them and CALL migstat.purge_run() runs as that user; connect with --dsn "... user=<superuser>"
            """)
        throw ExitCode(ExitStatus.noPermission)
    }
}

/// `dsn` with its database replaced: a `postgres://` URI's path, or `dbname=` appended to a keyword/value
/// string (libpq: the last value of a keyword wins; empty: the PG* environment for the rest).
func conninfo(_ dsn: String, database: String) -> String {
    for scheme in ["postgresql://", "postgres://"] where dsn.hasPrefix(scheme) {
        let rest = dsn.dropFirst(scheme.count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let query = rest[authorityEnd...].firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let encoded = database.utf8.map { byte -> String in
            unreserved.contains(byte) ? String(UnicodeScalar(byte)) : "%" + hexString([byte]).uppercased()
        }.joined()
        return scheme + authority + "/" + encoded + query
    }
    let quoted = "'" + database.map { $0 == "\\" || $0 == "'" ? "\\" + String($0) : String($0) }.joined() + "'"
    return (dsn.isEmpty ? "" : dsn + " ") + "dbname=" + quoted
}

/// The systemd service and timer and the crontab line running the due-purge run with psql.
func systemdAndCrontab(database: String, at cron: String) -> String {
    let fields = cron.split(separator: " ").map(String.init)
    let psql = "psql -X -v ON_ERROR_STOP=1 -d \(database) -c 'CALL migstat.purge_run()'"
    let onCalendar: String
    if fields.count == 5, let minute = Int(fields[0]), let hour = Int(fields[1]), fields[2...].allSatisfy({ $0 == "*" }) {
        onCalendar = "*-*-* " + format2(hour) + ":" + format2(minute) + ":00 UTC"
    } else {
        onCalendar = "<the systemd.time(7) equivalent of \"\(cron)\">"
    }
    return """
        # /etc/systemd/system/migstat-purge-\(database).service
        [Unit]
        Description=migstat due-purge run (\(database))
        After=postgresql.service

        [Service]
        Type=oneshot
        User=postgres
        ExecStart=/usr/bin/\(psql)

        # /etc/systemd/system/migstat-purge-\(database).timer
        [Unit]
        Description=migstat due-purge run (\(database)), daily

        [Timer]
        OnCalendar=\(onCalendar)
        Persistent=true

        [Install]
        WantedBy=timers.target

        # then: systemctl daemon-reload && systemctl enable --now migstat-purge-\(database).timer
        # or, instead, in /etc/cron.d/migstat-purge-\(database) (cron's local time zone; CRON_TZ=UTC where supported):
        CRON_TZ=UTC
        \(cron) postgres \(psql)
        """
}

private func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

private func json(_ text: String) -> String { ReportEscape.json(text) }

private func jsonArray(_ items: [String]) -> String { "[" + items.map(json).joined(separator: ", ") + "]" }
