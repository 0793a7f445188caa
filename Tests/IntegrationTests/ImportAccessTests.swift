import Foundation
import MigstatPQ
import Testing

/// Acceptance 10: compartments from the CLI, withdrawal of a batch, the audit chain.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportAccessTests {
    @Test func aLoaderWithoutThePurposesCompartmentGetsExit77() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.add("A-1")
            let path = try db.write("outsider.csv", csv.text)
            let result = try db.importFile(path, as: db.outsider)
            #expect(result.status == 77, "\(result)")
            #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
            try expectNothingStored(db)
            #expect(try db.int("SELECT count(*) FROM migstat.source") == 0)

            // A purpose that does not exist is not a permission problem (and says so).
            let undeclared = try db.importFile(path, purpose: "nope", as: db.outsider)
            #expect(undeclared.status == 65, "\(undeclared)")
            // The administrator holds no data role: it cannot import either.
            let admin = try db.importFile(path, as: db.admin)
            #expect(admin.status == 77, "\(admin)")
            try expectNothingStored(db)

            // Granted the compartment, the same login imports.
            try db.mustSucceed(["access", "grant", db.outsider, "loader", "--purpose", db.purpose], as: db.admin)
            let granted = try db.importFile(path, as: db.outsider)
            #expect(granted.status == 0, "\(granted)")
            #expect(try db.batches().map(\.importedBy) == [db.outsider])
        }
    }

    @Test func withdrawDropsTheBatchPartitionAndRecordsIt() throws {
        try withTestDatabase { db in
            var keep = FlowCSV()
            for index in 1...3 { keep.add("K-\(index)") }
            let keepResult = try db.importFile(try db.write("keep.csv", keep.text))
            let kept = try #require(try keepResult.summary().batch)

            var mistake = FlowCSV()
            for index in 1...4 { mistake.add("M-\(index)") }
            let mistakePath = try db.write("mistake.csv", mistake.text)
            let mistakeResult = try db.importFile(mistakePath)
            let batch = try #require(try mistakeResult.summary().batch)
            #expect(try db.batchTables() == ["batch_\(kept)", "batch_\(batch)"].sorted())
            #expect(try db.recordCount() == 7)

            // Someone without the compartment may not withdraw it.
            let denied = try db.run(["batches", "withdraw", String(batch), "--reason", "not mine"], as: db.outsider)
            #expect(denied.status == 77, "\(denied)")
            #expect(try db.batches().first { $0.id == batch }?.status == "loaded")

            // A reason is required.
            let noReason = try db.run(["batches", "withdraw", String(batch), "--reason", "  "], as: db.loader)
            #expect(noReason.status != 0, "\(noReason)")
            #expect(try db.batches().first { $0.id == batch }?.status == "loaded")

            let withdraw = try db.run(
                ["batches", "withdraw", String(batch), "--reason", "sent by mistake"], as: db.loader)
            #expect(withdraw.status == 0, "\(withdraw)")
            #expect(withdraw.stdout.contains("withdrawn"))

            // The partition is gone (a DROP, not a DELETE), the other batch untouched.
            #expect(try db.query("SELECT to_regclass($1) IS NULL", ["migstat_data.batch_\(batch)"]).bool(0, 0))
            #expect(try db.batchTables() == ["batch_\(kept)"])
            #expect(try db.storedRecords().map(\.recordID) == ["K-1", "K-2", "K-3"])
            let row = try #require(try db.batches().first { $0.id == batch })
            #expect(row.status == "withdrawn")
            #expect(row.withdrawnBy == db.loader)
            #expect(row.withdrawReason == "sent by mistake")
            #expect(row.accepted == 4)
            let audit = try db.auditActions()
            #expect(audit.contains { $0.action == "batch.withdraw" && $0.batch == batch && $0.actor == db.loader })
            #expect(audit.contains { $0.action == "batch.import" && $0.batch == batch })

            // Withdrawing twice is refused; the withdrawn file may be imported again.
            let twice = try db.run(["batches", "withdraw", String(batch), "--reason", "again"], as: db.loader)
            #expect(twice.status == 65, "\(twice)")
            let reimport = try db.importFile(mistakePath)
            #expect(reimport.status == 0, "\(reimport)")
            #expect(try db.recordCount() == 7)

            // The batch list shows it to the loader.
            let list = try db.run(["batches", "--format", "csv"], as: db.loader)
            #expect(list.status == 0, "\(list)")
            #expect(list.stdout.contains("withdrawn"))

            // The audit chain is intact after all that; only auditors may check it.
            let verify = try db.run(["audit", "verify"], as: db.auditor)
            #expect(verify.status == 0, "\(verify)")
            #expect(verify.stdout.contains("audit log intact"), "\(verify.stdout)")
            let loaderVerify = try db.run(["audit", "verify"], as: db.loader)
            #expect(loaderVerify.status == 77, "\(loaderVerify)")
        }
    }
}
