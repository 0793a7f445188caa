#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming RFC 4180 CSV reader over a file (path or descriptor) or an in-memory byte array.
///
/// It reads fixed-size chunks into one growable buffer and scans bytes, so memory depends on the chunk size and
/// the longest record, never on the file size. Fields are handed out as UTF-8 byte buffers pointing into that
/// buffer (valid until the next call to `next(into:)`), unquoted, with doubled quotes collapsed, and validated
/// (UTF-8 input) or transcoded (Windows-1251 input).
///
/// Format: the delimiter (`,` by default), quote `"`, and line ends LF or CRLF. A bare CR outside quotes is data.
/// Quoted fields may hold delimiters, doubled quotes and line breaks. A UTF-8 byte-order mark at the very start
/// is skipped. Empty lines between records are skipped but counted. The last record needs no line end.
///
/// Errors: `unexpectedQuote` and `invalidEncoding` reject one record. Before throwing them the reader finishes
/// that record leniently — a quote inside an unquoted field or after a closing quote is taken as data, so the
/// record ends at the next line end outside quotes — and the next call to `next(into:)` returns the record after
/// it. `unterminatedQuote`, `recordTooLarge` and `readFailed` are fatal: every later call throws the same error.
package final class CSVReader {
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let quote = UInt8(ascii: "\"")
    /// Class-table bit: the byte stops the scan of an unquoted field.
    private static let stopsUnquoted: UInt8 = 1
    /// Class-table bit: the byte stops the scan of a quoted field.
    private static let stopsQuoted: UInt8 = 2

    private let delimiter: UInt8
    private let encoding: TextEncoding
    private let chunkSize: Int

    // Source: a file descriptor, or (fd == -1) an in-memory array.
    private let fd: Int32
    private let closesDescriptor: Bool
    private let memory: [UInt8]
    private var memoryOffset = 0

    /// UTF-8 text: bytes `0..<end` are valid, `recordStart` is where the current (last returned) record starts,
    /// `position` is where the next one is looked for.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var end = 0
    private var recordStart = 0
    private var position = 0
    /// Raw bytes for transcoding (Windows-1251 only), `chunkSize` long.
    private var raw: UnsafeMutablePointer<UInt8>?
    /// The source has no more bytes.
    private var atEOF = false
    private var checkedBOM = false
    /// The physical line (1-based) at `position`; while a record is parsed, the line where it starts.
    private var line = 1
    /// Per byte: `stopsUnquoted` / `stopsQuoted` bits.
    private let classes: UnsafeMutablePointer<UInt8>
    /// Set by a fatal error; rethrown by every later call.
    private var terminalError: CSVError?

    /// Raw bytes read from the source so far (for a progress bar). Runs ahead of the records returned by at most
    /// one chunk.
    package private(set) var bytesRead = 0

    /// The source's size in bytes when known (regular files and byte arrays).
    package let totalBytes: Int?

    /// The longest record, in bytes of UTF-8, the reader holds in memory: 16 MiB unless changed. A longer record
    /// throws `recordTooLarge` (fatal) — usually a quote that is never closed, which would otherwise pull the
    /// rest of the file into memory.
    package var maxRecordSize = 16 << 20

    /// Opens the file at `path` for reading.
    ///
    /// - Parameters:
    ///   - delimiter: the field separator: `,` (default), `;` or tab. Must be ASCII, not a quote, CR or LF.
    ///   - encoding: the file's encoding; fields are always handed out as UTF-8.
    ///   - chunkSize: bytes per `read`; 1 MiB by default. Tiny values are allowed (tests).
    /// - Throws: `CSVError` of kind `cannotOpen`.
    package convenience init(
        path: String,
        delimiter: UInt8 = UInt8(ascii: ","),
        encoding: TextEncoding = .utf8,
        chunkSize: Int = 1 << 20
    ) throws(CSVError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let reason = Self.errorText(errno)
            throw CSVError(.cannotOpen, line: 0, message: "cannot open \(path): \(reason)")
        }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let reason = Self.errorText(errno)
            close(fd)
            throw CSVError(.cannotOpen, line: 0, message: "cannot open \(path): \(reason)")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw CSVError(.cannotOpen, line: 0, message: "cannot open \(path): it is a directory")
        }
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        let size = info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : nil
        self.init(
            fd: fd, closesDescriptor: true, memory: [], totalBytes: size,
            delimiter: delimiter, encoding: encoding, chunkSize: chunkSize
        )
    }

    /// Reads from an open file descriptor (e.g. standard input), closing it on deinit if `closesDescriptor`.
    ///
    /// `totalBytes` is the file size when the descriptor is a regular file read from offset 0, otherwise `nil`.
    package convenience init(
        fileDescriptor: Int32,
        closesDescriptor: Bool,
        delimiter: UInt8 = UInt8(ascii: ","),
        encoding: TextEncoding = .utf8,
        chunkSize: Int = 1 << 20
    ) {
        var info = stat()
        var size: Int?
        if fstat(fileDescriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
            lseek(fileDescriptor, 0, SEEK_CUR) == 0
        {
            size = Int(info.st_size)
        }
        self.init(
            fd: fileDescriptor, closesDescriptor: closesDescriptor, memory: [], totalBytes: size,
            delimiter: delimiter, encoding: encoding, chunkSize: chunkSize
        )
    }

    /// Reads from bytes in memory, `chunkSize` bytes at a time (small chunk sizes exercise the chunk boundaries).
    package convenience init(
        bytes: [UInt8],
        delimiter: UInt8 = UInt8(ascii: ","),
        encoding: TextEncoding = .utf8,
        chunkSize: Int = 1 << 20
    ) {
        self.init(
            fd: -1, closesDescriptor: false, memory: bytes, totalBytes: bytes.count,
            delimiter: delimiter, encoding: encoding, chunkSize: chunkSize
        )
    }

    private init(
        fd: Int32,
        closesDescriptor: Bool,
        memory: [UInt8],
        totalBytes: Int?,
        delimiter: UInt8,
        encoding: TextEncoding,
        chunkSize: Int
    ) {
        precondition(chunkSize > 0, "CSV chunk size must be positive")
        precondition(
            delimiter < 0x80 && delimiter != Self.quote && delimiter != Self.cr && delimiter != Self.lf,
            "CSV delimiter must be ASCII and not a quote or line end"
        )
        self.fd = fd
        self.closesDescriptor = closesDescriptor
        self.memory = memory
        self.totalBytes = totalBytes
        self.delimiter = delimiter
        self.encoding = encoding
        self.chunkSize = chunkSize
        capacity = 2 * Self.bytesPerChunk(chunkSize, encoding)
        buffer = .allocate(capacity: capacity)
        if encoding == .windows1251 {
            raw = .allocate(capacity: chunkSize)
        }
        classes = .allocate(capacity: 256)
        classes.initialize(repeating: 0, count: 256)
        for byte in [delimiter, Self.lf, Self.cr, Self.quote] {
            classes[Int(byte)] |= Self.stopsUnquoted
        }
        for byte in [Self.lf, Self.quote] {
            classes[Int(byte)] |= Self.stopsQuoted
        }
        // Non-ASCII bytes stop the scans for UTF-8 validation. Transcoded Windows-1251 is valid UTF-8 by
        // construction except for the marker byte of the undefined 0x98, so only that one stops.
        let marker = Int(Windows1251.invalidMarker)
        for byte in encoding == .utf8 ? 0x80...0xFF : marker...marker {
            classes[byte] |= Self.stopsUnquoted | Self.stopsQuoted
        }
    }

    deinit {
        buffer.deallocate()
        raw?.deallocate()
        classes.deallocate()
        if fd >= 0 && closesDescriptor {
            close(fd)
        }
    }

    // MARK: - Reading records

    /// Reads the next record into `record`, reusing its storage.
    ///
    /// Returns `false` at end of input. After `true`, `record.line` is the physical line (1-based, header = 1)
    /// where the record starts and its fields are valid until the next call.
    ///
    /// - Throws: `CSVError`. After a recoverable one (`isRecoverable`: `unexpectedQuote`, `invalidEncoding`) the
    ///   offending record has been skipped — `record.line` is where it started and it has no fields — and the
    ///   next call continues with the following record. Fatal errors are thrown again by every later call.
    package func next(into record: inout CSVRecord) throws(CSVError) -> Bool {
        if let terminalError {
            throw terminalError
        }
        record.reset()
        do {
            return try readRecord(into: &record)
        } catch {
            record.reset()
            if !error.isRecoverable {
                terminalError = error
                position = end
                recordStart = end
            }
            throw error
        }
    }

    /// Skips the byte-order mark and empty lines, then parses one record. See `next(into:)`.
    private func readRecord(into record: inout CSVRecord) throws(CSVError) -> Bool {
        if !checkedBOM {
            try skipByteOrderMark()
        }
        // Skip empty lines; the previous record's bytes are no longer needed.
        var line = self.line
        while true {
            recordStart = position
            if position == end {
                if atEOF {
                    self.line = line
                    return false
                }
                try refill()
                continue
            }
            let byte = buffer[position]
            if byte == Self.lf {
                line += 1
                position += 1
                continue
            }
            if byte == Self.cr {
                if position + 1 == end && !atEOF {
                    try refill()
                    continue
                }
                if position + 1 < end && buffer[position + 1] == Self.lf {
                    line += 1
                    position += 2
                    continue
                }
            }
            break
        }
        record.line = line
        self.line = line  // the record's first line, for errors from `refill`

        // Positions below are offsets from `record`'s start `rb`, which stay valid when `refill` moves the record
        // to the front of a (possibly new) buffer; after a refill only `rb` and `n` are reloaded.
        var rb = buffer + recordStart
        var n = end - recordStart
        var p = 0
        var fieldIndex = 0
        var pending: CSVError?
        var writer = CSVRecord.Writer(record)
        let classes = self.classes
        let delimiter = self.delimiter
        let quote = Self.quote
        let lf = Self.lf
        let cr = Self.cr
        let stopsUnquoted = Self.stopsUnquoted
        let stopsQuoted = Self.stopsQuoted
        let validatesUTF8 = encoding == .utf8
        let unquotedStops = StopBytes(delimiter, lf, cr, quote, stopsOnNonASCII: validatesUTF8)
        let quotedStops = StopBytes(quote, lf, quote, quote, stopsOnNonASCII: validatesUTF8)

        fields: while true {
            // At the start of field `fieldIndex`.
            var fieldStart = p
            if p == n {
                if !atEOF {
                    try refill()
                    rb = buffer
                    n = end
                    continue fields
                }
                writer.append(p, p, to: &record)  // end of input right after a delimiter
                break fields
            }

            if rb[p] == quote {
                let openLine = line
                p += 1
                let contentStart = p
                var hasDoubledQuotes = false
                quoted: while true {
                    p = Self.scan(rb, from: p, to: n, quotedStops, classes, stopsQuoted)
                    if p == n {
                        if !atEOF {
                            try refill()
                            rb = buffer
                            n = end
                            continue quoted
                        }
                        self.line = line
                        throw CSVError(
                            .unterminatedQuote, line: openLine, fieldIndex: fieldIndex,
                            message: "quoted field is not closed before the end of the file"
                        )
                    }
                    let byte = rb[p]
                    if byte == quote {
                        if p + 1 == n && !atEOF {
                            try refill()
                            rb = buffer
                            n = end
                            continue quoted
                        }
                        if p + 1 < n && rb[p + 1] == quote {
                            hasDoubledQuotes = true
                            p += 2
                            continue quoted
                        }
                        break quoted  // the closing quote
                    }
                    if byte == lf {
                        line += 1
                        p += 1
                        continue quoted
                    }
                    // A non-ASCII byte.
                    if pending != nil {
                        p += 1
                        continue quoted
                    }
                    let status = Self.skipValidUTF8(rb, &p, n)
                    if status > 0 {
                        // `p` is at an ASCII byte or `n`.
                    } else if status == 0 && !atEOF {
                        try refill()
                        rb = buffer
                        n = end
                    } else {
                        pending = invalidEncoding(line: line, fieldIndex: fieldIndex)
                        p += 1
                    }
                }
                var contentEnd = p
                if hasDoubledQuotes {
                    contentEnd = Self.collapseDoubledQuotes(rb, contentStart, contentEnd)
                }
                p += 1

                afterQuote: while true {
                    if p == n {
                        if !atEOF {
                            try refill()
                            rb = buffer
                            n = end
                            continue afterQuote
                        }
                        writer.append(contentStart, contentEnd, to: &record)
                        break fields
                    }
                    let byte = rb[p]
                    if byte == delimiter {
                        writer.append(contentStart, contentEnd, to: &record)
                        p += 1
                        fieldIndex += 1
                        continue fields
                    }
                    if byte == lf {
                        writer.append(contentStart, contentEnd, to: &record)
                        p += 1
                        line += 1
                        break fields
                    }
                    if byte == cr {
                        if p + 1 == n && !atEOF {
                            try refill()
                            rb = buffer
                            n = end
                            continue afterQuote
                        }
                        if p + 1 < n && rb[p + 1] == lf {
                            writer.append(contentStart, contentEnd, to: &record)
                            p += 2
                            line += 1
                            break fields
                        }
                    }
                    break afterQuote
                }
                // Something other than a delimiter or line end after the closing quote: reject the record and
                // take the rest of this field as unquoted data.
                if pending == nil {
                    pending = unexpectedQuote(line: line, fieldIndex: fieldIndex, afterClosingQuote: true)
                }
                fieldStart = p
            }

            unquoted: while true {
                p = Self.scan(rb, from: p, to: n, unquotedStops, classes, stopsUnquoted)
                if p == n {
                    if !atEOF {
                        try refill()
                        rb = buffer
                        n = end
                        continue unquoted
                    }
                    writer.append(fieldStart, p, to: &record)
                    break fields
                }
                let byte = rb[p]
                if byte == delimiter {
                    writer.append(fieldStart, p, to: &record)
                    p += 1
                    fieldIndex += 1
                    continue fields
                }
                if byte == lf {
                    writer.append(fieldStart, p, to: &record)
                    p += 1
                    line += 1
                    break fields
                }
                if byte == cr {
                    if p + 1 == n && !atEOF {
                        try refill()
                        rb = buffer
                        n = end
                        continue unquoted
                    }
                    if p + 1 < n && rb[p + 1] == lf {
                        writer.append(fieldStart, p, to: &record)
                        p += 2
                        line += 1
                        break fields
                    }
                    p += 1  // a bare CR is data
                    continue unquoted
                }
                if byte == quote {
                    if pending == nil {
                        pending = unexpectedQuote(line: line, fieldIndex: fieldIndex, afterClosingQuote: false)
                    }
                    p += 1
                    continue unquoted
                }
                // A non-ASCII byte.
                if pending != nil {
                    p += 1
                    continue unquoted
                }
                let status = Self.skipValidUTF8(rb, &p, n)
                if status > 0 {
                    // `p` is at an ASCII byte or `n`.
                } else if status == 0 && !atEOF {
                    try refill()
                    rb = buffer
                    n = end
                } else {
                    pending = invalidEncoding(line: line, fieldIndex: fieldIndex)
                    p += 1
                }
            }
        }

        self.line = line
        position = recordStart + p
        if let pending {
            throw pending
        }
        record.fieldCount = writer.count
        record.base = UnsafePointer(rb)
        return true
    }

    private func invalidEncoding(line: Int, fieldIndex: Int) -> CSVError {
        let message: String
        switch encoding {
        case .utf8:
            message = "field is not valid UTF-8 (is the file in another encoding?)"
        case .windows1251:
            message = "field contains byte 0x98, which is undefined in Windows-1251"
        }
        return CSVError(.invalidEncoding, line: line, fieldIndex: fieldIndex, message: message)
    }

    private func unexpectedQuote(line: Int, fieldIndex: Int, afterClosingQuote: Bool) -> CSVError {
        let message =
            afterClosingQuote
            ? "unexpected character after a closing quote (a quoted field must end at a delimiter or line end)"
            : "unexpected quote inside an unquoted field (fields containing quotes must be quoted, quotes doubled)"
        return CSVError(.unexpectedQuote, line: line, fieldIndex: fieldIndex, message: message)
    }

    /// The bytes `scan` stops at, each repeated in all eight bytes of a word: up to four ASCII bytes, and either
    /// every non-ASCII byte (UTF-8 input, for validation) or only `Windows1251.invalidMarker` (transcoded input).
    private struct StopBytes {
        var a: UInt64
        var b: UInt64
        var c: UInt64
        var d: UInt64
        var e: UInt64
        /// High bits of the word that stop the scan: all (UTF-8) or none.
        var nonASCII: UInt64

        init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, stopsOnNonASCII: Bool) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            self.a = UInt64(a) &* ones
            self.b = UInt64(b) &* ones
            self.c = UInt64(c) &* ones
            self.d = UInt64(d) &* ones
            e = stopsOnNonASCII ? self.d : UInt64(Windows1251.invalidMarker) &* ones
            nonASCII = stopsOnNonASCII ? 0x8080_8080_8080_8080 : 0
        }
    }

    /// The position of the first byte in `p..<n` that is one of `stops`, or `n`.
    ///
    /// Looks at eight bytes at a time (SWAR): `(x - 0x01…) & ~x & 0x80…` flags the zero bytes of `x`; bytes above
    /// the first zero may be flagged falsely, but only the lowest flag is used, and that one is exact. The last
    /// few bytes go through the class table (`bit` in `classes` marks the same bytes).
    @inline(__always)
    private static func scan(
        _ bytes: UnsafeMutablePointer<UInt8>,
        from start: Int,
        to n: Int,
        _ stops: StopBytes,
        _ classes: UnsafeMutablePointer<UInt8>,
        _ bit: UInt8
    ) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var p = start
        while n &- p >= 8 {
            let word = UnsafeRawPointer(bytes + p).loadUnaligned(as: UInt64.self).littleEndian
            let xa = word ^ stops.a
            let xb = word ^ stops.b
            let xc = word ^ stops.c
            let xd = word ^ stops.d
            let xe = word ^ stops.e
            var found = (xa &- ones) & ~xa
            found |= (xb &- ones) & ~xb
            found |= (xc &- ones) & ~xc
            found |= (xd &- ones) & ~xd
            found |= (xe &- ones) & ~xe
            found = (found & highs) | (word & stops.nonASCII)
            if found != 0 {
                return p &+ found.trailingZeroBitCount &>> 3
            }
            p &+= 8
        }
        while p < n && classes[Int(bytes[p])] & bit == 0 {
            p &+= 1
        }
        return p
    }

    /// Advances `p` over valid UTF-8 sequences while the bytes are non-ASCII (Cyrillic text is runs of them).
    /// Returns 1 when stopped at an ASCII byte or `n`, 0 when a sequence is cut off by `n` (more input needed;
    /// `p` is at its start), -1 when the sequence at `p` is invalid.
    @inline(__always)
    private static func skipValidUTF8(_ bytes: UnsafeMutablePointer<UInt8>, _ p: inout Int, _ n: Int) -> Int {
        while p < n && bytes[p] >= 0x80 {
            // Fast path for two-byte sequences (Cyrillic, most of Latin-1).
            if bytes[p] >= 0xC2 && bytes[p] <= 0xDF && p &+ 1 < n && bytes[p &+ 1] & 0xC0 == 0x80 {
                p &+= 2
                continue
            }
            let length = utf8SequenceLength(bytes, p, n)
            if length <= 0 {
                return length
            }
            p &+= length
        }
        return 1
    }

    /// The length of the valid UTF-8 sequence starting with the non-ASCII byte at `p`, 0 if it is cut off by `n`
    /// (more input needed), or -1 if it is invalid (bad lead byte, bad continuation, overlong, surrogate, or
    /// beyond U+10FFFF).
    @inline(__always)
    private static func utf8SequenceLength(_ bytes: UnsafeMutablePointer<UInt8>, _ p: Int, _ n: Int) -> Int {
        let lead = bytes[p]
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        let length: Int
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF:
            length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default:
            return -1
        }
        if p + 1 >= n {
            return 0
        }
        let second = bytes[p + 1]
        if second < low || second > high {
            return -1
        }
        var i = 2
        while i < length {
            if p + i >= n {
                return 0
            }
            if bytes[p + i] & 0xC0 != 0x80 {
                return -1
            }
            i += 1
        }
        return length
    }

    /// Collapses each `""` in `start..<end` (the inside of a quoted field, where every quote is doubled) to `"`,
    /// in place. Returns the new end.
    private static func collapseDoubledQuotes(_ bytes: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var read = start
        var write = start
        while read < end {
            let byte = bytes[read]
            bytes[write] = byte
            write += 1
            read += byte == quote ? 2 : 1
        }
        return write
    }

    // MARK: - Buffer

    /// Free buffer space needed to read one chunk (transcoding needs room for expansion plus a scratch byte).
    private static func bytesPerChunk(_ chunkSize: Int, _ encoding: TextEncoding) -> Int {
        encoding == .windows1251 ? chunkSize * Windows1251.maxExpansion + 1 : chunkSize
    }

    /// Skips a UTF-8 byte-order mark at the very start of the input (UTF-8 only).
    private func skipByteOrderMark() throws(CSVError) {
        if encoding == .utf8 {
            while end - position < 3 && !atEOF {
                try refill()
            }
            if end - position >= 3 && buffer[position] == 0xEF && buffer[position + 1] == 0xBB
                && buffer[position + 2] == 0xBF
            {
                position += 3
            }
        }
        checkedBOM = true
    }

    /// Moves the bytes from `recordStart` to the front of the buffer (growing it if one more chunk would not fit),
    /// then reads one more chunk. Sets `atEOF` when the source has no more bytes.
    private func refill() throws(CSVError) {
        if recordStart > 0 {
            let kept = end - recordStart
            if kept > 0 {
                memmove(buffer, buffer + recordStart, kept)
            }
            position -= recordStart
            end = kept
            recordStart = 0
        }
        if end >= maxRecordSize {
            throw CSVError(
                .recordTooLarge, line: line,
                message: "record is longer than \(maxRecordSize) bytes (is a quote not closed?)"
            )
        }
        let needed = Self.bytesPerChunk(chunkSize, encoding)
        if capacity - end < needed {
            let newCapacity = max(capacity * 2, end + needed)
            let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newBuffer.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = newBuffer
            capacity = newCapacity
        }
        let count: Int
        if let raw {
            count = try readChunk(into: raw)
            end += Windows1251.transcode(raw, count: count, into: buffer + end)
        } else {
            count = try readChunk(into: buffer + end)
            end += count
        }
        bytesRead += count
        if count == 0 {
            atEOF = true
        }
    }

    /// Reads up to `chunkSize` bytes from the source; 0 means end of input.
    private func readChunk(into destination: UnsafeMutablePointer<UInt8>) throws(CSVError) -> Int {
        if fd < 0 {
            let count = min(chunkSize, memory.count - memoryOffset)
            if count == 0 {
                return 0
            }
            memory.withUnsafeBufferPointer { source in
                destination.update(from: source.baseAddress! + memoryOffset, count: count)
            }
            memoryOffset += count
            return count
        }
        while true {
            let count = read(fd, destination, chunkSize)
            if count >= 0 {
                return count
            }
            let code = errno
            if code == EINTR {
                continue
            }
            throw CSVError(.readFailed, line: line, message: "cannot read the file: \(Self.errorText(code))")
        }
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

@available(*, unavailable)
extension CSVReader: Sendable {}
