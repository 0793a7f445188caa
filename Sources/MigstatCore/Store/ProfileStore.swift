package import MigstatPQ

/// A mapping profile registered for a source (`migstat.profiles()`): one version.
package struct RegisteredProfile: Sendable, Equatable {
    package var source: String
    /// 1, 2, ... per source.
    package var version: Int
    /// Whether this is the source's current profile (its highest version).
    package var isCurrent: Bool
    /// SHA-256 of `text` (its UTF-8 bytes), 64 hex digits, computed by the database.
    package var sha256: String
    package var registeredBy: String
    /// PostgreSQL's `timestamptz` text.
    package var registeredAt: String
    /// How many versions the source has.
    package var versions: Int
    /// The profile as registered (YAML), byte for byte.
    package var text: String

    /// The profile, parsed and checked, labelled with its source and version.
    /// - Throws: `MigstatError(.badProfile)`.
    package func mappingProfile() throws -> MappingProfile {
        try MappingProfile.parse(registered: text, source: source, version: version)
    }
}

/// What `migstat.profile_add` did.
package struct ProfileRegistration: Sendable, Equatable {
    package var source: String
    package var version: Int
    package var sha256: String
    package var registeredBy: String
    package var registeredAt: String
    /// The version it replaced as current (nil: the source's first profile, or unchanged).
    package var previousVersion: Int?
    package var previousSHA256: String?
    /// The text was the current version's already: nothing was registered.
    package var unchanged: Bool
}

/// Mapping profiles registered in the database: `migstat.profile_add` (administrators), `migstat.profiles()`
/// (loaders, auditors, administrators), and the profile an import reports for its batch.
package struct ProfileStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Registers `profile` (already checked: `MappingProfile.load`, `codeProblems`) for `source`, with an audit
    /// entry in the same transaction.
    /// - Parameter replace: register it even when the source has another profile (that one stays in the history).
    /// - Throws: `PQError` (42501 not an administrator, MS409 the source has another profile and not `replace`,
    ///   22023 bad source name or size); `MigstatError(.database)` if the database's SHA-256 of the text is not
    ///   migstat's (the text would not be the one checked).
    package func add(source: String, profile: MappingProfile, replace: Bool) throws -> ProfileRegistration {
        let query: PQQuery = """
            SELECT source, version, sha256, registered_by::text AS registered_by, registered_at::text AS registered_at,
                   previous_version, previous_sha256, unchanged
              FROM migstat.profile_add(\(source), \(profile.text), \(replace))
            """
        let result = try connection.execute(query)
        let registration = ProfileRegistration(
            source: try result.string(0, "source"), version: try result.int(0, "version"),
            sha256: try result.string(0, "sha256"), registeredBy: try result.string(0, "registered_by"),
            registeredAt: try result.string(0, "registered_at"), previousVersion: try result.optionalInt(0, "previous_version"),
            previousSHA256: try result.optionalString(0, "previous_sha256"), unchanged: try result.bool(0, "unchanged"))
        guard registration.sha256 == profile.sha256 else {
            throw MigstatError(.database, "the database computed another SHA-256 of the profile (\(registration.sha256)) than migstat (\(profile.sha256))")
        }
        return registration
    }

    /// The registered profiles: each source's current one, or every version (`history`); of one source or all.
    package func list(source: String? = nil, history: Bool = false) throws -> [RegisteredProfile] {
        let query: PQQuery = """
            SELECT source, version, is_current, sha256, registered_by::text AS registered_by,
                   registered_at::text AS registered_at, versions, profile
              FROM migstat.profiles(\(source), \(history))
            """
        let result = try connection.execute(query)
        return try (0..<result.rowCount).map { row in
            RegisteredProfile(
                source: try result.string(row, "source"), version: try result.int(row, "version"),
                isCurrent: try result.bool(row, "is_current"), sha256: try result.string(row, "sha256"),
                registeredBy: try result.string(row, "registered_by"), registeredAt: try result.string(row, "registered_at"),
                versions: try result.int(row, "versions"), text: try result.string(row, "profile"))
        }
    }

    /// The source's current profile, or nil when none is registered.
    package func current(source: String) throws -> RegisteredProfile? {
        try list(source: source).first
    }

    /// One version of the source's profile, or nil.
    package func version(_ version: Int, source: String) throws -> RegisteredProfile? {
        try list(source: source, history: true).first { $0.version == version }
    }

    /// Tells the database, for the batch the next import begins, which profile its file is read through
    /// (`migstat.profile_sha256`, which the trigger `migstat.batch_profile` records in the batch row; nil:
    /// the canonical layout).
    package func reportProfile(sha256: String?) throws {
        let query: PQQuery = "SELECT set_config('migstat.profile_sha256', \(sha256 ?? ""), false)"
        _ = try connection.execute(query)
    }
}
