internal import CLibPQ

extension PQConnection {
    /// Runs one parameterised query and hands its rows to `body` one at a time (libpq's single-row
    /// mode), so a result of any size is never held in memory whole: for answers that can be as long
    /// as a batch (the import's rejected lines) or a report (every cell and margin).
    ///
    /// - Parameters:
    ///   - sql: exactly one statement returning rows, with `$1`, `$2`, … for the parameters.
    ///   - parameters: the parameters' values in PostgreSQL text format; `nil` is SQL NULL. They never appear in
    ///     errors.
    ///   - body: called once per row with a ``PQResult`` of that one row (row index 0). If it throws, the rest of
    ///     the result is cancelled and discarded, and its error is rethrown.
    /// - Returns: the number of rows handed to `body`.
    /// - Throws: ``PQError`` `.queryFailed` with the server's SQLSTATE (also when the error comes after some rows
    ///   were delivered), `.connectionLost`, `.invalidArgument` for a NUL byte, or `body`'s error. The connection
    ///   is idle afterwards unless it was lost.
    @discardableResult
    package func stream(sql: String, _ parameters: [String?] = [], row body: (PQResult) throws -> Void) throws -> Int {
        try checkNoNUL(sql, query: sql)
        for (index, parameter) in parameters.enumerated() where parameter?.utf8.contains(0) == true {
            throw PQError(code: .invalidArgument, message: "parameter $\(index + 1) contains a NUL byte", query: sql)
        }
        guard parameters.count <= Int(UInt16.max) else {
            throw PQError(code: .invalidArgument, message: "more than 65535 parameters", query: sql)
        }
        let sent = withParameterPointers(parameters) { values in
            PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else {
            throw PQError(connection: handle, code: .queryFailed, query: sql)
        }
        guard PQsetSingleRowMode(handle) == 1 else {
            let drained = drainResults(query: sql, code: .queryFailed)
            throw drained.error ?? PQError(code: .unexpectedResult, message: "single-row mode refused", query: sql)
        }
        var rows = 0
        var failure: (any Error)?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                guard failure == nil else { continue }
                do {
                    try body(PQResult(copying: result))
                    rows += 1
                } catch {
                    failure = error
                    // Stop the server from sending the rest; what is already on the way is discarded.
                    try? makeCancelHandle().cancel()
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                break
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                let drained = drainResults(query: sql, code: .queryFailed)
                throw failure ?? drained.error ?? PQError(
                    code: .invalidArgument, message: "COPY needs copyFrom or copyTo; the COPY was aborted", query: sql)
            default:
                failure = failure ?? PQError(result: result, connection: handle, code: .queryFailed, query: sql)
            }
        }
        if let failure { throw failure }
        return rows
    }
}
