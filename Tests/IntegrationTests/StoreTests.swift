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

    @Test func auditVerifyChecksASavedCheckpoint() throws {
        try withTestDatabase { db in
            let store = AuditStore(connection: try connect(db, as: db.auditor))
            guard case .intact(let entries, let head) = try store.verify() else {
                Issue.record("the log of a fresh database is not intact")
                return
            }
            #expect(entries > 0 && head.size == entries && head.root.count == 64)
            #expect(try store.verify(against: head) == .intact(entries: entries, head: head))
            let forged = AuditCheckpoint(installation: head.installation, size: head.size, root: String(repeating: "0", count: 64))
            guard case .notExtending = try store.verify(against: forged) else {
                Issue.record("a forged checkpoint was accepted")
                return
            }
            let beyond = AuditCheckpoint(installation: head.installation, size: head.size + 100, root: head.root)
            guard case .notExtending = try store.verify(against: beyond) else {
                Issue.record("a checkpoint beyond the log was accepted")
                return
            }
            let entriesListed = try store.list(last: 2)
            #expect(entriesListed.map(\.seq) == [head.size - 1, head.size])
            #expect(entriesListed.allSatisfy { $0.details.hasPrefix("{") && !$0.actor.isEmpty })
            // Only auditors read the log.
            #expect(throws: PQError.self) { try AuditStore(connection: try connect(db, as: db.loader)).verify() }
        }
    }

    /// The output programme's store: a declaration, its listing, the declared report (whole and streamed, the
    /// same cells), the audit and the information loss, typed.
    @Test func declaredTablesAreTyped() throws {
        try withTestDatabase { db in
            #expect(try db.importFile(try db.write("report.csv", ReportCLITests.batch().text)).status == 0)
            let admin = try connect(db, as: db.admin)
            let tables = DeclaredTableStore(connection: admin)
            let id = try tables.declare(DeclaredTableSpec(purpose: db.purpose, name: "sdq", title: "By sex and quarter",
                                                          dimensions: ["sex"], filters: ["direction": "IN"],
                                                          periodUnit: "quarter"))
            #expect(id > 0)
            let declared = try #require(try tables.table(purpose: db.purpose, name: "sdq"))
            #expect(declared.dimensions == ["sex", "period"] && declared.resultDimensions == ["sex", "period"])
            #expect(declared.periodUnit == "quarter" && declared.title == "By sex and quarter" && !declared.isRetired)
            #expect(declared.filtersJSON.contains("direction") && declared.declaredBy == db.admin)
            #expect(try tables.table(purpose: db.purpose, name: "none") == nil)
            let run = try tables.release(purpose: db.purpose)
            let releases = try tables.releases(purpose: db.purpose)
            #expect(releases.map(\.run) == [run] && releases.first?.tables == ["sdq"])
            #expect(releases.first?.batches == 1 && releases.first?.isStale == false && releases.first?.releasedBy == db.admin)

            let reports = ReportStore(connection: admin)
            let whole = try reports.table(declared: declared)
            var streamed: [ReportCell] = []
            try reports.stream(declared: declared) { streamed.append($0) }
            #expect(whole.cells == streamed && !whole.cells.isEmpty)
            #expect(whole.dimensions == ["sex", "period"] && whole.title == "By sex and quarter")
            #expect(whole.disclosure == .declared(purpose: db.purpose, name: "sdq"))
            #expect(whole.cells.allSatisfy { ["F", "C"].contains($0.confStatus) })
            // 16 entries: F 9, M 6, _U 1, all in 2024-Q1.
            #expect(whole.cells.first { $0.codes == ["F", "2024-Q1"] }?.value == 9)
            #expect(whole.cells.first { $0.codes == ["_U", "2024-Q1"] }?.confStatus == "C")

            let listed = try #require(try tables.list(purpose: db.purpose).first)
            #expect(listed.cells == whole.cells.count)
            #expect(listed.withheld == whole.cells.filter(\.isSuppressed).count)

            let audit = try DeclaredTableStore(connection: try connect(db, as: db.auditor))
                .audit(purpose: db.purpose, name: "sdq")
            #expect(Set(audit.map(\.codes)) == Set(whole.cells.filter(\.isSuppressed).map(\.codes)))
            #expect(audit.first { $0.codes == ["_U", "2024-Q1"] }.map { ($0.value, $0.status) } ?? (0, "") == (1, "primary"))
            #expect(audit.allSatisfy { ($0.lower ?? 0) <= $0.value && $0.value <= ($0.upper ?? Int.max) })

            let loss = try tables.infoLoss(purpose: db.purpose)
            #expect(loss.map(\.name) == ["sdq"] && loss.first?.total == 16 && loss.first?.cells == whole.cells.count)

            try tables.retire(purpose: db.purpose, name: "sdq")
            #expect(try tables.table(purpose: db.purpose, name: "sdq")?.isRetired == true)
            #expect(throws: PQError.self) { try reports.table(declared: declared) }
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
