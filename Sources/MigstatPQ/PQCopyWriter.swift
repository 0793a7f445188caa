internal import CLibPQ

/// Sends the data of a running `COPY … FROM STDIN`, handed out by ``PQConnection/copyFrom(_:_:)``.
///
/// Writes are appended to a 32 KiB buffer that is sent with `PQputCopyData` whenever it is full, so the hot path
/// (many short fields, tabs and newlines per row) is a bounds check and a memory copy, with no allocation. The
/// bytes must be in the `COPY` statement's format (text format: tab-separated, `\N` for NULL, backslash escapes).
/// Not Sendable, and only usable inside the `copyFrom` body: afterwards every write throws.
package final class PQCopyWriter {
    /// Size of the buffer, and so of the pieces handed to `PQputCopyData`. Kept well below the socket
    /// buffer so the client encodes the next piece while the server ingests the last one: at 256 KiB
    /// the two barely overlapped (COPY of 1M rows 4.1 s, against 2.2 s at 32 KiB; bench-import.sh).
    static let bufferSize = 32 * 1024

    /// Fill level of `buffer`. It lives behind a pointer rather than in stored `var`s because every write to a
    /// class's stored property pays for a dynamic exclusivity check (`swift_beginAccess`), which was half the
    /// client's CPU time in an import benchmark.
    @usableFromInline struct Cursor {
        /// Bytes in `buffer` not yet sent.
        @usableFromInline var count: Int
        /// `bufferSize` while writes may be buffered, 0 once closed or failed so that every write takes the slow
        /// path.
        @usableFromInline var limit: Int
    }

    @usableFromInline let buffer: UnsafeMutablePointer<UInt8>
    @usableFromInline let cursor: UnsafeMutablePointer<Cursor>
    private let connection: OpaquePointer
    private let query: String
    private var isClosed = false
    private var failure: PQError?

    init(connection: OpaquePointer, query: String) {
        self.connection = connection
        self.query = query
        self.buffer = .allocate(capacity: Self.bufferSize)
        self.cursor = .allocate(capacity: 1)
        cursor.initialize(to: Cursor(count: 0, limit: Self.bufferSize))
    }

    deinit {
        buffer.deallocate()
        cursor.deallocate()
    }

    /// Appends raw bytes.
    /// - Parameter bytes: bytes in the `COPY` format.
    /// - Throws: ``PQError`` `.copyFailed`/`.connectionLost` if sending failed, `.invalidArgument` after the copy ended.
    @inlinable
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        let length = bytes.count
        let count = cursor.pointee.count
        guard length <= cursor.pointee.limit &- count else {
            try writeSlowly(bytes)
            return
        }
        if length > 0 {
            UnsafeMutableRawPointer(buffer + count).copyMemory(from: bytes.baseAddress!, byteCount: length)
            cursor.pointee.count = count &+ length
        }
    }

    /// Appends the UTF-8 bytes of `string`.
    /// - Parameter string: text in the `COPY` format (already escaped).
    /// - Throws: ``PQError`` `.copyFailed`/`.connectionLost` if sending failed, `.invalidArgument` after the copy ended.
    @inlinable
    package func write(_ string: String) throws {
        let (buffer, cursor) = (self.buffer, self.cursor)
        let copied = string.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            let length = utf8.count
            let count = cursor.pointee.count
            guard length <= cursor.pointee.limit &- count else {
                return false
            }
            if length > 0 {
                (buffer + count).update(from: utf8.baseAddress!, count: length)
                cursor.pointee.count = count &+ length
            }
            return true
        }
        if copied != true {
            try writeSlowly(string)
        }
    }

    /// Appends one byte, e.g. a tab (9) or a newline (10).
    /// - Parameter byte: the byte.
    /// - Throws: ``PQError`` `.copyFailed`/`.connectionLost` if sending failed, `.invalidArgument` after the copy ended.
    @inlinable
    package func write(byte: UInt8) throws {
        if cursor.pointee.count >= cursor.pointee.limit {
            try makeRoom()
        }
        let count = cursor.pointee.count
        buffer[count] = byte
        cursor.pointee.count = count &+ 1
    }

    /// Sends the buffered bytes now (``PQConnection/copyFrom(_:_:)`` also does this when the body returns).
    /// - Throws: ``PQError`` `.copyFailed`/`.connectionLost` if sending failed, `.invalidArgument` after the copy ended.
    package func flush() throws {
        try checkUsable()
        try send(UnsafeRawBufferPointer(start: buffer, count: cursor.pointee.count))
        cursor.pointee.count = 0
    }

    /// Ends the writer's life: buffered bytes are dropped and every later write throws.
    func close() {
        isClosed = true
        cursor.pointee = Cursor(count: 0, limit: 0)
    }

    /// Slow path of `write(byte:)`: the buffer is full (send it) or the writer is unusable (throw).
    @usableFromInline
    func makeRoom() throws {
        try flush()
    }

    /// Slow path of `write(_:)` for bytes that do not fit in the buffer.
    @usableFromInline
    func writeSlowly(_ bytes: UnsafeRawBufferPointer) throws {
        try flush()
        if bytes.count >= Self.bufferSize {
            try send(bytes)
        } else if bytes.count > 0 {
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            cursor.pointee.count = bytes.count
        }
    }

    /// Slow path of `write(_:)` for strings that do not fit in the buffer or are not stored contiguously.
    @usableFromInline
    func writeSlowly(_ string: String) throws {
        var string = string
        try string.withUTF8 { utf8 in
            try writeSlowly(UnsafeRawBufferPointer(utf8))
        }
    }

    private func checkUsable() throws {
        if let failure {
            throw failure
        }
        if isClosed {
            throw PQError(
                code: .invalidArgument,
                message: "PQCopyWriter used after its copyFrom body returned",
                query: query
            )
        }
    }

    /// Hands `bytes` to libpq in pieces of at most `bufferSize` (blocking mode: `PQputCopyData` returns 1 or -1).
    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        guard var next = bytes.baseAddress else {
            return
        }
        var remaining = bytes.count
        while remaining > 0 {
            let piece = min(remaining, Self.bufferSize)
            let sent = PQputCopyData(
                connection, UnsafeRawPointer(next).assumingMemoryBound(to: CChar.self), Int32(piece))
            guard sent == 1 else {
                let error = PQError(connection: connection, code: .copyFailed, query: query)
                failure = error
                cursor.pointee = Cursor(count: 0, limit: 0)
                throw error
            }
            next += piece
            remaining -= piece
        }
    }
}
