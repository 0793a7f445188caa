package import MigstatPQ

/// One import of an estimates file (`migstat.estimates_list`).
package struct EstimateImport: Sendable, Equatable {
    package var id: Int
    package var purpose: String
    package var source: String
    package var fileName: String
    package var sha256: String
    package var estimates: Int
    package var periodFrom: String?
    package var periodTo: String?
    /// `active` or `withdrawn`.
    package var status: String
    package var importedAt: String
    package var importedBy: String
    package var withdrawnAt: String?
    package var withdrawnBy: String?
    package var withdrawReason: String?
}

/// Estimates from studies and other sources: `migstat.estimates_import`, `estimates_list`, `estimates_withdraw`.
package struct EstimateStore {
    private let connection: PQConnection

    /// A store over a connection (import: a loader of the purpose's compartment; list: any migstat role;
    /// withdraw: a loader of the purpose or an administrator).
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Stores a file's estimates for `purpose` from `source`: all rows or none. The same content (SHA-256)
    /// imported before and not withdrawn is refused.
    /// - Returns: the number of estimates stored.
    /// - Throws: `MigstatError` naming the file's line and column when the database refuses a row (see
    ///   `EstimatesFile.located`), `.duplicateBatch` for a file imported before, else with the database error
    ///   as `underlying`.
    package func store(_ file: EstimatesFile, source: String, purpose: String, sha256: String) throws -> Int {
        let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
        let query: PQQuery = """
            SELECT migstat.estimates_import(\(source), \(purpose), \(file.json, as: .jsonb), \(name), \(sha256))
            """
        do {
            return try connection.execute(query).int(0, 0)
        } catch let error as PQError where error.sqlState?.rawValue == "MS409" {
            throw MigstatError(.duplicateBatch, error.redactedMessage, file: file.path, underlying: error)
        } catch let error as PQError {
            throw file.located(error)
        }
    }

    /// The imports of estimates, of one purpose or all, oldest first.
    package func list(purpose: String?) throws -> [EstimateImport] {
        let result: PQResult
        do {
            result = try connection.execute("""
                SELECT id, purpose, source, file_name, sha256, estimates, period_from::text, period_to::text, status,
                       to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS imported_at, imported_by,
                       to_char(withdrawn_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS withdrawn_at,
                       withdrawn_by, withdraw_reason
                  FROM migstat.estimates_list(\(purpose))
                """)
        } catch let error as PQError {
            throw MigstatError(database: error)
        }
        return try (0..<result.rowCount).map { row in
            EstimateImport(
                id: try result.int(row, "id"), purpose: try result.string(row, "purpose"),
                source: try result.string(row, "source"), fileName: try result.string(row, "file_name"),
                sha256: try result.string(row, "sha256"), estimates: try result.int(row, "estimates"),
                periodFrom: try result.optionalString(row, "period_from"),
                periodTo: try result.optionalString(row, "period_to"), status: try result.string(row, "status"),
                importedAt: try result.string(row, "imported_at"), importedBy: try result.string(row, "imported_by"),
                withdrawnAt: try result.optionalString(row, "withdrawn_at"),
                withdrawnBy: try result.optionalString(row, "withdrawn_by"),
                withdrawReason: try result.optionalString(row, "withdraw_reason"))
        }
    }

    /// Withdraws an import: its estimates are deleted, the import kept as withdrawn; audited.
    /// - Returns: the number of estimates removed.
    package func withdraw(id: Int, reason: String) throws -> Int {
        do {
            return try connection.execute("SELECT migstat.estimates_withdraw(\(id)::bigint, \(reason))").int(0, 0)
        } catch let error as PQError {
            throw MigstatError(database: error)
        }
    }
}
