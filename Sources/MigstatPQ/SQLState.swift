/// A five-character PostgreSQL SQLSTATE error code, such as `23505` for a unique violation.
///
/// Match a thrown ``PQError`` on its SQLSTATE with a `catch` pattern:
///
/// ```swift
/// do {
///     try connection.execute("INSERT INTO t (id) VALUES ($1)", [id])
/// } catch SQLState.uniqueViolation {
///     // already there
/// }
/// ```
package struct SQLState: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The five characters of the code, e.g. `"23505"`.
    package let rawValue: String

    /// Wraps a code as received from the server; no validation is done.
    /// - Parameter rawValue: the five-character SQLSTATE.
    package init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates a code from a literal such as `"23505"`, which must be five ASCII characters.
    /// - Parameter value: the five-character SQLSTATE.
    package init(stringLiteral value: String) {
        precondition(value.utf8.count == 5 && value.utf8.allSatisfy { $0 < 0x80 }, "an SQLSTATE has five characters")
        self.rawValue = value
    }

    /// The code's class: its first two characters (`"23"` for integrity constraint violations).
    package var errorClass: String {
        String(rawValue.prefix(2))
    }

    /// Whether the code is in class 08, "connection exception".
    package var isConnectionException: Bool {
        rawValue.hasPrefix("08")
    }

    /// The five characters of the code.
    package var description: String {
        rawValue
    }

    /// Whether `error` is a ``PQError`` with this SQLSTATE; lets `catch SQLState.uniqueViolation` work.
    /// - Parameters:
    ///   - pattern: the SQLSTATE to look for.
    ///   - error: any thrown error.
    /// - Returns: `true` when `error` is a ``PQError`` whose ``PQError/sqlState`` equals `pattern`.
    package static func ~= (pattern: SQLState, error: any Error) -> Bool {
        (error as? PQError)?.sqlState == pattern
    }

    // MARK: Class 00, successful completion

    /// `00000` successful_completion.
    package static let successfulCompletion: SQLState = "00000"

    // MARK: Class 08, connection exception

    /// `08000` connection_exception.
    package static let connectionException: SQLState = "08000"
    /// `08001` sqlclient_unable_to_establish_sqlconnection: the client could not reach the server.
    package static let unableToEstablishConnection: SQLState = "08001"
    /// `08006` connection_failure: the connection broke.
    package static let connectionFailure: SQLState = "08006"

    // MARK: Class 0A, feature not supported

    /// `0A000` feature_not_supported.
    package static let featureNotSupported: SQLState = "0A000"

    // MARK: Class 22, data exception

    /// `22000` data_exception.
    package static let dataException: SQLState = "22000"
    /// `22P02` invalid_text_representation, e.g. `'abc'::int`.
    package static let invalidTextRepresentation: SQLState = "22P02"
    /// `22023` invalid_parameter_value: a function refused an argument (migstat's functions name it in
    /// ``PQError/column`` and ``PQError/detail``).
    package static let invalidParameterValue: SQLState = "22023"

    // MARK: Class 23, integrity constraint violation

    /// `23502` not_null_violation.
    package static let notNullViolation: SQLState = "23502"
    /// `23503` foreign_key_violation.
    package static let foreignKeyViolation: SQLState = "23503"
    /// `23505` unique_violation.
    package static let uniqueViolation: SQLState = "23505"
    /// `23514` check_violation.
    package static let checkViolation: SQLState = "23514"

    // MARK: Class 25, invalid transaction state

    /// `25P02` in_failed_sql_transaction: a statement in the transaction failed, so it can only be rolled back.
    package static let inFailedSQLTransaction: SQLState = "25P02"

    // MARK: Class 40, transaction rollback

    /// `40001` serialization_failure; retry the transaction.
    package static let serializationFailure: SQLState = "40001"
    /// `40P01` deadlock_detected; retry the transaction.
    package static let deadlockDetected: SQLState = "40P01"

    // MARK: Class 42, syntax error or access rule violation

    /// `42501` insufficient_privilege.
    package static let insufficientPrivilege: SQLState = "42501"
    /// `42P01` undefined_table.
    package static let undefinedTable: SQLState = "42P01"
    /// `42883` undefined_function.
    package static let undefinedFunction: SQLState = "42883"

    // MARK: Class 55, object not in prerequisite state

    /// `55000` object_not_in_prerequisite_state.
    package static let objectNotInPrerequisiteState: SQLState = "55000"

    // MARK: Class 57, operator intervention

    /// `57014` query_canceled, e.g. after ``PQCancelHandle/cancel()`` or a statement timeout.
    package static let queryCanceled: SQLState = "57014"
    /// `57P01` admin_shutdown: the server or an administrator terminated the session.
    package static let adminShutdown: SQLState = "57P01"
    /// `57P02` crash_shutdown.
    package static let crashShutdown: SQLState = "57P02"
    /// `57P03` cannot_connect_now, e.g. while the server is starting up.
    package static let cannotConnectNow: SQLState = "57P03"

    // MARK: Class P0, PL/pgSQL error

    /// `P0001` raise_exception: a PL/pgSQL `RAISE EXCEPTION` without its own code.
    package static let raiseException: SQLState = "P0001"
}
