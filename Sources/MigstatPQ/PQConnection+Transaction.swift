extension PQConnection {
    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT` if `body` returns, or `ROLLBACK` if it throws.
    ///
    /// Called while a transaction is already open (a nested call), it uses a savepoint instead: on a throw only
    /// the nested work is rolled back (`ROLLBACK TO SAVEPOINT`) and the outer transaction goes on.
    ///
    /// If a statement inside failed but `body` caught that error and returned, PostgreSQL turns the `COMMIT` into a
    /// `ROLLBACK`; this is reported as an error (SQLSTATE `25P02`) rather than as success.
    /// - Parameter body: the work; it runs on this connection's thread and may use the connection.
    /// - Returns: what `body` returned, once committed.
    /// - Throws: the error `body` threw (after a best-effort rollback), or a ``PQError`` from `BEGIN`/`COMMIT`
    ///   (e.g. ``SQLState/serializationFailure`` at commit).
    @discardableResult
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            return try savepoint(body)
        }
        try execute("BEGIN")
        let value: T
        do {
            value = try body()
        } catch {
            rollBackBestEffort("ROLLBACK")
            throw error
        }
        let commit: PQResult
        do {
            commit = try execute("COMMIT")
        } catch {
            // A failed COMMIT normally ends the transaction itself; make sure nothing stays open.
            if isInTransaction {
                rollBackBestEffort("ROLLBACK")
            }
            throw error
        }
        if commit.commandTag == "ROLLBACK" {
            throw PQError(
                code: .queryFailed,
                message: "the transaction was rolled back at COMMIT because a statement in it had failed",
                sqlState: .inFailedSQLTransaction,
                query: "COMMIT"
            )
        }
        return value
    }

    /// The nested form of ``transaction(_:)``: a savepoint that is released on success and rolled back to on throw.
    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointCounter += 1
        let name = "migstat_pq_savepoint_\(savepointCounter)"
        try execute(sql: "SAVEPOINT \(name)")
        let value: T
        do {
            value = try body()
        } catch {
            rollBackBestEffort("ROLLBACK TO SAVEPOINT \(name)")
            rollBackBestEffort("RELEASE SAVEPOINT \(name)")
            throw error
        }
        try execute(sql: "RELEASE SAVEPOINT \(name)")
        return value
    }

    /// Runs a rollback statement, ignoring its failure (the original error matters more); skipped if the connection
    /// is gone.
    private func rollBackBestEffort(_ sql: String) {
        guard isConnected else {
            return
        }
        _ = try? execute(sql: sql)
    }
}
