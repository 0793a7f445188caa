/// An error from libpq or the PostgreSQL server.
///
/// It carries the server's diagnostic fields but never the values bound to a query's parameters. Its
/// ``description`` is meant for users and logs: code, primary message and SQLSTATE only, because the server's
/// `DETAIL` and `CONTEXT` can quote data values (`Key (record_id)=(…) already exists`), and for data exceptions
/// (class 22) the quoted input value in the primary message is cut out. ``debugDescription`` shows every field.
package struct PQError: Error, CustomStringConvertible, CustomDebugStringConvertible, Sendable {
    /// What kind of operation failed. New codes can be added without breaking `switch`-free callers.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed
            case queryFailed
            case copyFailed
            case unexpectedResult
            case connectionLost
            case invalidArgument
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Could not connect (bad conninfo, server unreachable, authentication refused, server starting up).
        package static let connectionFailed = Code(.connectionFailed)
        /// The server rejected a statement; see ``PQError/sqlState``.
        package static let queryFailed = Code(.queryFailed)
        /// A `COPY` failed, or the data sent through it was rejected; see ``PQError/sqlState``.
        package static let copyFailed = Code(.copyFailed)
        /// A result did not have the expected shape: a NULL, a non-integer, a missing row or column.
        package static let unexpectedResult = Code(.unexpectedResult)
        /// The connection broke during an operation; the ``PQConnection`` is no longer usable.
        package static let connectionLost = Code(.connectionLost)
        /// The caller passed something that cannot be sent, such as a string with a NUL byte.
        package static let invalidArgument = Code(.invalidArgument)

        /// The code's name, e.g. `queryFailed`.
        package var description: String {
            base.rawValue
        }

        /// Whether `error` is a ``PQError`` with this code; lets `catch PQError.Code.connectionLost` work.
        /// - Parameters:
        ///   - pattern: the code to look for.
        ///   - error: any thrown error.
        /// - Returns: `true` when `error` is a ``PQError`` whose ``PQError/code`` equals `pattern`.
        package static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? PQError)?.code == pattern
        }
    }

    /// What kind of operation failed.
    package var code: Code
    /// The server's SQLSTATE, when the server sent one (or one could be inferred for connection failures).
    package var sqlState: SQLState?
    /// The server's primary message (`PG_DIAG_MESSAGE_PRIMARY`), or libpq's own message, trimmed.
    ///
    /// For data exceptions (SQLSTATE class 22) the server quotes the offending input here
    /// (`invalid input syntax for type integer: "…"`); show ``redactedMessage`` to users instead.
    package var message: String
    /// The server's `DETAIL`; may contain data values, so it is left out of ``description``.
    package var detail: String?
    /// The server's `HINT`.
    package var hint: String?
    /// The name of the violated constraint, if any (`PG_DIAG_CONSTRAINT_NAME`).
    package var constraint: String?
    /// The schema of the object the error is about, if any (`PG_DIAG_SCHEMA_NAME`).
    package var schema: String?
    /// The table the error is about, if any (`PG_DIAG_TABLE_NAME`).
    package var table: String?
    /// The column the error is about, if any (`PG_DIAG_COLUMN_NAME`; a PL/pgSQL `RAISE … USING COLUMN =`
    /// sets it, e.g. to the field of an argument that was refused).
    package var column: String?
    /// The server's `CONTEXT` (call stack, `COPY` line); may contain data values.
    package var context: String?
    /// The SQL text that failed; never the values bound to its parameters.
    package var query: String?

    /// Creates an error; ``PQConnection`` fills the fields from the server's diagnostics.
    /// - Parameters:
    ///   - code: what kind of operation failed.
    ///   - message: the primary message.
    ///   - sqlState: the SQLSTATE, if known.
    ///   - detail: the server's `DETAIL`.
    ///   - hint: the server's `HINT`.
    ///   - constraint: the violated constraint.
    ///   - schema: the schema concerned.
    ///   - table: the table concerned.
    ///   - column: the column concerned.
    ///   - context: the server's `CONTEXT`.
    ///   - query: the SQL text, without parameter values.
    package init(
        code: Code,
        message: String,
        sqlState: SQLState? = nil,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        schema: String? = nil,
        table: String? = nil,
        column: String? = nil,
        context: String? = nil,
        query: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.schema = schema
        self.table = table
        self.column = column
        self.context = context
        self.query = query
    }

    /// Whether the error was raised by a `RAISE` statement of a migstat function (the innermost line of
    /// ``context`` is `PL/pgSQL function NAME(…) line N at RAISE`, NAME being `migstat.…` or unqualified: the
    /// server leaves the schema out when the function's pinned search_path makes it visible): its message and
    /// hint are migstat's own words about the caller's request (the options the caller typed), never record
    /// values, so they are shown whole. A function of another schema does not count.
    package var isRaisedByMigstat: Bool {
        guard let context, let first = context.split(separator: "\n", omittingEmptySubsequences: true).first,
              first.hasPrefix("PL/pgSQL function "), first.hasSuffix(" at RAISE") else {
            return false
        }
        let name = first.dropFirst("PL/pgSQL function ".count).prefix { $0 != "(" }
        return name.hasPrefix("migstat.") || !name.contains(".")
    }

    /// ``message`` safe to show or log: for data exceptions (SQLSTATE class 22) everything from the first to
    /// the last double quote, which is where PostgreSQL quotes the rejected input value, becomes `"…"` — unless
    /// migstat raised it (``isRaisedByMigstat``), whose quotes hold the caller's own options.
    package var redactedMessage: String {
        guard sqlState?.errorClass == "22", !isRaisedByMigstat, let first = message.firstIndex(of: "\"") else {
            return message
        }
        let last = message.lastIndex(of: "\"") ?? first
        let tail = last > first ? String(message[message.index(after: last)...]) : ""
        return String(message[..<first]) + "\"…\"" + tail
    }

    /// `<message> (SQLSTATE xxxxx)`, with ``redactedMessage``; never detail, hint, context or query, nor the
    /// code's internal name (that is in ``debugDescription``).
    package var description: String {
        var text = redactedMessage
        if let sqlState {
            text += " (SQLSTATE \(sqlState))"
        }
        return text
    }

    /// Every field, including ``detail``, ``hint``, ``context`` and ``query``, which may contain data values:
    /// for debugging only, never for logs.
    package var debugDescription: String {
        var fields = ["code: \(code)"]
        if let sqlState {
            fields.append("sqlState: \(sqlState)")
        }
        fields.append("message: \(String(reflecting: message))")
        let optionalFields: [(String, String?)] = [
            ("detail", detail), ("hint", hint), ("constraint", constraint), ("schema", schema),
            ("table", table), ("column", column), ("context", context), ("query", query),
        ]
        for case (let name, let value?) in optionalFields {
            fields.append("\(name): \(String(reflecting: value))")
        }
        return "PQError(\(fields.joined(separator: ", ")))"
    }
}
