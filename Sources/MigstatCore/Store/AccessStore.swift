package import MigstatPQ

/// A migstat role a login can be given (`migstat_<role>`).
package enum AccessRole: String, Sendable, CaseIterable {
    case loader, analyst, steward, auditor, admin
}

/// One line of `migstat.access`: a login's role, or one of its compartments (purpose and access kind).
package struct AccessEntry: Sendable, Equatable {
    package var login: String
    /// `loader`, `analyst`, `steward`, `auditor` or `admin`.
    package var role: String
    /// The compartment's purpose; nil for the role itself.
    package var purpose: String?
    /// `load`, `read` or `special`; nil for the role itself.
    package var access: String?
}

/// Roles and compartments: `migstat.access_grant`, `migstat.access_revoke` and the `migstat.access` view (read
/// from the PostgreSQL catalog).
package struct AccessStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user (an administrator to grant or revoke).
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Grants a role, and for loaders and stewards the purposes' compartments, to a login.
    /// - Parameter specialCategory: steward clearance for the special-category columns of those purposes.
    /// - Throws: `PQError` (42501 not an administrator, 22023 refused: a superuser, oneself, administration
    ///   with a data role).
    package func grant(login: String, role: AccessRole, purposes: [String], specialCategory: Bool) throws {
        let query: PQQuery = """
            SELECT migstat.access_grant(\(login), \(role.rawValue), \(purposes, as: .textArray), \(specialCategory))
            """
        try connection.execute(query)
    }

    /// Revokes a role (with all its compartments), or only the named compartments or the special clearance.
    package func revoke(login: String, role: AccessRole, purposes: [String], specialCategory: Bool) throws {
        let query: PQQuery = """
            SELECT migstat.access_revoke(\(login), \(role.rawValue), \(purposes, as: .textArray), \(specialCategory))
            """
        try connection.execute(query)
    }

    /// Who can do what, by login, role, purpose (roles first) and access.
    package func list() throws -> [AccessEntry] {
        let result = try connection.execute(
            "SELECT login, role, purpose, access FROM migstat.access ORDER BY login, role, purpose NULLS FIRST, access")
        return try (0..<result.rowCount).map { row in
            AccessEntry(login: try result.string(row, 0), role: try result.string(row, 1), purpose: result[row, 2],
                        access: result[row, 3])
        }
    }
}
