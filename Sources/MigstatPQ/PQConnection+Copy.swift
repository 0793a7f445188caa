internal import CLibPQ

extension PQConnection {
    /// Runs `COPY … FROM STDIN` and streams the rows that `body` writes, for bulk loading.
    ///
    /// `body` writes the data (in the statement's format, e.g. tab-separated text rows ending in `\n`) to the
    /// ``PQCopyWriter``; when it returns, the rest is flushed and the copy ended. If `body` throws, the copy is
    /// ended with an error so the server discards everything (nothing is inserted), and `body`'s error is rethrown.
    /// Errors in the data (a bad integer, a constraint) are only reported once all data was sent.
    /// - Parameters:
    ///   - copyStatement: one `COPY table (columns) FROM STDIN …` statement.
    ///   - body: writes the data; it must not use the connection for anything else.
    /// - Returns: the number of rows copied (from the `COPY n` command tag).
    /// - Throws: `body`'s error, or ``PQError``: `.copyFailed` with the server's SQLSTATE (e.g.
    ///   ``SQLState/invalidTextRepresentation``), `.connectionLost`, `.invalidArgument` if the statement is not a
    ///   `COPY … FROM STDIN`. The connection is idle and usable afterwards unless it was lost.
    package func copyFrom(_ copyStatement: String, _ body: (PQCopyWriter) throws -> Void) throws -> Int64 {
        try startCopy(copyStatement, expecting: PGRES_COPY_IN)
        let writer = PQCopyWriter(connection: handle, query: copyStatement)
        do {
            try body(writer)
            try writer.flush()
        } catch {
            writer.close()
            _ = PQputCopyEnd(handle, "aborted by client")
            _ = drainResults(query: copyStatement, code: .copyFailed)
            throw error
        }
        writer.close()
        guard PQputCopyEnd(handle, nil) == 1 else {
            let error = PQError(connection: handle, code: .copyFailed, query: copyStatement)
            let drained = drainResults(query: copyStatement, code: .copyFailed)
            throw drained.error ?? error
        }
        let (error, affectedRows) = drainResults(query: copyStatement, code: .copyFailed)
        if let error {
            throw error
        }
        return affectedRows ?? 0
    }

    /// Runs `COPY … TO STDOUT` and hands each piece of output to `onChunk` as it arrives (in text format, one row).
    ///
    /// If `onChunk` throws, the server is asked to cancel the copy, the rest of the output is discarded, and
    /// `onChunk`'s error is rethrown.
    /// - Parameters:
    ///   - copyStatement: one `COPY table_or_query TO STDOUT …` statement.
    ///   - onChunk: receives the bytes; the buffer is only valid during the call.
    /// - Throws: `onChunk`'s error, or ``PQError``: `.copyFailed` with the server's SQLSTATE, `.connectionLost`,
    ///   `.invalidArgument` if the statement is not a `COPY … TO STDOUT`.
    package func copyTo(_ copyStatement: String, _ onChunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        try startCopy(copyStatement, expecting: PGRES_COPY_OUT)
        var chunkError: (any Error)?
        var readFailed = false
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if let buffer {
                defer { PQfreemem(buffer) }
                if length > 0 && chunkError == nil {
                    do {
                        try onChunk(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                    } catch {
                        chunkError = error
                        // Stop the server from sending the rest; what is already on the way is discarded below.
                        try? makeCancelHandle().cancel()
                    }
                }
            }
            if length == -1 {
                break
            }
            if length < -1 {
                readFailed = true
                break
            }
        }
        let readError = readFailed ? PQError(connection: handle, code: .copyFailed, query: copyStatement) : nil
        let (error, _) = drainResults(query: copyStatement, code: .copyFailed)
        if let chunkError {
            throw chunkError
        }
        if let error = error ?? readError {
            throw error
        }
    }

    /// Sends a `COPY` statement and checks the server switched to the expected copy mode.
    private func startCopy(_ copyStatement: String, expecting expected: ExecStatusType) throws {
        try checkNoNUL(copyStatement, query: copyStatement)
        guard let result = PQexecParams(handle, copyStatement, 0, nil, nil, nil, nil, 0) else {
            throw PQError(connection: handle, code: .copyFailed, query: copyStatement)
        }
        let status = PQresultStatus(result)
        if status == expected {
            PQclear(result)
            return
        }
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            _ = drainResults(query: copyStatement, code: .copyFailed)
            let direction = expected == PGRES_COPY_IN ? "COPY … FROM STDIN" : "COPY … TO STDOUT"
            throw PQError(code: .invalidArgument, message: "the statement is not a \(direction)", query: copyStatement)
        default:
            defer { PQclear(result) }
            throw PQError(result: result, connection: handle, code: .copyFailed, query: copyStatement)
        }
    }
}
