package import MigstatPQ

/// A declared purpose (a compartment) and its retention rule.
package struct Purpose: Sendable, Equatable {
    /// `a-z` first, then `a-z`, `0-9`, `_`.
    package var name: String
    /// What the data is collected for.
    package var description: String
    /// The date (ISO 8601, `YYYY-MM-DD`) after which its record-level data is purged.
    package var retainUntil: String
    /// The rule as declared (`2030-12-31` or `5 years`).
    package var retentionRule: String
    /// The id of its pseudonymisation key (a UUID; the key file is `<key_id>.key`).
    package var keyID: String
    /// `active` or `purged`.
    package var status: String
    /// The day it was declared (ISO 8601, `YYYY-MM-DD`).
    package var createdOn: String
}

/// A purpose in the list, with the number of its loaded batches.
package struct PurposeListing: Sendable, Equatable {
    package var purpose: Purpose
    /// Batches of the purpose whose records are stored (status `loaded`).
    package var loadedBatches: Int
}

/// Purposes: `migstat.purpose_add` and `migstat.purpose`.
package struct PurposeStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Declares a purpose (administrators); writes an audit row in the same transaction.
    /// - Parameters:
    ///   - name: the purpose's name.
    ///   - description: what the data is collected for.
    ///   - retainUntil: `YYYY-MM-DD`, or a duration from today (`5 years`).
    /// - Returns: the purpose as stored.
    /// - Throws: `PQError` (42501 not an administrator, 22023 bad name or rule, 23505 already declared).
    package func add(name: String, description: String, retainUntil: String) throws -> Purpose {
        let query: PQQuery = """
            SELECT name, description, retain_until::text AS retain_until, retention_rule, key_id::text AS key_id,
                   status, created_at::date::text AS created
              FROM migstat.purpose_add(\(name), \(description), \(retainUntil))
            """
        let result = try connection.execute(query)
        return try Self.purpose(result, 0)
    }

    /// Every purpose, by name.
    package func list() throws -> [PurposeListing] {
        let result = try connection.execute("""
            SELECT p.name, p.description, p.retain_until::text AS retain_until, p.retention_rule,
                   p.key_id::text AS key_id, p.status, p.created_at::date::text AS created,
                   (SELECT count(*) FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status = 'loaded') AS batches
              FROM migstat.purpose p ORDER BY p.name
            """)
        return try (0..<result.rowCount).map { row in
            PurposeListing(purpose: try Self.purpose(result, row), loadedBatches: try result.int(row, "batches"))
        }
    }

    private static func purpose(_ result: PQResult, _ row: Int) throws -> Purpose {
        Purpose(name: try result.string(row, "name"), description: try result.string(row, "description"),
                retainUntil: try result.string(row, "retain_until"),
                retentionRule: try result.string(row, "retention_rule"), keyID: try result.string(row, "key_id"),
                status: try result.string(row, "status"), createdOn: try result.string(row, "created"))
    }
}
