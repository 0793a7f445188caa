import Foundation
import MigstatPQ
import Testing

/// `migstat access list` reports what the PostgreSQL catalog says, and follows grants and revokes.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AccessListTests {
    /// Parses the CSV output of `access list` (login,role,purpose,access) into sorted lines.
    func listed(_ db: TestDatabase) throws -> [String] {
        let result = try db.mustSucceed(["access", "list", "--format", "csv"], as: db.admin)
        return result.stdout.split(separator: "\n").dropFirst().map(String.init).filter { line in
            db.loginUsers.contains { line.hasPrefix($0 + ",") }
        }.sorted()
    }

    /// The same facts computed independently from pg_auth_members (recursive membership).
    func catalog(_ db: TestDatabase) throws -> [String] {
        let tag = try #require(try db.query("SELECT value FROM migstat.setting WHERE key = 'instance_tag'")[0, 0])
        let result = try db.query("""
            WITH RECURSIVE m(member, roleid) AS (
                SELECT member, roleid FROM pg_auth_members
                UNION SELECT a.member, m.roleid FROM pg_auth_members a JOIN m ON m.member = a.roleid)
            SELECT u.rolname, g.rolname FROM m
              JOIN pg_roles u ON u.oid = m.member AND u.rolcanlogin
              JOIN pg_roles g ON g.oid = m.roleid
             WHERE g.rolname LIKE 'migstat\\_%'
            """)
        var lines: [String] = []
        for row in 0..<result.rowCount {
            let login = try result.string(row, 0)
            let group = try result.string(row, 1)
            guard db.loginUsers.contains(login) else { continue }
            if let kind = ["loader", "analyst", "steward", "auditor", "admin"].first(where: { group == "migstat_" + $0 }) {
                lines.append("\(login),\(kind),,")
            } else if group.hasPrefix("migstat_\(tag)_") {
                let rest = group.dropFirst("migstat_\(tag)_".count)
                guard let cut = rest.lastIndex(of: "_") else { continue }
                let purpose = String(rest[..<cut])
                let access = String(rest[rest.index(after: cut)...])
                lines.append("\(login),\(access == "load" ? "loader" : "steward"),\(purpose),\(access)")
            }
        }
        return lines.sorted()
    }

    @Test func accessListAgreesWithTheCatalogThroughGrantsAndRevokes() throws {
        try withTestDatabase { db in
            #expect(try listed(db) == catalog(db))
            #expect(try listed(db).contains("\(db.loader),loader,\(db.purpose),load"))

            try db.mustSucceed(["access", "grant", db.outsider, "steward", "--purpose", db.purpose, "--special-category"],
                               as: db.admin)
            let afterGrant = try listed(db)
            #expect(afterGrant == (try catalog(db)))
            #expect(afterGrant.contains("\(db.outsider),steward,\(db.purpose),read"))
            #expect(afterGrant.contains("\(db.outsider),steward,\(db.purpose),special"))

            try db.mustSucceed(["access", "revoke", db.outsider, "steward", "--special-category"], as: db.admin)
            let afterRevoke = try listed(db)
            #expect(afterRevoke == (try catalog(db)))
            #expect(!afterRevoke.contains("\(db.outsider),steward,\(db.purpose),special"))
            #expect(afterRevoke.contains("\(db.outsider),steward,\(db.purpose),read"))

            // A grant made behind migstat's back, directly in SQL, shows up too: the catalog is the truth.
            try db.query("GRANT migstat_auditor TO \(PQConnection.quoteIdentifier(db.outsider))")
            #expect(try listed(db).contains("\(db.outsider),auditor,,"))
            #expect(try listed(db) == catalog(db))
        }
    }
}
