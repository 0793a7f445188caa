package import MigstatPQ

/// A batch begun by `migstat.begin_batch`: its id, its own new table and the purpose's key id.
package struct BegunBatch: Sendable, Equatable {
    package var id: Int
    /// `migstat_data.batch_<id>`, as the database names it (already quoted where needed).
    package var tableName: String
    /// The purpose's pseudonymisation key id.
    package var keyID: String
}

/// A row `migstat.check_batch` refused (and removed from the batch's table).
package struct DatabaseReject: Sendable, Equatable {
    /// The physical line of the record in the batch file.
    package var line: Int
    /// The column concerned (`record_id`).
    package var column: String?
    package var reason: RejectReason
}

/// The importer's statements, all inside the importing transaction: `begin_batch`, the COPY into the
/// batch's table, `check_batch`, `finish_batch`.
package struct ImportStore {
    private let connection: PQConnection

    /// A store over a connection as the loader.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Begins a batch: its row (status `loading`), its table, and INSERT on that table for the loader.
    /// - Throws: `PQError` (42501 no compartment, MS409 file imported before: DETAIL `batch=<id>`, MS404
    ///   purpose not declared).
    package func begin(source: String, purpose: String, fileName: String, sha256: String) throws -> BegunBatch {
        let query: PQQuery = """
            SELECT batch_id, table_name, key_id FROM migstat.begin_batch(\(source), \(purpose), \(fileName), \(sha256))
            """
        let result = try connection.execute(query)
        return BegunBatch(id: try result.int(0, 0), tableName: try result.string(0, 1), keyID: try result.string(0, 2))
    }

    /// Streams the encoded rows into the batch's table (`COPY … FROM STDIN`, binary, `RecordEncoder`'s columns).
    /// - Returns: the number of rows copied.
    package func copy(into batch: BegunBatch, _ body: (PQCopyWriter) throws -> Void) throws -> Int64 {
        let columns = RecordEncoder.copyColumns.joined(separator: ", ")
        return try connection.copyFrom("COPY \(batch.tableName) (\(columns)) FROM STDIN \(RecordEncoder.copyOptions)",
                                       body)
    }

    /// Runs `migstat.check_batch` (duplicates within the batch and already stored), which removes the rows it
    /// refuses, and hands them over one by one in line order (the list can be as long as the batch).
    /// - Parameters:
    ///   - candidates: record_ids that may occur more than once in the batch; nil: compare every record_id.
    ///   - reject: called for each refused row.
    package func check(batch id: Int, candidates: [String]?, reject: (DatabaseReject) throws -> Void) throws {
        let query: PQQuery = """
            SELECT line_no, column_name, reason FROM migstat.check_batch(\(id), \(candidates, as: .textArray)) ORDER BY line_no
            """
        try connection.stream(query) { row in
            try reject(DatabaseReject(line: try row.int(0, 0), column: row[0, 1],
                                      reason: RejectReason(databaseReason: try row.string(0, 2))))
        }
    }

    /// Completes the batch: checks the accounting, seals and attaches its table, writes the audit row.
    /// - Returns: the number of records stored.
    package func finish(batch id: Int, rowsRead: Int, rejected: Int) throws -> Int {
        let query: PQQuery = "SELECT accepted FROM migstat.finish_batch(\(id), \(rowsRead), \(rejected))"
        return try connection.execute(query).int(0, 0)
    }
}
