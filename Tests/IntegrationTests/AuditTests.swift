import Foundation
import MigstatCore
import MigstatPQ
import Testing

/// The audit log over a real database and the real binary: entries share their action's transaction,
/// concurrent writers leave one valid tree, an idle reader's transaction blocks nobody, checkpoints and
/// proofs catch every falsification a superuser can make.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AuditTests {
    func connect(_ db: TestDatabase, as user: String) throws -> PQConnection {
        try PQConnection(conninfo: db.server.conninfo(database: db.name, user: user))
    }

    /// A login made for one test (dropped at the end).
    func login(_ db: TestDatabase, _ suffix: String, _ attributes: String = "") throws -> String {
        let name = db.name + "_" + suffix
        try db.query("CREATE ROLE \(PQConnection.quoteIdentifier(name)) LOGIN \(attributes)")
        return name
    }

    func drop(_ db: TestDatabase, _ logins: [String]) {
        for name in logins {
            _ = try? db.query("DROP OWNED BY \(PQConnection.quoteIdentifier(name))")
            _ = try? db.query("DROP ROLE IF EXISTS \(PQConnection.quoteIdentifier(name))")
        }
    }

    /// Any lock wait longer than this fails the command instead of hanging it (advisory locks included).
    static let noWaiting = ["PGOPTIONS": "-c lock_timeout=3000"]

    @Test func anAnalystIdleInATransactionAfterAReportBlocksNoImportGrantOrRevoke() throws {
        try withTestDatabase { db in
            #expect(try db.importFile(try db.write("first.csv", ReportCLITests.batch().text)).status == 0)
            let analyst = try login(db, "analyst"), other = try login(db, "other")
            defer { drop(db, [analyst, other]) }
            try db.mustSucceed(["access", "grant", analyst, "analyst"], as: db.admin)
            let idle = try connect(db, as: analyst)
            _ = try idle.execute(sql: "BEGIN")
            _ = try idle.execute(sql: "SELECT count(*) FROM migstat.report(ARRAY['sex'])")
            // The analyst now sits in its open transaction, its report.run entry written, not committed.
            var second = FlowCSV()
            for n in 1...10 { second.add("S-\(n)") }
            let imported = try db.run(["import", try db.write("second.csv", second.text), "--source", "border",
                                       "--purpose", db.purpose, "--json"], as: db.loader, environment: Self.noWaiting)
            #expect(imported.status == 0, "\(imported)")
            let granted = try db.run(["access", "grant", other, "auditor"], as: db.admin, environment: Self.noWaiting)
            #expect(granted.status == 0, "\(granted)")
            let revoked = try db.run(["access", "revoke", analyst, "analyst"], as: db.admin, environment: Self.noWaiting)
            #expect(revoked.status == 0, "\(revoked)")
            // The revoke took effect at once: the analyst's next call, in the same open transaction, is refused.
            do {
                _ = try idle.execute(sql: "SELECT count(*) FROM migstat.report(ARRAY['sex'])")
                Issue.record("a revoked analyst still ran a report in its open transaction")
            } catch let error as PQError {
                #expect(error.sqlState == .insufficientPrivilege, "\(error)")
            }
            _ = try idle.execute(sql: "ROLLBACK")
            // The rolled-back report left no entry, but read_gaps still finds its read number.
            let auditor = try connect(db, as: db.auditor)
            #expect(try auditor.execute(sql: "SELECT count(*) FROM migstat.audit_log WHERE action = 'report.run'").int(0, 0) == 0)
            #expect(try auditor.execute(sql: "SELECT count(*) FROM migstat.read_gaps()").int(0, 0) >= 1)
        }
    }

    @Test func sixteenConcurrentWritersLeaveOneValidTree() throws {
        try withTestDatabase { db in
            #expect(try db.importFile(try db.write("first.csv", ReportCLITests.batch().text)).status == 0)
            let analyst = try login(db, "analyst")
            defer { drop(db, [analyst]) }
            try db.mustSucceed(["access", "grant", analyst, "analyst"], as: db.admin)
            let before = try db.int("SELECT count(*) FROM migstat.audit_log")
            let conninfo = db.server.conninfo(database: db.name, user: analyst)
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 16) { worker in
                do {
                    let c = try PQConnection(conninfo: conninfo)
                    for n in 0..<10 {
                        _ = try c.execute(sql: "SELECT count(*) FROM migstat.report(ARRAY['sex'])")
                        if n % 3 == worker % 3 { _ = try c.execute(sql: "SELECT migstat.audit_seal(false)") }
                    }
                } catch {
                    failures.add("\(worker): \(error)")
                }
            }
            #expect(failures.all.isEmpty, "\(failures.all)")
            let store = AuditStore(connection: try connect(db, as: db.auditor))
            guard case .intact(let entries, let head) = try store.verify() else {
                Issue.record("the log of 16 concurrent writers does not verify: \(try store.verify())")
                return
            }
            #expect(entries == before + 160 && head.size == entries)
            // Positions are dense and every entry has one.
            #expect(try db.int("SELECT count(DISTINCT idx) FROM migstat.audit_tree WHERE level = 0") == entries)
            #expect(try db.int("SELECT max(idx) + 1 FROM migstat.audit_tree WHERE level = 0") == entries)
        }
    }

    @Test func aFailedImportLeavesNoImportEntry() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.add("A-1")
            csv.add("A-2", ["sex": "Q"])
            let before = try db.int("SELECT count(*) FROM migstat.audit_log WHERE action = 'batch.import'")
            let result = try db.importFile(try db.write("bad.csv", csv.text), ["--max-rejects", "0"])
            #expect(result.status == 65, "\(result)")
            #expect(try db.int("SELECT count(*) FROM migstat.audit_log WHERE action = 'batch.import'") == before)
            #expect(try db.int("SELECT count(*) FROM migstat.audit_pending p WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_log a WHERE a.seq = p.seq)") == 0)
        }
    }

    @Test func checkpointsAndProofsCatchEveryFalsification() throws {
        try withTestDatabase { db in
            #expect(try db.importFile(try db.write("first.csv", ReportCLITests.batch().text)).status == 0)
            let head = try db.mustSucceed(["audit", "head"], as: db.auditor).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let checkpoint = AuditCheckpoint(head) else {
                Issue.record("audit head printed no checkpoint: \(head)")
                return
            }
            let headFile = try db.write("checkpoint.txt", head + "\n")
            try db.mustSucceed(["audit", "export", "--output", db.workDir + "/archive.jsonl"], as: db.auditor)
            // More activity after the checkpoint.
            try db.mustSucceed(["purpose", "add", "later", "--description", "after the checkpoint", "--retain-until", "1 year"], as: db.admin)
            let importSeq = try db.int("SELECT max(seq) FROM migstat.audit_log WHERE action = 'batch.import'")

            // An inclusion proof checks with no database, and fails after any change.
            let proofPath = db.workDir + "/proof.json"
            try db.mustSucceed(["audit", "prove", String(importSeq), "--head", headFile, "--output", proofPath], as: db.auditor)
            let offline = try CommandRunner.run(try TestPaths.migstatBinary(), ["audit", "check-proof", proofPath], directory: db.workDir)
            #expect(offline.status == 0 && offline.stdout.contains("proof holds"), "\(offline)")
            let proofText = try String(contentsOfFile: proofPath, encoding: .utf8)
            let changedEntry = try db.write("changed-entry.json", proofText.replacingOccurrences(of: "batch.import", with: "batch.imporT"))
            let changedHead = try db.write("changed-head.json", proofText.replacingOccurrences(of: checkpoint.root, with: String(checkpoint.root.reversed())))
            for bad in [changedEntry, changedHead] {
                let r = try CommandRunner.run(try TestPaths.migstatBinary(), ["audit", "check-proof", bad], directory: db.workDir)
                #expect(r.status == 65, "\(r)")
            }
            #expect(try db.run(["audit", "verify", "--head", headFile], as: db.auditor).status == 0)

            let sql = try db.superuser()
            func verify(_ extra: [String] = []) throws -> CommandResult {
                try db.run(["audit", "verify", "--head", headFile] + extra, as: db.auditor)
            }
            // 1. An entry changed with the triggers disabled: named.
            _ = try sql.execute(sql: "BEGIN")
            _ = try sql.execute(sql: "ALTER TABLE migstat.audit_log DISABLE TRIGGER audit_log_no_update")
            _ = try sql.execute(sql: "UPDATE migstat.audit_log SET details = details || '{\"accepted\": 1}' WHERE seq = \(importSeq)")
            _ = try sql.execute(sql: "ALTER TABLE migstat.audit_log ENABLE TRIGGER audit_log_no_update")
            _ = try sql.execute(sql: "COMMIT")
            var r = try verify()
            #expect(r.status == 65 && r.stderr.contains("seq \(importSeq)"), "\(r)")
            // 2. ... and rewritten consistently (the whole tree rebuilt): the checkpoint no longer fits; the
            // archive names the entry.
            _ = try sql.execute(sql: "BEGIN")
            _ = try sql.execute(sql: "SET LOCAL session_replication_role = replica")
            _ = try sql.execute(sql: "DELETE FROM migstat.audit_tree")
            _ = try sql.execute(sql: "INSERT INTO migstat.audit_pending SELECT seq FROM migstat.audit_log ON CONFLICT DO NOTHING")
            _ = try sql.execute(sql: "COMMIT")
            r = try verify()
            #expect(r.status == 65 && r.stderr.contains("does not extend checkpoint"), "\(r)")
            r = try db.run(["audit", "verify", "--archive", db.workDir + "/archive.jsonl"], as: db.auditor)
            #expect(r.status == 65 && r.stderr.contains("first bad entry seq \(importSeq)"), "\(r)")
            // 3. The tail cut off below the checkpoint: found.
            _ = try sql.execute(sql: "BEGIN")
            _ = try sql.execute(sql: "SET LOCAL session_replication_role = replica")
            _ = try sql.execute(sql: "DELETE FROM migstat.audit_tree WHERE (idx + 1) << level > \(checkpoint.size - 2)")
            _ = try sql.execute(sql: "DELETE FROM migstat.audit_log a WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_tree t WHERE t.level = 0 AND t.seq = a.seq)")
            _ = try sql.execute(sql: "DELETE FROM migstat.audit_pending")
            _ = try sql.execute(sql: "COMMIT")
            r = try verify()
            #expect(r.status == 65 && r.stderr.contains("were removed"), "\(r)")
        }
    }
}

/// Errors collected from concurrent workers.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
