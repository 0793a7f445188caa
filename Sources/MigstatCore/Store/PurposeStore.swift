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
    /// `active`, `closed` or `purged`.
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

/// A purpose's place in its life (`migstat.purposes()`, readable by every migstat role): its rule, the
/// date its purge falls due, its state and days left. Times are PostgreSQL's `timestamptz` text.
package struct PurposeLifecycle: Sendable, Equatable {
    package var name: String
    package var description: String
    /// The rule as declared (`2030-12-31` or `5 years`).
    package var retentionRule: String
    /// The date the purge falls due (`YYYY-MM-DD`; today once ended).
    package var retainUntil: String
    /// The date the rule gave when the purpose was declared (extending past it needs a reason).
    package var ruleUntil: String?
    /// `active`, `closed` or `purged`.
    package var status: String
    /// Days until the purge is due (negative: overdue; nil once purged).
    package var daysLeft: Int?
    package var closedAt: String?
    package var closeReason: String?
    package var purgedAt: String?
    package var purgeVerifiedAt: String?
    package var createdAt: String
}

/// A purpose as `purpose_end` or `purpose_extend` left it.
package struct PurposeChange: Sendable, Equatable {
    package var name: String
    package var status: String
    package var retainUntil: String
    package var ruleUntil: String?
    package var closeReason: String?
}

/// Purposes: `migstat.purpose_add`, `purpose_key`, `purpose_end`, `purpose_extend`, `migstat.purposes()`
/// and `migstat.purpose`.
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

    /// Declares a purpose and creates its pseudonym key in `keyStore` (32 random bytes, once), registering
    /// the key's fingerprint (`migstat.purpose_key`) in the same transaction: later imports with another key
    /// are refused. A key file left by a failed declaration is never used by another purpose (new key id).
    /// - Returns: the purpose and the key file's path.
    /// - Throws: as `add`, and `MigstatError(.keyStore)` if the key cannot be created.
    package func add(name: String, description: String, retainUntil: String,
                     keyStore: KeyStore) throws -> (purpose: Purpose, keyPath: String) {
        try connection.transaction {
            let purpose = try add(name: name, description: description, retainUntil: retainUntil)
            let key = try keyStore.key(forKeyID: purpose.keyID)
            try registerKey(purpose: name, fingerprint: KeyStore.fingerprint(of: key))
            return (purpose, keyStore.path(forKeyID: purpose.keyID))
        }
    }

    /// Registers the fingerprint of a purpose's key (administrators, once; the same one again is a no-op).
    /// - Throws: `PQError` (MS409 another key is registered, 22023 not 64 hex digits).
    package func registerKey(purpose: String, fingerprint: String) throws {
        try connection.execute("SELECT migstat.purpose_key(\(purpose), \(fingerprint))")
    }

    /// Every purpose with its state, rule, due date and days left (`migstat.purposes()`: every role).
    package func lifecycle() throws -> [PurposeLifecycle] {
        let result = try connection.execute(sql: """
            SELECT name, description, retention_rule, retain_until::text AS retain_until, rule_until::text AS rule_until,
                   status, days_left, closed_at::text AS closed_at, close_reason, purged_at::text AS purged_at,
                   purge_verified_at::text AS purge_verified_at, created_at::text AS created_at
              FROM migstat.purposes() ORDER BY name
            """)
        return try (0..<result.rowCount).map { row in
            PurposeLifecycle(
                name: try result.string(row, "name"), description: try result.string(row, "description"),
                retentionRule: try result.string(row, "retention_rule"),
                retainUntil: try result.string(row, "retain_until"),
                ruleUntil: try result.optionalString(row, "rule_until"), status: try result.string(row, "status"),
                daysLeft: try result.optionalInt(row, "days_left"), closedAt: try result.optionalString(row, "closed_at"),
                closeReason: try result.optionalString(row, "close_reason"),
                purgedAt: try result.optionalString(row, "purged_at"),
                purgeVerifiedAt: try result.optionalString(row, "purge_verified_at"),
                createdAt: try result.string(row, "created_at"))
        }
    }

    /// Ends a purpose now (administrators): closed, its purge due today (receipt `purge.due`).
    /// - Throws: `PQError` (42501, MS404 not declared, MS410 not active, 22023 no reason).
    package func end(purpose: String, reason: String) throws -> PurposeChange {
        try change(connection.execute("""
            SELECT name, status, retain_until::text AS retain_until, rule_until::text AS rule_until, close_reason
              FROM migstat.purpose_end(\(purpose), \(reason))
            """))
    }

    /// Moves an active purpose's retention date later (administrators); past its rule only with a reason.
    /// - Parameter until: `YYYY-MM-DD`.
    /// - Throws: `PQError` (42501, MS404, MS410 not active, 22023 not later, past the rule without a reason,
    ///   22007/22008 not a date).
    package func extend(purpose: String, until: String, reason: String?) throws -> PurposeChange {
        try change(connection.execute("""
            SELECT name, status, retain_until::text AS retain_until, rule_until::text AS rule_until, close_reason
              FROM migstat.purpose_extend(\(purpose), \(until)::date, \(reason))
            """))
    }

    private func change(_ result: PQResult) throws -> PurposeChange {
        PurposeChange(name: try result.string(0, "name"), status: try result.string(0, "status"),
                      retainUntil: try result.string(0, "retain_until"),
                      ruleUntil: try result.optionalString(0, "rule_until"),
                      closeReason: try result.optionalString(0, "close_reason"))
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
