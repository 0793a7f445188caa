import Foundation
import MigstatCore
import MigstatPQ
import Testing

/// The stores over a real database, each on a connection as the signed-in login (never SET ROLE), as a web
/// console would use them.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct StoreTests {
    func connect(_ db: TestDatabase, as user: String) throws -> PQConnection {
        try PQConnection(conninfo: db.server.conninfo(database: db.name, user: user))
    }

    @Test func auditVerifyChecksASavedHead() throws {
        try withTestDatabase { db in
            let store = AuditStore(connection: try connect(db, as: db.auditor))
            guard case .intact(let entries, let head?) = try store.verify() else {
                Issue.record("the chain of a fresh database is not intact")
                return
            }
            #expect(entries > 0 && head.seq == entries && head.hash.count == 64)
            #expect(try store.verify(savedHead: head) == .intact(entries: entries, head: head))
            let forged = AuditHead(seq: head.seq, hash: String(repeating: "0", count: 64))
            #expect(try store.verify(savedHead: forged) == .headMissing(forged))
            let beyond = AuditHead(seq: head.seq + 100, hash: head.hash)
            #expect(try store.verify(savedHead: beyond) == .headMissing(beyond))
            let entriesListed = try store.list(last: 2)
            #expect(entriesListed.map(\.seq) == [head.seq - 1, head.seq])
            #expect(entriesListed.allSatisfy { $0.details.hasPrefix("{") && !$0.actor.isEmpty })
            // Only auditors read the log.
            #expect(throws: PQError.self) { try AuditStore(connection: try connect(db, as: db.loader)).verify() }
        }
    }

    @Test func purposesBatchesAndAccessAreTyped() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            for index in 1...3 { csv.add("T-\(index)") }
            let imported = try db.importFile(try db.write("typed.csv", csv.text))
            let id = try #require(try imported.summary().batch)

            let connection = try connect(db, as: db.loader)
            let purposes = try PurposeStore(connection: connection).list()
            let purpose = try #require(purposes.first { $0.purpose.name == db.purpose })
            #expect(purpose.loadedBatches == 1 && purpose.purpose.status == "active")
            #expect(purpose.purpose.retainUntil.count == 10 && purpose.purpose.keyID.count == 36)

            let batches = BatchStore(connection: connection)
            let batch = try #require(try batches.batch(id: id))
            #expect(batch.rowsRead == 3 && batch.accepted == 3 && batch.rejected == 0 && batch.status == "loaded")
            #expect(batch.fileName == "typed.csv" && batch.importedBy == db.loader && batch.withdrawnAt == nil)
            #expect(try batches.list() == [batch])
            #expect(try batches.batch(id: id + 1000) == nil)
            let withdrawal = try batches.withdraw(id: id, reason: "store test")
            #expect(withdrawal.id == id && withdrawal.status == "withdrawn" && withdrawal.recordsRemoved == 3)
            #expect(try batches.batch(id: id)?.withdrawReason == "store test")

            let access = try AccessStore(connection: try connect(db, as: db.admin)).list()
            let loader = access.filter { $0.login == db.loader }
            #expect(loader.contains { $0.role == "loader" && $0.purpose == nil && $0.access == nil })
            #expect(loader.contains { $0.role == "loader" && $0.purpose == db.purpose && $0.access == "load" })
        }
    }

    @Test func codeListsAndLabels() throws {
        try withTestDatabase { db in
            let codes = CodeStore(connection: try connect(db, as: db.loader))
            let sex = try codes.codes(of: "sex")
            #expect(sex.contains { $0.code == "F" && $0.isActive })
            #expect(try codes.lists().contains { $0.dimension == "sex" && $0.activeCodes == sex.filter(\.isActive).count })
            #expect(try codes.labels(of: ["sex"])["sex"]?["F"] != nil)
            #expect(try codes.codeBook()["sex"].id("f") != nil)
            #expect(try codes.codes(of: "no_such_list").isEmpty)
        }
    }
}
