/// How many rejected rows a batch may have and still be committed.
package enum RejectLimit: Sendable, Equatable, CustomStringConvertible {
    /// At most this many rows (0 = strict: any rejected row refuses the batch).
    case count(Int)
    /// At most this percentage of the rows read.
    case percent(Double)

    /// Parses `N` or `P%`.
    package init?(_ text: String) {
        if text.hasSuffix("%") {
            guard let p = Double(text.dropLast()), p >= 0, p <= 100 else { return nil }
            self = .percent(p)
        } else {
            guard let n = Int(text), n >= 0 else { return nil }
            self = .count(n)
        }
    }

    /// Whether `rejected` of `rows` rows stays within the limit.
    package func allows(rejected: Int, of rows: Int) -> Bool {
        switch self {
        case .count(let n): rejected <= n
        case .percent(let p): Double(rejected) <= Double(rows) * p / 100
        }
    }

    package var description: String {
        switch self {
        case .count(let n): "\(n)"
        case .percent(let p): "\(p)%"
        }
    }
}

/// What to import and how.
package struct ImportOptions: Sendable {
    /// The batch file.
    package var path: String
    /// Who recorded the events (`border`, `labour-registry`, …).
    package var source: String
    /// The declared purpose the batch is bound to.
    package var purpose: String
    /// Field delimiter (`,` default; `;` or tab).
    package var delimiter: UInt8 = UInt8(ascii: ",")
    /// The file's text encoding.
    package var encoding: TextEncoding = .utf8
    /// Rejected rows allowed before the batch is refused.
    package var maxRejects: RejectLimit = .count(0)
    /// Where to write the rejects file (default: `<path>.rejects.csv`).
    package var rejectsPath: String?
    /// Validate and load inside a transaction, then roll back.
    package var dryRun = false
    /// Header columns to skip.
    package var ignoredColumns: [String] = []
    /// Where the purpose keys live.
    package var keyStore: KeyStore
    /// The source's mapping profile (nil: the canonical layout). Its dialect and encoding replace
    /// `delimiter` and `encoding`.
    package var profile: MappingProfile?

    /// Creates options with defaults (strict, UTF-8, comma).
    package init(path: String, source: String, purpose: String, keyStore: KeyStore) {
        self.path = path
        self.source = source
        self.purpose = purpose
        self.keyStore = keyStore
    }
}

/// How an import ended.
package enum ImportOutcome: String, Sendable, Codable, Equatable, CustomStringConvertible {
    /// The batch is stored.
    case committed
    /// More rows were rejected than allowed: nothing is stored.
    case rolledBack = "rolled back"
    /// A dry run within the limit: everything was checked and loaded, then rolled back.
    case dryRun = "dry run"

    /// As shown in the summary: `committed`, `rolled back`, `dry run`.
    package var description: String { rawValue }
}

/// What an import did. Always: `accepted + rejected == rows`.
package struct ImportSummary: Sendable, Codable, Equatable {
    package var outcome: ImportOutcome
    package var batch: Int?
    package var file: String
    package var source: String
    package var purpose: String
    package var sha256: String
    package var rows: Int
    package var accepted: Int
    package var rejected: Int
    package var rejectsFile: String?
    package var seconds: Double
    package var rowsPerSecond: Int
    /// The rejects grouped by column and reason, most frequent first.
    package var rejectGroups: [RejectGroup] = []
    /// The mapping profile used (its label and SHA-256), if any.
    package var profile: String?
    package var profileSHA256: String?

    /// Whether the batch is now stored.
    package var isCommitted: Bool { outcome == .committed }
}

/// Rejects of one column and reason: how many, the first line, and how to fix them.
package struct RejectGroup: Sendable, Codable, Equatable {
    /// The column as the file names it (nil: the whole row).
    package var column: String?
    package var reason: String
    package var count: Int
    package var firstLine: Int
    package var hint: String?
}
