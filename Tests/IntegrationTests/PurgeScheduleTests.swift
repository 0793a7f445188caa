import Foundation
import MigstatPQ
import Testing

/// `migstat purge schedule` with the private cluster's pg_cron: the scheduled job runs the due purge by itself,
/// records its heartbeat, and `purge status` trusts that heartbeat.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct PurgeScheduleTests {
    @Test func theScheduledRunPurgesADuePurpose() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            for index in 1...12 { csv.add("C-\(index)") }
            #expect(try db.importFile(try db.write("cron.csv", csv.text)).status == 0)
            try db.mustSucceed(["purpose", "end", db.purpose, "--reason", "scheduled purge test"], as: db.admin)
            let keyPath = try db.keyFilePath(purpose: db.purpose)

            // Only a superuser schedules.
            let refused = try db.run(["purge", "schedule"], as: db.admin)
            #expect(refused.status == 77 && refused.stderr.contains("needs a superuser connection"), "\(refused)")

            let maintenance = try PQConnection(conninfo: db.server.conninfo(database: "postgres", user: nil))
            let job = "migstat-purge-" + db.name
            defer {
                _ = try? db.run(["purge", "unschedule"], as: nil)
                _ = try? maintenance.execute(sql: "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = $1", [job])
            }
            let scheduled = try db.run(["purge", "schedule", "--at", "* * * * *"], as: nil)
            #expect(scheduled.status == 0 && scheduled.stdout.contains("GMT"), "\(scheduled)")
            #expect(try maintenance.execute(sql: "SELECT count(*) FROM cron.job WHERE jobname = $1 AND database = $2",
                                            [job, db.name]).int(0, 0) == 1)
            #expect(try db.query("SELECT value FROM migstat.setting WHERE key = 'purge_schedule'").string(0, 0)
                    == "* * * * *")

            // pg_cron starts the job at the next minute: wait for migstat's own heartbeat and the purge.
            let ran = try waitUntil(timeout: 80, interval: 1) {
                try db.int("SELECT count(*) FROM migstat.purge_check") > 0
                    && db.query("SELECT status FROM migstat.purpose WHERE name = $1", [db.purpose]).string(0, 0) == "purged"
            }
            #expect(ran, "the scheduled run did not purge within 80 s")
            #expect(try db.int("SELECT count(*) FROM migstat.purge WHERE verified_at IS NOT NULL") == 1)
            #expect(try db.recordCount() == 0)
            let check = try db.query("SELECT array_to_string(purged, ',') FROM migstat.purge_check ORDER BY id LIMIT 1")
            #expect(check[0, 0] == db.purpose)

            // The status passes; the key on this machine goes with the next command.
            let status = try db.run(["purge", "status"], as: db.auditor)
            #expect(status.status == 0 && status.stdout.contains("last run"), "\(status)")
            #expect(status.stderr.contains("deleted the key file \(keyPath)"), "\(status)")
            #expect(!FileManager.default.fileExists(atPath: keyPath))

            let unscheduled = try db.run(["purge", "unschedule"], as: nil)
            #expect(unscheduled.status == 0 && unscheduled.stdout.contains("removed"), "\(unscheduled)")
            #expect(try maintenance.execute(sql: "SELECT count(*) FROM cron.job WHERE jobname = $1", [job]).int(0, 0) == 0)
            #expect(try db.query("SELECT value FROM migstat.setting WHERE key = 'purge_schedule'").string(0, 0) == "")
        }
    }

    @Test func statusFailsWhenAScheduledRunIsMissing() throws {
        try withTestDatabase { db in
            // A schedule recorded but no run ever: the scheduler's silence is a failure.
            try db.query("UPDATE migstat.setting SET value = '0 3 * * *' WHERE key = 'purge_schedule'")
            let missing = try db.run(["purge", "status"], as: db.auditor)
            #expect(missing.status == 1 && missing.stdout.contains("no due-purge run was ever recorded"), "\(missing)")
            // A run long ago is as bad.
            try db.query("CALL migstat.purge_run()")
            #expect(try db.run(["purge", "status"], as: db.auditor).status == 0)
            try db.query("UPDATE migstat.purge_check SET at = at - interval '3 days'")
            let stale = try db.run(["purge", "status"], as: db.auditor)
            #expect(stale.status == 1 && stale.stdout.contains("has not run when it should have"), "\(stale)")
        }
    }
}
