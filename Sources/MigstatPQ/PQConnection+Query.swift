extension PQConnection {
    /// Runs one statement built as a ``PQQuery`` (its text and parameters together).
    /// - Returns: the rows and command status.
    /// - Throws: as ``execute(_:_:)``.
    @discardableResult
    package func execute(_ query: PQQuery) throws -> PQResult {
        try execute(sql: query.sql, query.parameters)
    }

    /// Runs one ``PQQuery`` and hands its rows to `body` one at a time (single-row mode).
    /// - Returns: the number of rows handed to `body`.
    /// - Throws: as ``stream(_:_:row:)``.
    @discardableResult
    package func stream(_ query: PQQuery, row body: (PQResult) throws -> Void) throws -> Int {
        try stream(sql: query.sql, query.parameters, row: body)
    }

    /// Runs `COPY (query) TO STDOUT` and hands its output to `onChunk` as it arrives (text format).
    ///
    /// COPY takes no parameters, so the query's values are written as quoted literals (``PQQuery/inlined()``).
    /// - Parameters:
    ///   - query: one `SELECT`.
    ///   - onChunk: receives the bytes (one row per call); the buffer is only valid during the call.
    /// - Throws: as ``copyTo(_:_:)``, and `.invalidArgument` for a NUL byte in a value.
    package func copyTo(selecting query: PQQuery, _ onChunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        try copyTo(Self.copyStatement(selecting: query), onChunk)
    }

    /// `COPY (query) TO STDOUT`, the query's parameters inlined as quoted literals.
    /// - Throws: ``PQError`` `.invalidArgument` for a NUL byte in a value.
    package static func copyStatement(selecting query: PQQuery) throws -> String {
        "COPY (\(try query.inlined())) TO STDOUT"
    }
}
