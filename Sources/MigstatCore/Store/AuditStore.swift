package import Foundation
package import MigstatPQ

/// One entry of the append-only audit log.
package struct AuditEntry: Sendable, Equatable {
    package var seq: Int
    /// Its position in the Merkle tree (1-based); nil while it is committed but not yet sealed.
    package var position: Int?
    /// When (ISO 8601 text as PostgreSQL writes a `timestamptz`).
    package var at: String
    /// The database user that did it.
    package var actor: String
    /// What: `batch.import`, `extract`, `report.run`, `access.grant`, …
    package var action: String
    /// The purpose's name, when the entry names one.
    package var purpose: String?
    package var batchID: Int?
    /// The details, a JSON object (never a record value).
    package var details: String
    /// The client's address as the server saw it (nil on a Unix socket), its application name, and the
    /// OS user the client reported (not verified by the server).
    package var clientAddress: String?
    package var application: String?
    package var osUserReported: String?
}

/// Which entries `audit list` shows.
package struct AuditFilter: Sendable, Equatable {
    package var since: String?
    package var until: String?
    package var user: String?
    package var action: String?
    package var purpose: String?
    package var batch: Int?
    package var last: Int = 50

    package init(since: String? = nil, until: String? = nil, user: String? = nil, action: String? = nil,
                 purpose: String? = nil, batch: Int? = nil, last: Int = 50) {
        self.since = since
        self.until = until
        self.user = user
        self.action = action
        self.purpose = purpose
        self.batch = batch
        self.last = last
    }
}

/// What `verify` found.
package enum AuditVerification: Sendable, Equatable {
    /// The tree is whole, every entry sealed into it (and it extends the saved checkpoint, if one was given).
    case intact(entries: Int, head: AuditCheckpoint)
    /// The log is inconsistent at this entry (changed, removed, swapped or slipped in).
    case broken(seq: Int?, position: Int?, problem: String)
    /// The log is consistent but is not an extension of the saved checkpoint: rewritten or cut since.
    case notExtending(saved: AuditCheckpoint, current: AuditCheckpoint, reason: String)
}

/// The audit log (auditors): `migstat.audit_log`, its Merkle tree `migstat.audit_tree`, and the
/// functions `audit_seal`, `audit_root`, `audit_verify`.
package struct AuditStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    private static let columns = """
        a.seq, t.idx + 1 AS position, a.at::text AS at, a.actor::text AS actor, a.action, p.name AS purpose,
        a.batch_id, a.details::text AS details, host(a.client_addr) AS client_addr, a.application, a.os_user_reported
        """
    private static let from = """
        FROM migstat.audit_log a LEFT JOIN migstat.purpose p ON p.id = a.purpose_id
        LEFT JOIN migstat.audit_tree t ON t.level = 0 AND t.seq = a.seq
        """
    private static let filter = """
        WHERE ($1::timestamptz IS NULL OR a.at >= $1::timestamptz) AND ($2::timestamptz IS NULL OR a.at < $2::timestamptz)
          AND ($3::text IS NULL OR a.actor = $3::name) AND ($4::text IS NULL OR a.action = $4)
          AND ($5::text IS NULL OR p.name = $5) AND ($6::integer IS NULL OR a.batch_id = $6::integer)
        """

    private func parameters(_ f: AuditFilter) -> [String?] {
        [f.since, f.until, f.user, f.action, f.purpose, f.batch.map { String($0) }, String(max(0, f.last))]
    }

    private static func entry(_ r: PQResult, _ row: Int) throws -> AuditEntry {
        AuditEntry(seq: try r.int(row, 0), position: try r.optionalInt(row, 1), at: try r.string(row, 2),
                   actor: try r.string(row, 3), action: try r.string(row, 4), purpose: r[row, 5],
                   batchID: try r.optionalInt(row, 6), details: try r.string(row, 7), clientAddress: r[row, 8],
                   application: r[row, 9], osUserReported: r[row, 10])
    }

    /// Seals committed entries into the tree (any migstat role may); returns the tree's size.
    @discardableResult
    package func seal() throws -> Int {
        try connection.execute(sql: "SELECT migstat.audit_seal()").int(0, 0)
    }

    /// The last `filter.last` entries that pass the filter, oldest first.
    package func list(_ filter: AuditFilter = AuditFilter()) throws -> [AuditEntry] {
        let r = try connection.execute(sql: """
            SELECT * FROM (SELECT \(Self.columns) \(Self.from) \(Self.filter) ORDER BY a.seq DESC LIMIT $7::bigint) x
             ORDER BY seq
            """, parameters(filter))
        return try (0..<r.rowCount).map { try Self.entry(r, $0) }
    }

    /// The last `last` entries, oldest first.
    package func list(last: Int) throws -> [AuditEntry] { try list(AuditFilter(last: last)) }

    /// The same entries as a JSON array typed by the database: numbers as numbers, `details` an object.
    package func listJSON(_ filter: AuditFilter = AuditFilter()) throws -> String {
        try connection.execute(sql: """
            SELECT coalesce(jsonb_agg(j ORDER BY seq), '[]')::text FROM (
              SELECT a.seq, jsonb_build_object('seq', a.seq, 'position', t.idx + 1, 'at', a.at, 'actor', a.actor,
                       'action', a.action, 'purpose', p.name, 'batch', a.batch_id, 'details', a.details,
                       'client_addr', host(a.client_addr), 'application', a.application,
                       'os_user_reported', a.os_user_reported) AS j
              \(Self.from) \(Self.filter) ORDER BY a.seq DESC LIMIT $7::bigint) x
            """, parameters(filter)).string(0, 0)
    }

    /// One entry, with its canonical text (what its leaf covers); nil when there is none.
    package func show(seq: Int) throws -> (entry: AuditEntry, canonical: String)? {
        let r = try connection.execute(sql: """
            SELECT \(Self.columns), migstat.audit_payload(a) \(Self.from) WHERE a.seq = $1::bigint
            """, [String(seq)])
        guard r.rowCount == 1 else { return nil }
        return (try Self.entry(r, 0), try r.string(0, 11))
    }

    /// Seals, then returns the checkpoint of the whole tree.
    package func head() throws -> AuditCheckpoint {
        try seal()
        return try checkpoint()
    }

    /// The checkpoint of the tree as it is (nothing sealed).
    private func checkpoint() throws -> AuditCheckpoint {
        let r = try connection.execute(sql: """
            SELECT (SELECT value FROM migstat.setting WHERE key = 'audit_installation_id'), s.n, migstat.audit_root(s.n)
              FROM (SELECT coalesce(max(idx) + 1, 0) AS n FROM migstat.audit_tree WHERE level = 0) s
            """)
        return AuditCheckpoint(installation: try r.string(0, 0), size: try r.int(0, 1), root: try r.string(0, 2))
    }

    /// The root of a complete aligned subtree (a stored node).
    private func node(_ level: Int, _ index: Int) throws -> Merkle.Hash {
        let r = try connection.execute(sql: "SELECT encode(hash, 'hex') FROM migstat.audit_tree WHERE level = $1::smallint AND idx = $2::bigint",
                                       [String(level), String(index)])
        guard r.rowCount == 1, let hash = Merkle.unhex(try r.string(0, 0)) else {
            throw AuditStoreError.treeIncomplete(level: level, index: index)
        }
        return hash
    }

    /// An inclusion proof of entry `seq` against the current head (sealed first) or a saved checkpoint of
    /// this log that already contains it.
    package func prove(seq: Int, against saved: AuditCheckpoint? = nil) throws -> AuditInclusionProof {
        try seal()
        let current = try checkpoint()
        let cp = saved ?? current
        if let saved {
            guard saved.installation == current.installation else { throw AuditStoreError.otherInstallation(saved) }
            guard saved.size <= current.size else { throw AuditStoreError.checkpointBeyondLog(saved, size: current.size) }
            guard try Merkle.hex(Merkle.subtreeHash(start: 0, count: saved.size, node: node)) == saved.root || saved.size == 0 else {
                throw AuditStoreError.checkpointNotInLog(saved)
            }
        }
        let r = try connection.execute(sql: """
            SELECT t.idx, migstat.audit_payload(a) FROM migstat.audit_tree t JOIN migstat.audit_log a ON a.seq = t.seq
             WHERE t.level = 0 AND t.seq = $1::bigint
            """, [String(seq)])
        guard r.rowCount == 1 else { throw AuditStoreError.noEntry(seq) }
        let index = try r.int(0, 0)
        guard index < cp.size else { throw AuditStoreError.entryAfterCheckpoint(seq, cp) }
        let path = try Merkle.inclusionProof(index: index, size: cp.size, node: node)
        return AuditInclusionProof(checkpoint: cp, index: index, seq: seq, entry: try r.string(0, 1), path: path)
    }

    /// Seals, then recomputes the tree from the entries here (`AuditTreeCheck`: every leaf from its entry's
    /// columns and every node from its children, SHA-256 in this process, from rows streamed in one
    /// snapshot) and, given a saved checkpoint, checks with an RFC 6962 consistency proof, verified
    /// here, that today's log extends it. The server's `migstat.audit_verify()` makes the same checks in
    /// SQL; this one trusts nothing the server computes, and is faster.
    package func verify(against saved: AuditCheckpoint? = nil) throws -> AuditVerification {
        try seal()
        let (finding, entries, current, tree) = try connection.transaction { () throws -> (AuditTreeCheck.Finding?, Int, AuditCheckpoint, AuditTreeCheck) in
            _ = try connection.execute(sql: "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let r = try connection.execute(sql: """
                SELECT (SELECT value FROM migstat.setting WHERE key = 'audit_installation_id'),
                       (SELECT coalesce(max(idx) + 1, 0) FROM migstat.audit_tree WHERE level = 0),
                       (SELECT count(*) FROM migstat.audit_log),
                       (SELECT a.seq FROM migstat.audit_log a
                         WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_tree t WHERE t.level = 0 AND t.seq = a.seq)
                           AND NOT EXISTS (SELECT 1 FROM migstat.audit_pending p WHERE p.seq = a.seq)
                         ORDER BY a.seq LIMIT 1)
                """)
            let size = try r.int(0, 1)
            var check = AuditTreeCheck(size: size)
            let leaves = PGBinaryCopyReader(fields: AuditTreeCheck.leafFields)
            try connection.copyTo(AuditTreeCheck.leavesCopy) { chunk in leaves.feed(chunk) { check.leaf($0) } }
            let entries = PGBinaryCopyReader(fields: AuditTreeCheck.entryFields)
            try connection.copyTo(AuditTreeCheck.entriesCopy) { chunk in entries.feed(chunk) { check.entry($0) } }
            check.entriesDone()
            let nodes = PGBinaryCopyReader(fields: AuditTreeCheck.nodeFields)
            try connection.copyTo(AuditTreeCheck.nodesCopy) { chunk in nodes.feed(chunk) { check.node($0) } }
            guard [leaves, entries, nodes].allSatisfy({ $0.finished && !$0.malformed }) else {
                throw AuditStoreError.unreadableTree
            }
            let finding = check.finding(firstUnsealed: try r.optionalInt(0, 3))
            return (finding, try r.int(0, 2),
                    AuditCheckpoint(installation: try r.string(0, 0), size: size, root: Merkle.hex(check.root())), check)
        }
        if let finding {
            return .broken(seq: finding.seq, position: finding.index.map { $0 + 1 }, problem: finding.problem)
        }
        guard let saved else { return .intact(entries: entries, head: current) }
        if saved.installation != current.installation {
            return .notExtending(saved: saved, current: current, reason: "the checkpoint belongs to another installation")
        }
        if saved.size > current.size {
            return .notExtending(saved: saved, current: current, reason:
                "the log has \(current.size) entries, fewer than the checkpoint's \(saved.size): the entries from position \(current.size + 1) on were removed")
        }
        // The proof from the nodes just verified (not read again).
        let proof = try Merkle.consistencyProof(oldSize: saved.size, newSize: current.size) { level, index in
            guard let hash = tree.node(level: level, index: index) else {
                throw AuditStoreError.treeIncomplete(level: level, index: index)
            }
            return hash
        }
        guard Merkle.verifyConsistency(oldSize: saved.size, oldRoot: saved.rootHash, newSize: current.size,
                                       newRoot: current.rootHash, proof: proof) else {
            return .notExtending(saved: saved, current: current, reason:
                "the first \(saved.size) entries are not those of the checkpoint: an entry at or before position \(saved.size) was rewritten (an export archive of that time names it: audit verify --archive)")
        }
        return .intact(entries: entries, head: current)
    }

    /// Compares an export archive with today's log, entry by entry: the first archived entry whose leaf
    /// differs (or is gone) is named. nil when every archived entry is still there, unchanged.
    package func firstDifference(archive: AuditExport) throws -> (position: Int, seq: Int, problem: String)? {
        var byIndex: [Int: String] = [:]
        let first = archive.entries.first?.position ?? 1
        let last = archive.entries.last?.position ?? 0
        _ = try connection.stream(sql: """
            SELECT t.idx + 1, encode(t.hash, 'hex') FROM migstat.audit_tree t
             WHERE t.level = 0 AND t.idx + 1 BETWEEN $1::bigint AND $2::bigint
            """, [String(first), String(last)]) { row in
            byIndex[try row.int(0, 0)] = try row.string(0, 1)
        }
        for e in archive.entries {
            let leaf = Merkle.hex(Merkle.leafHash(Array(e.entry.utf8)))
            guard let now = byIndex[e.position] else { return (e.position, e.seq, "the entry is gone") }
            if now != leaf { return (e.position, e.seq, "the entry differs from the archived one") }
        }
        return nil
    }

    /// Writes the entries from `since` (a seq; all when nil), in tree order, and the checkpoint they end at,
    /// all read in one snapshot, to `write` line by line (JSON lines, `AuditExport`). Returns the checkpoint.
    package func export(since: Int?, write: (String) throws -> Void) throws -> AuditCheckpoint {
        try seal()
        return try connection.transaction {
            _ = try connection.execute(sql: "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let cp = try checkpoint()
            try write(AuditExport.header(cp))
            _ = try connection.stream(sql: """
                SELECT t.idx + 1, a.seq, migstat.audit_payload(a) FROM migstat.audit_tree t
                  JOIN migstat.audit_log a ON a.seq = t.seq
                 WHERE t.level = 0 AND t.idx < $2::bigint AND ($1::bigint IS NULL OR a.seq >= $1::bigint) ORDER BY t.idx
                """, [since.map { String($0) }, String(cp.size)]) { row in
                try write(AuditExport.line(position: try row.int(0, 0), seq: try row.int(0, 1), entry: try row.string(0, 2)))
            }
            return cp
        }
    }
}

/// A login that can connect to the database and could escalate past migstat's roles
/// (`migstat.audit_escalation_risks`): `access grant` refuses it; `db init` and `access list` warn.
package struct EscalationRisk: Sendable, Equatable {
    package var login: String
    package var reasons: [String]

    /// Every such login (administrators, auditors, superusers may ask).
    package static func all(on connection: PQConnection) throws -> [EscalationRisk] {
        let r = try connection.execute(sql: "SELECT login::text, array_to_string(reasons, ', ') FROM migstat.audit_escalation_risks()")
        return try (0..<r.rowCount).map {
            EscalationRisk(login: try r.string($0, 0), reasons: try r.string($0, 1).components(separatedBy: ", "))
        }
    }

    /// `warning: login "x" can connect and escalate past migstat's roles (CREATEROLE, ...)`.
    package var warning: String {
        "warning: login \"\(login)\" can connect to this database and escalate past migstat's roles (\(reasons.joined(separator: ", "))); access grant refuses it"
    }
}

/// Errors of the audit store, naming the caller's input.
package enum AuditStoreError: Error, Equatable, CustomStringConvertible {
    case noEntry(Int)
    case entryAfterCheckpoint(Int, AuditCheckpoint)
    case otherInstallation(AuditCheckpoint)
    case checkpointBeyondLog(AuditCheckpoint, size: Int)
    case checkpointNotInLog(AuditCheckpoint)
    case treeIncomplete(level: Int, index: Int)
    case unreadableTree

    package var description: String {
        switch self {
        case .noEntry(let seq): "no sealed audit entry with seq \(seq)"
        case .entryAfterCheckpoint(let seq, let cp): "entry \(seq) was sealed after checkpoint \(cp)"
        case .otherInstallation(let cp): "checkpoint \(cp) belongs to another installation"
        case .checkpointBeyondLog(let cp, let size): "checkpoint \(cp) is beyond the log's \(size) entries (run audit verify --head)"
        case .checkpointNotInLog(let cp): "checkpoint \(cp) is not a head of this log (run audit verify --head)"
        case .treeIncomplete(let level, let index): "the audit tree has no node (level \(level), index \(index)): run audit verify"
        case .unreadableTree: "the server's copy of the audit tree could not be read (malformed binary COPY)"
        }
    }
}

/// `audit export`: JSON lines; the first `{"format": …, "checkpoint": …}`, then one
/// `{"position": N, "seq": S, "entry": "<canonical text>"}` per entry, in tree order.
package struct AuditExport: Sendable {
    package static let tag = "migstat-audit-export/1"
    package struct Line: Codable, Sendable { package var position: Int; package var seq: Int; package var entry: String }
    package var checkpoint: AuditCheckpoint
    package var entries: [Line]

    static func header(_ cp: AuditCheckpoint) -> String {
        "{\"format\":\"\(tag)\",\"checkpoint\":\"\(cp)\"}"
    }

    static func line(position: Int, seq: Int, entry: String) throws -> String {
        String(decoding: try JSONEncoder().encode(Line(position: position, seq: seq, entry: entry)), as: UTF8.self)
    }

    /// Reads an export file; nil when it is not one.
    package static func read(_ data: Data) -> AuditExport? {
        let lines = data.split(separator: UInt8(ascii: "\n"))
        guard let first = lines.first,
              let head = try? JSONSerialization.jsonObject(with: Data(first)) as? [String: Any],
              head["format"] as? String == tag, let text = head["checkpoint"] as? String,
              let cp = AuditCheckpoint(text) else { return nil }
        var entries: [Line] = []
        let decoder = JSONDecoder()
        for line in lines.dropFirst() {
            guard let e = try? decoder.decode(Line.self, from: Data(line)) else { return nil }
            entries.append(e)
        }
        return AuditExport(checkpoint: cp, entries: entries)
    }
}
