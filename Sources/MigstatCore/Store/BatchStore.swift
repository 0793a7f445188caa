package import MigstatPQ

/// An imported batch, as `migstat.batches` shows it (names instead of ids).
///
/// Times are ISO 8601 text as PostgreSQL writes a `timestamptz` (`2025-01-31 10:15:02.123456+00`).
package struct Batch: Sendable, Equatable {
    package var id: Int
    package var source: String
    package var purpose: String
    /// The file's name (without its directory).
    package var fileName: String
    /// SHA-256 of the file's bytes, 64 lower-case hex digits.
    package var sha256: String
    /// Rows read (nil while loading).
    package var rowsRead: Int?
    package var accepted: Int?
    package var rejected: Int?
    /// `loading`, `loaded`, `withdrawn` or `purged`.
    package var status: String
    package var importedAt: String
    package var importedBy: String
    package var withdrawnAt: String?
    package var withdrawnBy: String?
    package var withdrawReason: String?
}

/// What a withdrawal did.
package struct BatchWithdrawal: Sendable, Equatable {
    package var id: Int
    /// `withdrawn`.
    package var status: String
    /// How many records were dropped with the batch's table.
    package var recordsRemoved: Int?
    package var withdrawnAt: String?
    package var withdrawnBy: String?
}

/// Batches: `migstat.batches` and `migstat.withdraw_batch` (the importer's statements are in `ImportStore`).
package struct BatchStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    private static let columns = """
        id, source, purpose, file_name, sha256, rows_read, accepted, rejected, status, imported_at::text AS imported_at,
        imported_by, withdrawn_at::text AS withdrawn_at, withdrawn_by, withdraw_reason
        """

    /// Every batch the user may see, by id.
    package func list() throws -> [Batch] {
        let result = try connection.execute(sql: "SELECT \(Self.columns) FROM migstat.batches ORDER BY id")
        return try (0..<result.rowCount).map { try Self.batch(result, $0) }
    }

    /// One batch, or nil when there is none with this id (or the user may not see it).
    package func batch(id: Int) throws -> Batch? {
        var query = PQQuery()
        query.append("SELECT \(Self.columns) FROM migstat.batches WHERE id = ")  // program text: spliced
        query.bind(id)
        let result = try connection.execute(query)
        return result.rowCount == 1 ? try Self.batch(result, 0) : nil
    }

    /// Withdraws a batch: drops all its records, keeps the batch row and writes an audit row.
    /// - Parameters:
    ///   - id: the batch.
    ///   - reason: why (kept in the batch list and the audit log).
    /// - Throws: `PQError` (42501 not the purpose's loader or an administrator, 22023 no reason, MS404 no such
    ///   batch, 55000 not loaded).
    package func withdraw(id: Int, reason: String) throws -> BatchWithdrawal {
        let query: PQQuery = """
            SELECT id, status, accepted, withdrawn_at::text AS withdrawn_at, withdrawn_by
              FROM migstat.withdraw_batch(\(id), \(reason))
            """
        let result = try connection.execute(query)
        return BatchWithdrawal(
            id: try result.int(0, "id"), status: try result.string(0, "status"),
            recordsRemoved: try result.optionalInt(0, "accepted"), withdrawnAt: try result.optionalString(0, "withdrawn_at"),
            withdrawnBy: try result.optionalString(0, "withdrawn_by"))
    }

    private static func batch(_ result: PQResult, _ row: Int) throws -> Batch {
        Batch(id: try result.int(row, "id"), source: try result.string(row, "source"),
              purpose: try result.string(row, "purpose"), fileName: try result.string(row, "file_name"),
              sha256: try result.string(row, "sha256"), rowsRead: try result.optionalInt(row, "rows_read"),
              accepted: try result.optionalInt(row, "accepted"), rejected: try result.optionalInt(row, "rejected"),
              status: try result.string(row, "status"), importedAt: try result.string(row, "imported_at"),
              importedBy: try result.string(row, "imported_by"),
              withdrawnAt: try result.optionalString(row, "withdrawn_at"),
              withdrawnBy: try result.optionalString(row, "withdrawn_by"),
              withdrawReason: try result.optionalString(row, "withdraw_reason"))
    }
}
