package import MigstatPQ

/// An error migstat reports to a statistician.
///
/// It names where the problem is (batch file, line, column) but never carries a cell value:
/// values may be personal data (a passport number in `person_id`).
package struct MigstatError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable code (a struct, so codes can be added without breaking callers).
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The file cannot be opened or read.
        package static let fileUnreadable = Code("file unreadable")
        /// An output (report file, stdout, rejects file) cannot be written: disk full, permission, closed pipe.
        package static let writeFailed = Code("write failed")
        /// The CSV structure is broken beyond a single row (e.g. an unterminated quote).
        package static let malformedCSV = Code("malformed CSV")
        /// The header is missing, empty, or names a missing, unknown or repeated column.
        package static let badHeader = Code("bad header")
        /// The batch has rows that were rejected and the rejection limit was exceeded.
        package static let rowsRejected = Code("rows rejected")
        /// The same file content was imported before.
        package static let duplicateBatch = Code("duplicate batch")
        /// A command-line value is invalid.
        package static let invalidArgument = Code("invalid argument")
        /// The pseudonymisation key cannot be created or read.
        package static let keyStore = Code("key store")
        /// Something named does not exist (purpose, batch, code list).
        package static let notFound = Code("not found")
        /// A mapping profile is malformed or does not fit the file (names the profile entry).
        package static let badProfile = Code("bad profile")
        /// The database refused or failed; `underlying` has the SQLSTATE.
        package static let database = Code("database")

        package var description: String { name }
    }

    package var code: Code
    package var message: String
    package var file: String?
    package var line: Int?
    package var column: String?
    /// The database error behind this one, if any (SQLSTATE, server message; never bound values).
    package var underlying: PQError?
    /// What the user can do about it (shown as `hint:` under the message); the database's hint when `nil`.
    package var hint: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of error.
    ///   - message: what is wrong; must not contain a cell value.
    ///   - file: the batch file, when the error is about one.
    ///   - line: the physical line (header = 1).
    ///   - column: the column's name in the header.
    ///   - underlying: the database error behind it.
    ///   - hint: what the user can do about it.
    package init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: String? = nil,
                 underlying: PQError? = nil, hint: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.underlying = underlying
        self.hint = hint
    }

    /// Wraps a database error, keeping its SQLSTATE and primary message (redacted: `PQError.redactedMessage`).
    package init(database error: PQError) {
        self.init(.database, error.redactedMessage, underlying: error)
    }

    /// `file:line: column "name": message`.
    package var description: String {
        var location = ""
        if let file { location += file }
        if let line { location += location.isEmpty ? "line \(line)" : ":\(line)" }
        if let column { location += (location.isEmpty ? "" : ": ") + "column \"\(column)\"" }
        return location.isEmpty ? message : "\(location): \(message)"
    }
}
