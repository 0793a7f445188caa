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
    ///   purpose not declared, MS409 another key than the purpose's registered one, MS410 purpose closed or purged).
    /// - Parameter keyFingerprint: the fingerprint of the local key (`keyFingerprint(purpose:keyStore:)`); the
    ///   database refuses another than the registered one, and registers it when none is.
    package func begin(source: String, purpose: String, fileName: String, sha256: String,
                       keyFingerprint: String? = nil) throws -> BegunBatch {
        let query: PQQuery = """
            SELECT batch_id, table_name, key_id
              FROM migstat.begin_batch(\(source), \(purpose), \(fileName), \(sha256), \(keyFingerprint))
            """
        let result = try connection.execute(query)
        return BegunBatch(id: try result.int(0, 0), tableName: try result.string(0, 1), keyID: try result.string(0, 2))
    }

    /// The fingerprint of this machine's key for `purpose`, checked before the batch file is read
    /// (`migstat.purpose` is readable by every role). A purpose whose key fingerprint is registered needs its
    /// key file: when it is missing this fails, naming the key id, the directory and how to install it. A
    /// purpose without a registered fingerprint keeps the first-import behaviour: its key is created here and
    /// `begin` registers it. nil for a purpose that is not declared or takes no batches (`begin` says why).
    /// - Throws: `MigstatError(.keyStore)`.
    package func keyFingerprint(purpose: String, keyStore: KeyStore) throws -> String? {
        let result = try connection.execute("""
            SELECT key_id::text AS key_id, key_fingerprint, status FROM migstat.purpose WHERE name = \(purpose)
            """)
        guard result.rowCount == 1, try result.string(0, "status") == "active" else { return nil }
        let keyID = try result.string(0, "key_id")
        guard let registered = try result.optionalString(0, "key_fingerprint") else {
            return KeyStore.fingerprint(of: try keyStore.key(forKeyID: keyID))
        }
        guard let key = try keyStore.existingKey(forKeyID: keyID) else {
            throw MigstatError(.keyStore, """
                the pseudonym key of purpose "\(purpose)" (key id \(keyID)) is not in the key directory \(keyStore.directory): \
                copy its key file \(keyID).key (mode 0600) there from the machine where the purpose was declared, \
                or point --key-dir / MIGSTAT_KEY_DIR at the directory holding it; nothing was imported
                """)
        }
        let fingerprint = KeyStore.fingerprint(of: key)
        guard fingerprint == registered else {
            throw MigstatError(.keyStore, """
                the key file \(keyStore.path(forKeyID: keyID)) is not the key of purpose "\(purpose)" (its fingerprint \
                differs from the one registered when the purpose was declared): install the purpose's own key file \
                \(keyID).key; nothing was imported
                """)
        }
        return fingerprint
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
