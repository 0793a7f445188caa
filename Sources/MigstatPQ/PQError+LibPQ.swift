internal import CLibPQ

// Building PQError values from libpq's PGresult and PGconn. Kept out of PQError.swift so that file has no C.

extension PQError {
    /// Builds an error from a failed `PGresult` (which the caller still owns and clears).
    /// - Parameters:
    ///   - result: a result whose status is an error status.
    ///   - connection: the connection it came from; if that is now `CONNECTION_BAD` the code is `.connectionLost`.
    ///   - code: the code to use while the connection is still fine.
    ///   - query: the SQL text (never parameter values).
    init(result: OpaquePointer, connection: OpaquePointer, code: Code, query: String?) {
        func field(_ name: UInt8) -> String? {
            guard let value = PQresultErrorField(result, Int32(name)) else {
                return nil
            }
            return String(cString: value)
        }
        let primary = field(DiagnosticField.primaryMessage).map(trimmedWhitespace)
        let fallback = PQresultErrorMessage(result).map { trimmedWhitespace(String(cString: $0)) }
        var message = primary ?? fallback ?? ""
        if message.isEmpty {
            message = trimmedWhitespace(String(cString: PQerrorMessage(connection)))
        }
        self.init(
            code: code,
            message: message.isEmpty ? "unknown error" : message,
            sqlState: field(DiagnosticField.sqlState).map { SQLState($0) },
            detail: field(DiagnosticField.detail),
            hint: field(DiagnosticField.hint),
            constraint: field(DiagnosticField.constraintName),
            schema: field(DiagnosticField.schemaName),
            table: field(DiagnosticField.tableName),
            column: field(DiagnosticField.columnName),
            context: field(DiagnosticField.context),
            query: query
        )
        markConnectionLostIfBad(connection)
    }

    /// Builds an error from the connection's last error message (`PQerrorMessage`), for calls that return no result.
    /// - Parameters:
    ///   - connection: the connection; if it is now `CONNECTION_BAD` the code is `.connectionLost`.
    ///   - code: the code to use while the connection is still fine.
    ///   - query: the SQL text (never parameter values).
    init(connection: OpaquePointer, code: Code, query: String?) {
        let message = trimmedWhitespace(String(cString: PQerrorMessage(connection)))
        self.init(code: code, message: message.isEmpty ? "unknown libpq error" : message, query: query)
        markConnectionLostIfBad(connection)
    }

    /// Switches the code to `.connectionLost` (SQLSTATE 08006 unless the server sent one) if the connection broke.
    private mutating func markConnectionLostIfBad(_ connection: OpaquePointer) {
        guard PQstatus(connection) == CONNECTION_BAD else {
            return
        }
        code = .connectionLost
        if sqlState == nil {
            sqlState = .connectionFailure
        }
    }

    /// Builds the error for a failed connection attempt from libpq's message (which never contains the password).
    ///
    /// libpq exposes no SQLSTATE for a failed connection, so it is inferred from the message, best effort:
    /// `57P03` when the server said it is starting up or shutting down, `08001` when no server answered,
    /// `nil` when a server refused the connection for another reason (authentication, unknown database) or the
    /// conninfo string itself is invalid.
    init(connectFailureMessage rawMessage: String) {
        let message = trimmedWhitespace(rawMessage)
        let sqlState: SQLState?
        if message.contains("the database system is") {
            sqlState = .cannotConnectNow
        } else if message.contains("FATAL:") || message.contains("ERROR:") {
            sqlState = nil
        } else if message.contains("connection to server") || message.contains("could not translate host name") {
            sqlState = .unableToEstablishConnection
        } else {
            sqlState = nil  // e.g. an invalid conninfo string
        }
        self.init(code: .connectionFailed, message: message.isEmpty ? "could not connect" : message, sqlState: sqlState)
    }
}

/// libpq's `PG_DIAG_*` field codes (character macros, which Swift does not import).
enum DiagnosticField {
    static let severity = UInt8(ascii: "S")
    static let sqlState = UInt8(ascii: "C")
    static let primaryMessage = UInt8(ascii: "M")
    static let detail = UInt8(ascii: "D")
    static let hint = UInt8(ascii: "H")
    static let context = UInt8(ascii: "W")
    static let schemaName = UInt8(ascii: "s")
    static let tableName = UInt8(ascii: "t")
    static let columnName = UInt8(ascii: "c")
    static let constraintName = UInt8(ascii: "n")
}

/// `text` without leading and trailing spaces, tabs and line breaks (libpq messages end in a newline).
func trimmedWhitespace(_ text: String) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
    else {
        return ""
    }
    return String(text[first...last])
}
