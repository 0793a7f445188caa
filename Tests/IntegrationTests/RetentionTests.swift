import Foundation
import MigstatPQ
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Retention (issue 10) through the real binary: a purpose ends, its purge (dry run, then --execute) drops its
/// record-level storage whole and verifies it, the key is destroyed on every machine, the declared tables and the
/// receipts outlive the records, and `purge status` fails while a due purge has not happened.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct RetentionTests {
    /// Every row of the migstat schemas, as the superuser (pg_dump --data-only).
    static func dataDump(_ db: TestDatabase) throws -> String {
        let dump = try CommandRunner.run(
            "/usr/bin/env", ["pg_dump", "--data-only", "--no-owner", "-n", "migstat", "-n", "migstat_data", "-d", db.name],
            directory: db.workDir, environment: db.server.clientEnvironment)
        guard dump.status == 0 else { throw IntegrationFailure("pg_dump failed: \(dump)") }
        // pg_dump's \restrict key is random on every run.
        return dump.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n")
    }

    /// The data files of a purpose's storage (partitions, their indexes and TOAST), relative to the data directory.
    static func storageFiles(_ db: TestDatabase, purposeID: Int) throws -> [String] {
        let result = try db.query(
            """
            WITH tree AS (SELECT relid FROM pg_partition_tree(('migstat_data.purpose_' || $1)::regclass)),
                 rel AS (SELECT relid AS oid FROM tree
                         UNION SELECT i.indexrelid FROM tree JOIN pg_index i ON i.indrelid = tree.relid
                         UNION SELECT c.reltoastrelid FROM tree JOIN pg_class c ON c.oid = tree.relid WHERE c.reltoastrelid <> 0)
            SELECT pg_relation_filepath(oid) FROM rel WHERE pg_relation_filepath(oid) IS NOT NULL ORDER BY 1
            """, [String(purposeID)])
        return (0..<result.rowCount).compactMap { result[$0, 0] }
    }

    @Test func aPurposeEndsAndItsPurgeLeavesNothingButItsStatistics() throws {
        try withTestDatabase(purposes: ["flows", "other"]) { db in
            try DeclaredTableCLITests.declared(db)  // a batch of flows and its released table sd
            var other = FlowCSV()
            for index in 1...30 { other.add("O-\(index)") }
            #expect(try db.importFile(try db.write("other.csv", other.text), purpose: "other").status == 0)
            let declaredBefore = try db.mustSucceed(
                ["report", "--table", "sd", "--purpose", "flows", "--format", "csv"], as: db.admin).stdout
            let purposeID = try db.int("SELECT id FROM migstat.purpose WHERE name = 'flows'")
            let batchIDs = try db.batches().filter { $0.purpose == "flows" }.map(\.id)
            let files = try Self.storageFiles(db, purposeID: purposeID)
            #expect(files.count >= 2, "the purpose partition and its batch have files")
            let keyPath = try db.keyFilePath(purpose: "flows")
            #expect(FileManager.default.fileExists(atPath: keyPath), "purpose add created the key")
            // A second machine holding the same key.
            let secondKeys = db.workDir + "/keys-second-machine"
            try FileManager.default.createDirectory(atPath: secondKeys, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            let secondKeyPath = secondKeys + "/" + (keyPath as NSString).lastPathComponent
            try FileManager.default.copyItem(atPath: keyPath, toPath: secondKeyPath)

            // The purpose list, for every role (here the auditor and the loader): active, due in 5 years.
            for user in [db.auditor, db.loader] {
                let list = try db.mustSucceed(["purpose", "list", "--format", "csv"], as: user).stdout
                #expect(list.hasPrefix("name,description,retention_rule,due,status,days_left"), "\(list)")
                #expect(list.contains("\nflows,") && list.contains(",5 years,"), "\(list)")
            }

            // A dry run, as the administrator and as the auditor, changes nothing at all.
            let before = try Self.dataDump(db)
            let dry = try db.run(["purge", "--purpose", "flows"], as: db.admin)
            #expect(dry.status == 0 && dry.stderr.contains("dry run: nothing changed; add --execute"), "\(dry)")
            #expect(dry.stdout.contains("not due before"), "an active purpose is not due: \(dry)")
            let dryJSON = try db.run(["purge", "--format", "json"], as: db.auditor)
            #expect(dryJSON.status == 0 && dryJSON.stdout.contains("\"declared_tables_kept\": [\"sd\"]"), "\(dryJSON)")
            #expect(try Self.dataDump(db) == before, "a dry run changed the database")
            let early = try db.run(["purge", "--purpose", "flows", "--execute"], as: db.admin)
            #expect(early.status == 65 && early.stderr.contains("not due before"), "\(early)")

            // The purpose ends; its purge is due and purge status fails, naming it.
            let ended = try db.run(["purpose", "end", "flows", "--reason", "the survey is published"], as: db.admin)
            #expect(ended.status == 0 && ended.stdout.contains("closed"), "\(ended)")
            let overdue = try db.run(["purge", "status"], as: db.auditor)
            #expect(overdue.status == 1 && overdue.stdout.contains("overdue") && overdue.stderr.contains("flows"),
                    "\(overdue)")
            let plan = try db.mustSucceed(["purge", "--due", "--format", "json"], as: db.admin).stdout
            #expect(plan.contains("\"purpose\": \"flows\"") && !plan.contains("\"purpose\": \"other\""), "\(plan)")
            #expect(plan.contains("\"rows_to_drop\": 25"), "\(plan)")

            // The purge.
            let purge = try db.run(["purge", "--purpose", "flows", "--execute"], as: db.admin)
            #expect(purge.status == 0, "\(purge)")
            #expect(purge.stdout.contains("of purpose flows: executed and verified"), "\(purge)")
            #expect(purge.stdout.contains("key file deleted: \(keyPath) (recorded: key.destroyed)"), "\(purge)")
            for batch in try db.batches() where batch.purpose == "flows" {
                #expect(batch.status == "purged")
            }
            // Nothing of it in the catalog, attached or detached; no record; its files gone after the checkpoint.
            let left = try db.int(
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'migstat_data' AND (c.relname = 'purpose_' || $1 OR c.relname = ANY ($2::text[]))
                """, [String(purposeID), "{" + batchIDs.map { "batch_\($0)" }.joined(separator: ",") + "}"])
            #expect(left == 0, "tables of the purpose left in the catalog")
            #expect(try db.int("SELECT count(*) FROM migstat.records WHERE purpose_id = $1", [String(purposeID)]) == 0)
            #expect(try db.int("SELECT count(*) FROM unnest($1::text[]) f WHERE pg_stat_file(f, true) IS NOT NULL",
                               ["{" + files.joined(separator: ",") + "}"]) == 0, "relation files left: \(files)")
            let verification = try db.query(
                """
                SELECT (verification->>'ok')::boolean, (verification->>'files_checked')::integer,
                       verification->>'checkpoint', verified_at IS NOT NULL
                  FROM migstat.purge WHERE purpose_id = $1
                """, [String(purposeID)])
            #expect(try verification.bool(0, 0) && verification.int(0, 1) >= files.count
                    && verification[0, 2] == "true" && verification.bool(0, 3), "verification")
            // The key is gone here, and the second machine loses its copy on its next command.
            #expect(!FileManager.default.fileExists(atPath: keyPath), "the key file is still there")
            #expect(FileManager.default.fileExists(atPath: secondKeyPath))
            let next = try db.run(["purpose", "list"], as: db.auditor, environment: ["MIGSTAT_KEY_DIR": secondKeys])
            #expect(next.status == 0 && next.stderr.contains("deleted the key file \(secondKeyPath) of purged purpose flows"),
                    "\(next)")
            #expect(!FileManager.default.fileExists(atPath: secondKeyPath), "the second copy of the key is still there")
            #expect(next.stdout.contains("purged"))

            // Receipts: purge.due and purge.executed (and both key deletions), and the log verifies.
            let actions = try db.auditActions().map(\.action)
            #expect(actions.filter { $0 == "purge.due" }.count == 1, "\(actions)")
            #expect(actions.filter { $0 == "purge.executed" }.count == 1, "\(actions)")
            #expect(actions.filter { $0 == "key.destroyed" }.count == 2, "\(actions)")
            let receipt = try db.query(
                "SELECT details::text FROM migstat.audit_log WHERE action = 'purge.executed'").string(0, 0)
            let sha = try db.query("SELECT sha256 FROM migstat.batch WHERE id = $1", [String(batchIDs[0])]).string(0, 0)
            #expect(receipt.contains(sha) && receipt.contains("\"ok\": true"), "\(receipt)")
            #expect(try db.run(["audit", "verify"], as: db.auditor).status == 0)

            // The statistics outlive the records: the declared table reports exactly what it did.
            let after = try db.mustSucceed(
                ["report", "--table", "sd", "--purpose", "flows", "--format", "csv"], as: db.admin)
            #expect(after.stdout == declaredBefore)
            #expect(after.stderr.contains("preserved: purpose flows was purged on"), "\(after.stderr)")
            let html = try db.mustSucceed(["report", "--table", "sd", "--purpose", "flows", "--format", "html"], as: db.admin).stdout
            #expect(html.contains("Preserved") && html.contains("its records are gone"), "the page says the table is preserved")
            // Anything else for it is refused; so is an import; the other purpose is untouched.
            let adHoc = try db.run(["report", "--by", "sex", "--filter", "purpose=flows"], as: db.admin)
            #expect(adHoc.status == 65 && adHoc.stderr.contains("purged"), "\(adHoc)")
            var late = FlowCSV()
            late.add("L-1")
            let refused = try db.importFile(try db.write("late.csv", late.text), purpose: "flows")
            #expect(refused.status != 0, "\(refused)")
            #expect(try db.batches().filter { $0.purpose == "flows" }.count == batchIDs.count)
            #expect(!FileManager.default.fileExists(atPath: keyPath), "the refused import created a key")
            #expect(try db.int("SELECT count(*) FROM migstat.records r JOIN migstat.purpose p ON p.id = r.purpose_id WHERE p.name = 'other'") == 30)

            // Purged again: it says so. Status passes now that nothing is due.
            let again = try db.run(["purge", "--purpose", "flows", "--execute"], as: db.admin)
            #expect(again.status == 0 && again.stderr.contains("already purged"), "\(again)")
            let status = try db.run(["purge", "status"], as: db.auditor)
            #expect(status.status == 0, "\(status)")
        }
    }

    @Test func keysAreCreatedOnceAndAnotherKeyIsRefused() throws {
        try withTestDatabase { db in
            let keyPath = try db.keyFilePath(purpose: db.purpose)
            let registered = try db.query("SELECT key_fingerprint FROM migstat.purpose WHERE name = $1", [db.purpose])
            #expect(registered[0, 0]?.count == 64, "purpose add registers the key's fingerprint")
            var csv = FlowCSV()
            for index in 1...5 { csv.add("K-\(index)") }
            let path = try db.write("keys.csv", csv.text)
            let listed = try db.mustSucceed(["keys", "--format", "csv"], as: db.loader).stdout
            #expect(listed.contains(",\(db.purpose),active,match,\(keyPath),"), "\(listed)")

            // Missing: refused before the file is read, naming the key id, the directory and what to do.
            let original = try Data(contentsOf: URL(fileURLWithPath: keyPath))
            try FileManager.default.removeItem(atPath: keyPath)
            let keyID = ((keyPath as NSString).lastPathComponent as NSString).deletingPathExtension
            let missing = try db.importFile(path)
            #expect(missing.status != 0 && missing.stderr.contains(keyID) && missing.stderr.contains(db.keyDir)
                    && missing.stderr.contains("copy its key file"), "\(missing)")
            #expect(!FileManager.default.fileExists(atPath: keyPath), "a new key was created")

            // Another key: refused by migstat, and by the database itself.
            let other = String(repeating: "ab", count: 32) + "\n"
            #expect(FileManager.default.createFile(atPath: keyPath, contents: Data(other.utf8),
                                                   attributes: [.posixPermissions: 0o600]))
            let wrong = try db.importFile(path)
            #expect(wrong.status != 0 && wrong.stderr.contains("is not the key of purpose"), "\(wrong)")
            let loader = try PQConnection(conninfo: db.server.conninfo(database: db.name, user: db.loader))
            #expect(throws: PQError.self) {
                try loader.execute(sql: "SELECT * FROM migstat.begin_batch('border', $1, 'x.csv', $2, $3)",
                                   [db.purpose, String(repeating: "0", count: 64), String(repeating: "1", count: 64)])
            }
            #expect(try db.batches().isEmpty)

            // The right key again: the import works.
            try original.write(to: URL(fileURLWithPath: keyPath))
            #expect(chmod(keyPath, 0o600) == 0)
            let good = try db.importFile(path)
            #expect(good.status == 0, "\(good)")
        }
    }
}
