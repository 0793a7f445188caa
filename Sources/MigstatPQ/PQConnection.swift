internal import CLibPQ

/// A blocking connection to PostgreSQL through libpq.
///
/// Not Sendable on purpose: one `PGconn` must never be used from two threads. Give each task its own
/// connection; only ``makeCancelHandle()`` hands out something another thread may use. Every statement goes through
/// `PQexecParams` with text parameters, so values are never spliced into SQL. The connection always uses UTF-8
/// and `standard_conforming_strings = on`, and closes (`PQfinish`) when the object is released.
///
/// Everything here throws ``PQError`` only (except for errors thrown by the caller's own closures, which are
/// rethrown unchanged). The signatures say plain `throws` rather than `throws(PQError)` on purpose: Swift 6.3
/// crashes compiling a non-exhaustive `catch SQLState.uniqueViolation` around a typed-throws call inside an
/// untyped-throws function.
package final class PQConnection {
    /// The libpq connection; valid until deinit.
    let handle: OpaquePointer
    /// Holds ``noticeHandler``; libpq's notice receiver gets an unretained pointer to it, which stays valid because
    /// this strong reference is released only after `PQfinish` in deinit.
    private let notices: NoticeBox
    /// Counter for savepoint names of nested ``transaction(_:)`` calls.
    var savepointCounter = 0

    /// Connects and waits until the connection is ready.
    ///
    /// - Parameter conninfo: a libpq keyword/value string (`host=/run/pg dbname=migstat`) or a `postgresql://` URI;
    ///   `""` uses libpq's own defaults: the `PG*` environment variables and `~/.pgpass`.
    /// - Throws: ``PQError`` `.connectionFailed` with libpq's message (which never contains the password) and, best
    ///   effort, an SQLSTATE: `57P03` while the server starts or stops, `08001` when no server answered.
    package init(conninfo: String) throws {
        guard !conninfo.utf8.contains(0) else {
            throw PQError(code: .invalidArgument, message: "the conninfo string contains a NUL byte")
        }
        guard let handle = PQconnectdb(conninfo) else {
            throw PQError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw PQError(connectFailureMessage: message)
        }
        self.handle = handle
        self.notices = NoticeBox()
        // From here on deinit runs (and calls PQfinish) if a later step throws.
        PQsetNoticeReceiver(
            handle,
            { context, result in
                guard let context, let result else {
                    return
                }
                Unmanaged<NoticeBox>.fromOpaque(context).takeUnretainedValue().receive(result)
            },
            Unmanaged.passUnretained(notices).toOpaque()
        )
        _ = PQsetnonblocking(handle, 0)
        if parameterStatus("client_encoding") != "UTF8" {
            guard PQsetClientEncoding(handle, "UTF8") == 0 else {
                throw PQError(connection: handle, code: .connectionFailed, query: nil)
            }
        }
        if parameterStatus("standard_conforming_strings") != "on" {
            try execute("SET standard_conforming_strings = on")
        }
    }

    deinit {
        PQfinish(handle)
    }

    /// Called with each NOTICE or WARNING the server sends, as `"SEVERITY: primary message"`; `nil` (the default)
    /// drops them. libpq never prints them to stderr. Runs synchronously, on the thread using the connection.
    package var noticeHandler: ((String) -> Void)? {
        get { notices.handler }
        set { notices.handler = newValue }
    }

    /// Whether the connection is usable (`PQstatus` is `CONNECTION_OK`); `false` after the connection was lost.
    package var isConnected: Bool {
        PQstatus(handle) == CONNECTION_OK
    }

    /// Whether a transaction is open (possibly aborted by a failed statement and waiting for `ROLLBACK`).
    package var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// The server's version as a number, e.g. `150018` for 15.18.
    package var serverVersion: Int {
        Int(PQserverVersion(handle))
    }

    /// The process ID of the server process serving this connection (as in `pg_stat_activity.pid`).
    package var backendPID: Int32 {
        PQbackendPID(handle)
    }

    /// The role the connection logged in as (libpq's `PQuser`); unlike ``currentUser`` it ignores `SET ROLE`.
    package var user: String {
        PQuser(handle).map { String(cString: $0) } ?? ""
    }

    /// The role whose privileges apply now: the server's `current_user`, which `SET ROLE` changes.
    /// - Throws: ``PQError`` if the query fails (e.g. inside an aborted transaction).
    package var currentUser: String {
        get throws {
            try execute("SELECT current_user").string(0, 0)
        }
    }

    /// Makes a handle that another thread can use to cancel the statement this connection is running.
    /// - Returns: a Sendable handle; it stays valid (and harmless) after the connection is closed.
    package func makeCancelHandle() -> PQCancelHandle {
        PQCancelHandle(connection: handle)
    }

    /// Runs one SQL statement with text parameters (`PQexecParams`) and returns its rows.
    ///
    /// The raw form, for SQL text the program builds itself (`sql:` is labelled on purpose: an unlabelled
    /// `execute("… \(value) …")` is a ``PQQuery``, whose interpolations are bound parameters).
    ///
    /// - Parameters:
    ///   - sql: exactly one statement, with `$1`, `$2`, … for the parameters. Not for `COPY`: see ``copyFrom(_:_:)``.
    ///   - parameters: the parameters' values in PostgreSQL text format; `nil` is SQL NULL. They never appear in
    ///     errors.
    /// - Returns: the rows and command status, copied out of libpq.
    /// - Throws: ``PQError`` `.queryFailed` with the server's SQLSTATE, `.connectionLost` if the connection broke,
    ///   `.invalidArgument` for a NUL byte in `sql` or a parameter, or for a `COPY` statement.
    @discardableResult
    package func execute(sql: String, _ parameters: [String?] = []) throws -> PQResult {
        try checkNoNUL(sql, query: sql)
        guard parameters.count <= Int(UInt16.max) else {
            throw PQError(code: .invalidArgument, message: "more than 65535 parameters", query: sql)
        }
        for (index, parameter) in parameters.enumerated() where parameter?.utf8.contains(0) == true {
            throw PQError(code: .invalidArgument, message: "parameter $\(index + 1) contains a NUL byte", query: sql)
        }
        let result = withParameterPointers(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try finish(result, query: sql)
    }

    /// Runs a script of one or more statements separated by semicolons (`PQexec`), e.g. a schema migration.
    ///
    /// The statements run one after the other and stop at the first error; unless the script has its own
    /// `BEGIN`/`COMMIT` they run in one implicit transaction.
    /// - Parameter sql: the script; it cannot have parameters.
    /// - Throws: ``PQError`` `.queryFailed` with the server's SQLSTATE, `.connectionLost` if the connection broke,
    ///   `.invalidArgument` for a NUL byte or a `COPY` in the script.
    package func executeScript(_ sql: String) throws {
        try checkNoNUL(sql, query: sql)
        _ = try finish(PQexec(handle, sql), query: sql)
    }

    // MARK: - Internals shared with the extensions

    /// The value of a server parameter reported to libpq (`PQparameterStatus`), e.g. `server_version`.
    func parameterStatus(_ name: String) -> String? {
        PQparameterStatus(handle, name).map { String(cString: $0) }
    }

    /// Throws `.invalidArgument` if `text` has a NUL byte, which would silently cut it short in C.
    func checkNoNUL(_ text: String, query: String) throws {
        if text.utf8.contains(0) {
            throw PQError(code: .invalidArgument, message: "the SQL text contains a NUL byte", query: query)
        }
    }

    /// Turns the result of `PQexec`/`PQexecParams` into a ``PQResult`` or an error, and clears it.
    private func finish(_ result: OpaquePointer?, query: String) throws -> PQResult {
        guard let result else {
            throw PQError(connection: handle, code: .queryFailed, query: query)
        }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            defer { PQclear(result) }
            return PQResult(copying: result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            _ = drainResults(query: query, code: .queryFailed)
            throw PQError(
                code: .invalidArgument,
                message: "COPY FROM STDIN / TO STDOUT needs copyFrom or copyTo; the COPY was aborted",
                query: query
            )
        default:
            defer { PQclear(result) }
            throw PQError(result: result, connection: handle, code: .queryFailed, query: query)
        }
    }

    /// Reads and clears every pending result until libpq has none (the connection is then idle), aborting a
    /// `COPY` that is still running. Returns the first error and the last command's row count.
    func drainResults(query: String, code: PQError.Code) -> (error: PQError?, affectedRows: Int64?) {
        var firstError: PQError?
        var affectedRows: Int64?
        var copyEndAttempts = 0
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                affectedRows = PQcmdTuples(result).flatMap { Int64(String(cString: $0)) }
            case PGRES_COPY_IN:
                // Still in COPY FROM STDIN: end it with an error so the server aborts the COPY. If libpq cannot
                // even send that, the connection is broken and the next PQgetResult reports so.
                copyEndAttempts += 1
                if PQputCopyEnd(handle, "aborted by client") != 1 || copyEndAttempts > 3 {
                    firstError = firstError ?? PQError(connection: handle, code: code, query: query)
                    if copyEndAttempts > 3 {
                        return (firstError, affectedRows)
                    }
                }
            case PGRES_COPY_OUT:
                discardCopyData()
            case PGRES_COPY_BOTH:
                // Replication protocol only; nothing here starts it, and it cannot be drained.
                firstError = firstError ?? PQError(code: .unexpectedResult, message: "COPY BOTH is not supported")
                return (firstError, affectedRows)
            default:
                firstError = firstError ?? PQError(result: result, connection: handle, code: code, query: query)
            }
        }
        return (firstError, affectedRows)
    }

    /// Reads and frees the rest of a `COPY … TO STDOUT`.
    func discardCopyData() {
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if let buffer {
                PQfreemem(buffer)
            }
            if length < 0 {
                return
            }
        }
    }

    /// Calls `body` with a C array of NUL-terminated parameter values (NULL for `nil`), all in one allocation.
    func withParameterPointers<R>(
        _ parameters: [String?],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        if parameters.isEmpty {
            return body(nil)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parameters.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
        var offsets: [Int?] = []
        offsets.reserveCapacity(parameters.count)
        for parameter in parameters {
            guard let parameter else {
                offsets.append(nil)
                continue
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: parameter.utf8)
            bytes.append(0)
        }
        return bytes.withUnsafeBytes { storage in
            let base = storage.baseAddress?.assumingMemoryBound(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.flatMap { base.map(UnsafePointer.init)?.advanced(by: $0) }
            }
            return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}

/// Box for ``PQConnection/noticeHandler``, reachable from libpq's C notice callback.
private final class NoticeBox {
    var handler: ((String) -> Void)?

    /// Formats a notice `PGresult` as `"SEVERITY: primary message"` and hands it to the handler.
    func receive(_ result: OpaquePointer) {
        guard let handler else {
            return
        }
        let severity = PQresultErrorField(result, Int32(DiagnosticField.severity)).map { String(cString: $0) }
        let primary = PQresultErrorField(result, Int32(DiagnosticField.primaryMessage)).map { String(cString: $0) }
        if let primary {
            handler("\(severity ?? "NOTICE"): \(trimmedWhitespace(primary))")
        } else {
            handler(trimmedWhitespace(PQresultErrorMessage(result).map { String(cString: $0) } ?? ""))
        }
    }
}
