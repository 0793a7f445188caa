internal import CLibPQ

/// Asks the server to cancel whatever its connection is running, from any thread (e.g. a SIGINT handler's).
///
/// Made by ``PQConnection/makeCancelHandle()``. It wraps libpq's `PGcancel`, which `PQcancel` only reads, so
/// using it from another thread while the connection's own thread is blocked in a query is safe. A cancelled
/// statement fails with ``SQLState/queryCanceled``; cancelling while nothing runs does nothing. The handle may
/// outlive its connection.
package final class PQCancelHandle: @unchecked Sendable {
    // @unchecked: `pgCancel` is immutable after init, PQcancel only reads it, and PQfreeCancel runs in deinit, when
    // no other reference (and so no other thread) can use it.
    private let pgCancel: OpaquePointer?

    init(connection: OpaquePointer) {
        self.pgCancel = PQgetCancel(connection)
    }

    deinit {
        if let pgCancel {
            PQfreeCancel(pgCancel)
        }
    }

    /// Sends the cancel request and waits until the server has received it (not until the statement stopped).
    /// - Throws: ``PQError`` `.connectionFailed` if the request could not be delivered.
    package func cancel() throws {
        guard let pgCancel else {
            throw PQError(code: .connectionFailed, message: "the connection was not open when the handle was made")
        }
        var errorBuffer = [CChar](repeating: 0, count: 256)
        let sent = PQcancel(pgCancel, &errorBuffer, Int32(errorBuffer.count))
        guard sent == 1 else {
            let message = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw PQError(code: .connectionFailed, message: trimmedWhitespace("could not cancel: " + message))
        }
    }
}
