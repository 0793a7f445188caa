package import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One purpose in a purge's dry run (`migstat.purge_plan`): what an executed purge would drop and keep.
package struct PurgePlanEntry: Sendable, Equatable {
    package var purpose: String
    package var status: String
    package var retainUntil: String
    /// Whether its purge is due (closed, or its retention date has come) and it is not purged.
    package var isDue: Bool
    /// Batches whose storage would go (`loading` and `loaded`).
    package var batches: Int
    package var loadedBatches: Int
    package var rowsToDrop: Int
    /// The record tables (`migstat_data.purpose_<id>`, `migstat_data.batch_<id>`) that would be dropped.
    package var tablesToDrop: [String]
    /// Declared tables preserved (released once more before the drop if needed).
    package var declaredTablesKept: [String]
    /// Why it would not run (`already purged`, `not due before …`); nil when it would.
    package var blocker: String?
}

/// A batch a purge dropped, as its receipt lists it.
package struct PurgedBatch: Sendable, Equatable {
    package var id: Int
    package var sha256: String
    package var rows: Int?
}

/// What `purge --execute` did for one purpose: the purge's id, its batches, its verification (the JSON
/// `migstat.purge_verify` returned: ok, records_left, tables_left, files_checked, files_left, checkpoint, at).
package struct PurgeReceipt: Sendable, Equatable {
    package var purpose: String
    package var purgeID: Int
    package var batches: [PurgedBatch]
    package var rows: Int
    package var declaredTablesKept: [String]
    /// The verification as JSON text (nil when it could not run: see `verificationError`).
    package var verification: String?
    package var isVerified: Bool
    package var verificationError: String?
    package var filesChecked: Int?
    /// The local key file deleted (crypto-shredding), or nil when this machine held none.
    package var keyDestroyed: String?
    /// The path of the key file that was looked for.
    package var keyPath: String
    /// Why the deletion could not be recorded with `key_destroyed` (nil: recorded or nothing to record).
    package var keyRecordError: String?
}

/// One row of `migstat.purge_status()`.
package struct PurgeStatusRow: Sendable, Equatable {
    package var ok: Bool
    package var item: String
    package var purpose: String?
    package var detail: String
}

/// A local key file of a purged purpose deleted by a command's prelude.
package struct DestroyedKey: Sendable, Equatable {
    package var keyID: String
    package var purpose: String
    package var path: String
    /// Why `key_destroyed` could not record it (nil: recorded).
    package var recordError: String?
}

/// A local key file and what the database knows of its purpose (`migstat keys`).
package struct LocalKey: Sendable, Equatable {
    package var keyID: String
    package var path: String
    /// The purpose it belongs to (nil: no purpose of this database has this key id).
    package var purpose: String?
    /// `active`, `closed`, `purged`, or nil (unknown here).
    package var status: String?
    /// `match`, `mismatch`, `unregistered`, or nil (unknown purpose or unreadable file).
    package var fingerprint: String?
}

/// Purges: the dry run, execution and verification, the status check, key destruction and the schedule.
/// `migstat.purge_plan`, `purge_execute`, `purge_verify`, `purge_status`, `key_destroyed`, and pg_cron's
/// `cron.schedule_in_database` / `cron.unschedule` (on a second connection to the cron database).
package struct PurgeStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// The dry run: reads only (the database writes nothing for it, not even an audit row).
    /// - Parameters:
    ///   - purpose: one purpose; nil: every purpose (or every due one with `due`).
    ///   - due: only purposes whose purge is due.
    /// - Throws: `PQError` (42501 neither administrator nor auditor, MS404 not declared).
    package func plan(purpose: String?, due: Bool) throws -> [PurgePlanEntry] {
        let result = try connection.execute("""
            SELECT purpose, status, retain_until::text AS retain_until, due, batches, loaded_batches, rows_to_drop,
                   array_to_string(tables_to_drop, ',') AS tables, array_to_string(declared_tables_kept, ',') AS kept,
                   blocker
              FROM migstat.purge_plan(\(purpose), \(due))
            """)
        return try (0..<result.rowCount).map { row in
            PurgePlanEntry(
                purpose: try result.string(row, "purpose"), status: try result.string(row, "status"),
                retainUntil: try result.string(row, "retain_until"), isDue: try result.bool(row, "due"),
                batches: try result.int(row, "batches"), loadedBatches: try result.int(row, "loaded_batches"),
                rowsToDrop: try result.int(row, "rows_to_drop"), tablesToDrop: list(try result.string(row, "tables")),
                declaredTablesKept: list(try result.string(row, "kept")),
                blocker: try result.optionalString(row, "blocker"))
        }
    }

    /// Executes the purge of one purpose (its own transaction, committed), then verifies it in a new one
    /// (`purge_verify`: CHECKPOINT, no record, no table, no file left; receipt `purge.executed`), then
    /// destroys this machine's copy of the purpose's key and records that it did (`key_destroyed`).
    /// - Parameter plan: the purpose's dry-run entry (for the declared tables kept).
    /// - Throws: `PQError` from `purge_execute` (42501, MS404, MS410 already purged, 22023 not due). A failed
    ///   verification does not throw: the receipt says so (run `purge verify ID` again).
    package func execute(purpose: String, keyStore: KeyStore, plan: PurgePlanEntry?) throws -> PurgeReceipt {
        if connection.isInTransaction {
            throw MigstatError(.invalidArgument, "a purge commits before it is verified: not inside a transaction")
        }
        let purgeID = try connection.execute("SELECT migstat.purge_execute(\(purpose))").int(0, 0)
        // Committed: what went, as the batch list now says (status purged).
        let batchRows = try connection.execute("""
            SELECT id, sha256, accepted FROM migstat.batches WHERE purpose = \(purpose) AND status = 'purged' ORDER BY id
            """)
        let batches = try (0..<batchRows.rowCount).map {
            PurgedBatch(id: try batchRows.int($0, "id"), sha256: try batchRows.string($0, "sha256"),
                        rows: try batchRows.optionalInt($0, "accepted"))
        }
        var receipt = PurgeReceipt(
            purpose: purpose, purgeID: purgeID, batches: batches, rows: batches.reduce(0) { $0 + ($1.rows ?? 0) },
            declaredTablesKept: plan?.declaredTablesKept ?? [], verification: nil, isVerified: false,
            verificationError: nil, filesChecked: nil, keyDestroyed: nil, keyPath: "", keyRecordError: nil)
        do {
            let verified = try verify(purgeID: purgeID)
            receipt.verification = verified.json
            receipt.isVerified = verified.ok
            receipt.filesChecked = verified.filesChecked
        } catch let error as PQError {
            receipt.verificationError = error.description
        }
        let keyID = try connection.execute("SELECT key_id::text FROM migstat.purpose WHERE name = \(purpose)")
            .string(0, 0)
        receipt.keyPath = keyStore.absolutePath(forKeyID: keyID)
        if try keyStore.destroyKey(forKeyID: keyID) {
            receipt.keyDestroyed = receipt.keyPath
            receipt.keyRecordError = recordKeyDestroyed(keyID: keyID, path: receipt.keyPath)
        }
        return receipt
    }

    /// Verifies a purge again (after its transaction committed): CHECKPOINT, checks, receipt.
    /// - Returns: whether it is ok, the verification as JSON, and how many files were checked.
    package func verify(purgeID: Int) throws -> (ok: Bool, json: String, filesChecked: Int) {
        let result = try connection.execute("""
            SELECT v::text AS v, (v->>'ok')::boolean AS ok, (v->>'files_checked')::integer AS files
              FROM migstat.purge_verify(\(purgeID)::bigint) v
            """)
        return (try result.bool(0, "ok"), try result.string(0, "v"), try result.int(0, "files"))
    }

    /// Whether retention is being kept (`migstat.purge_status()`): problems have `ok` false.
    package func status() throws -> [PurgeStatusRow] {
        let result = try connection.execute(sql: "SELECT ok, item, purpose, detail FROM migstat.purge_status()")
        return try (0..<result.rowCount).map {
            PurgeStatusRow(ok: try result.bool($0, "ok"), item: try result.string($0, "item"),
                           purpose: try result.optionalString($0, "purpose"), detail: try result.string($0, "detail"))
        }
    }

    // MARK: - Keys

    /// Records that this machine deleted the key file of a purged purpose; nil when recorded, else why not.
    private func recordKeyDestroyed(keyID: String, path: String) -> String? {
        do {
            try connection.execute("SELECT migstat.key_destroyed(\(keyID)::uuid, \(Self.hostName()), \(path))")
            return nil
        } catch let error as PQError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    /// Deletes the local key files of purged purposes (every command's prelude): lists the key directory
    /// first (no query when it holds no key file), then asks which of those key ids belong to purged
    /// purposes, deletes each and records it with `key_destroyed`.
    package func destroyPurgedKeys(in keyStore: KeyStore) throws -> [DestroyedKey] {
        let ids = keyStore.keyIDs()
        guard !ids.isEmpty, !connection.isInTransaction else { return [] }
        let readable = try connection.execute(sql: """
            SELECT to_regclass('migstat.purpose') IS NOT NULL
                   AND has_table_privilege('migstat.purpose', 'SELECT') AS readable
            """)
        guard try readable.bool(0, 0) else { return [] }
        let result = try connection.execute("""
            SELECT key_id::text AS key_id, name FROM migstat.purpose
             WHERE status = 'purged' AND key_id::text = ANY (\(ids, as: .textArray)) ORDER BY name
            """)
        var destroyed: [DestroyedKey] = []
        for row in 0..<result.rowCount {
            let keyID = try result.string(row, "key_id")
            let path = keyStore.absolutePath(forKeyID: keyID)
            guard try keyStore.destroyKey(forKeyID: keyID) else { continue }
            destroyed.append(DestroyedKey(keyID: keyID, purpose: try result.string(row, "name"), path: path,
                                          recordError: recordKeyDestroyed(keyID: keyID, path: path)))
        }
        return destroyed
    }

    /// The key files in `keyStore` with their purposes' state and whether each is the registered key.
    package func localKeys(in keyStore: KeyStore) throws -> [LocalKey] {
        let ids = keyStore.keyIDs()
        guard !ids.isEmpty else { return [] }
        let result = try connection.execute("""
            SELECT key_id::text AS key_id, name, status, key_fingerprint FROM migstat.purpose
             WHERE key_id::text = ANY (\(ids, as: .textArray))
            """)
        var known: [String: (name: String, status: String, fingerprint: String?)] = [:]
        for row in 0..<result.rowCount {
            known[try result.string(row, "key_id")] = (try result.string(row, "name"), try result.string(row, "status"),
                                                       try result.optionalString(row, "key_fingerprint"))
        }
        return ids.map { id in
            var key = LocalKey(keyID: id, path: keyStore.absolutePath(forKeyID: id), purpose: nil, status: nil,
                               fingerprint: nil)
            if let purpose = known[id] {
                key.purpose = purpose.name
                key.status = purpose.status
                if let registered = purpose.fingerprint {
                    if let bytes = try? keyStore.existingKey(forKeyID: id) {
                        key.fingerprint = KeyStore.fingerprint(of: bytes) == registered ? "match" : "mismatch"
                    }
                } else {
                    key.fingerprint = "unregistered"
                }
            }
            return key
        }
    }

    // MARK: - Schedule

    /// The pg_cron job name for a database.
    package static func jobName(database: String) -> String { "migstat-purge-" + database }

    /// The command the scheduled run executes.
    package static let runCommand = "CALL migstat.purge_run()"

    /// Whether the connected user is a superuser.
    package func isSuperuser() throws -> Bool {
        try connection.execute(sql: "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").bool(0, 0)
    }

    /// The connected database's name.
    package func databaseName() throws -> String {
        try connection.execute(sql: "SELECT current_database()").string(0, 0)
    }

    /// Records the schedule in `migstat.setting` (`purge_schedule`; '' = none): `purge status` then expects
    /// a due-purge run within `purge_check_hours`.
    package func recordSchedule(_ cron: String) throws {
        try connection.execute("UPDATE migstat.setting SET value = \(cron) WHERE key = 'purge_schedule'")
    }

    /// What pg_cron offers on a connection to the cron database: nil when it cannot be used (and why).
    /// - Returns: `(available, reason)`.
    package static func cronAvailability(_ cron: PQConnection) throws -> (available: Bool, reason: String?) {
        let result = try cron.execute(sql: """
            SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_cron') AS installed,
                   'pg_cron' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) AS loaded,
                   coalesce(current_setting('cron.database_name', true), 'postgres') AS cron_db,
                   current_database() AS db
            """)
        if try !result.bool(0, "installed") { return (false, "the pg_cron extension is not installed on the server") }
        if try !result.bool(0, "loaded") { return (false, "pg_cron is not in shared_preload_libraries") }
        let cronDB = try result.string(0, "cron_db")
        if cronDB != (try result.string(0, "db")) {
            return (false, "pg_cron's database is \(cronDB) (cron.database_name): use --cron-database \(cronDB)")
        }
        return (true, nil)
    }

    /// Registers (or updates) the job in the cron database: `CREATE EXTENSION IF NOT EXISTS pg_cron`, then
    /// `cron.schedule_in_database(job, cron, 'CALL migstat.purge_run()', database)`.
    /// - Returns: the job id and pg_cron's version.
    package static func schedule(on cron: PQConnection, database: String, at expression: String) throws
        -> (jobID: Int, version: String, timezone: String?) {
        try cron.execute(sql: "CREATE EXTENSION IF NOT EXISTS pg_cron")
        let job: PQQuery = """
            SELECT cron.schedule_in_database(\(jobName(database: database)), \(expression), \(runCommand), \(database))
            """
        let id = try cron.execute(job).int(0, 0)
        let info = try cron.execute(sql: """
            SELECT extversion, current_setting('cron.timezone', true) AS tz FROM pg_extension WHERE extname = 'pg_cron'
            """)
        return (id, try info.string(0, "extversion"), try info.optionalString(0, "tz"))
    }

    /// Removes the job from the cron database. - Returns: how many jobs were removed (0 or 1).
    package static func unschedule(on cron: PQConnection, database: String) throws -> Int {
        let exists = try cron.execute(sql: "SELECT to_regclass('cron.job') IS NOT NULL").bool(0, 0)
        guard exists else { return 0 }
        let result = try cron.execute("""
            SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = \(jobName(database: database))
            """)
        return result.rowCount
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

private func list(_ text: String) -> [String] {
    text.isEmpty ? [] : text.split(separator: ",").map(String.init)
}
