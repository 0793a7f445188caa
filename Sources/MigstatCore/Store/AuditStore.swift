package import MigstatPQ

/// One entry of the append-only audit log.
package struct AuditEntry: Sendable, Equatable {
    package var seq: Int
    /// When (ISO 8601 text as PostgreSQL writes a `timestamptz`).
    package var at: String
    /// The login that did it.
    package var actor: String
    /// What: `import`, `withdraw`, `extract`, `report`, …
    package var action: String
    /// The details, a JSON object (never a record value).
    package var details: String
}

/// A point of the hash chain saved elsewhere, `SEQ:HASH`, to detect a rewritten log.
package struct AuditHead: Sendable, Equatable, CustomStringConvertible {
    package var seq: Int
    /// The entry's hash, lower-case hex.
    package var hash: String

    package init(seq: Int, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    /// Parses `SEQ:HASH`; nil when it is not of that form.
    package init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let seq = Int(parts[0]), !parts[1].isEmpty else { return nil }
        self.init(seq: seq, hash: String(parts[1]))
    }

    package var description: String { "\(seq):\(hash)" }
}

/// What `verify` found.
package enum AuditVerification: Sendable, Equatable {
    /// The chain is whole (and holds the saved head, if one was given).
    case intact(entries: Int, head: AuditHead?)
    /// The chain breaks at this entry (an entry changed, removed or inserted).
    case broken(atSeq: Int)
    /// The chain is whole but does not hold the saved head: the log was rewritten since.
    case headMissing(AuditHead)
}

/// The audit log (auditors): `migstat.audit_log` and `migstat.audit_verify`.
package struct AuditStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// The last `last` entries, oldest first.
    package func list(last: Int) throws -> [AuditEntry] {
        let query: PQQuery = """
            SELECT seq, at::text AS at, actor, action, details::text AS details FROM
              (SELECT * FROM migstat.audit_log ORDER BY seq DESC LIMIT \(last)) t ORDER BY seq
            """
        let result = try connection.execute(query)
        return try (0..<result.rowCount).map { row in
            AuditEntry(seq: try result.int(row, 0), at: try result.string(row, 1), actor: try result.string(row, 2),
                       action: try result.string(row, 3), details: try result.string(row, 4))
        }
    }

    /// Recomputes the hash chain and, given a saved head, checks that the log still holds it.
    package func verify(savedHead: AuditHead? = nil) throws -> AuditVerification {
        let result = try connection.execute(
            "SELECT first_bad_seq, rows_checked, head_seq, head_hash FROM migstat.audit_verify()")
        if let bad = try result.optionalInt(0, 0) { return .broken(atSeq: bad) }
        if let savedHead {
            let query: PQQuery = "SELECT encode(hash, 'hex') FROM migstat.audit_log WHERE seq = \(savedHead.seq)"
            let row = try connection.execute(query)
            guard row.rowCount == 1, row[0, 0] == savedHead.hash else { return .headMissing(savedHead) }
        }
        let head = try result.optionalInt(0, 2).map { AuditHead(seq: $0, hash: result[0, 3] ?? "") }
        return .intact(entries: try result.optionalInt(0, 1) ?? 0, head: head)
    }
}
