import Crypto
package import Logging
package import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Imports one CSV batch: header check, streaming validation and pseudonymisation in Swift, COPY
/// of compact rows into the batch's own table, duplicate and code checks in the database, then
/// attach as a partition — all in ONE transaction, so a batch commits whole or not at all.
///
/// Nothing is written before the header is checked. Rejected rows never reach the database; the
/// rejects file lists (line, column, reason), never a value.
package struct BatchImporter {
    /// Progress: rows read so far, bytes read so far, total bytes when known.
    package typealias Progress = (_ rows: Int, _ bytes: Int, _ totalBytes: Int?) -> Void

    private let connection: PQConnection
    private let store: ImportStore
    private let logger: Logger
    private let now: @Sendable () -> (year: Int, month: Int, day: Int)

    /// Creates an importer over a connection (one task at a time).
    /// - Parameters:
    ///   - connection: a connection as the loader.
    ///   - logger: where phase timings and row counts go, at `.debug` (never a record value).
    ///   - today: the current date, injectable for tests.
    package init(connection: PQConnection, logger: Logger = Logger(label: "migstat.import"),
                 today: @escaping @Sendable () -> (year: Int, month: Int, day: Int) = BatchImporter.systemToday) {
        self.connection = connection
        self.store = ImportStore(connection: connection)
        self.logger = logger
        self.now = today
    }

    /// Today's date from the system clock (UTC).
    package static let systemToday: @Sendable () -> (year: Int, month: Int, day: Int) = {
        var t = time(nil)
        var parts = tm()
        gmtime_r(&t, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }

    /// Runs the import.
    /// - Returns: the summary; `outcome` says whether the batch was committed.
    /// - Throws: `MigstatError` for unreadable files, header problems, broken CSV structure, a file
    ///   imported before, key-store problems; database errors wrapped with their SQLSTATE.
    package func run(_ options: ImportOptions, progress: Progress? = nil) throws -> ImportSummary {
        let started = monotonicSeconds()
        let file = options.path
        // The purpose's key before the file is read: missing or another key fails here (retention, issue 10).
        let keyFingerprint = try store.keyFingerprint(purpose: options.purpose, keyStore: options.keyStore)
        let reader: CSVReader
        do {
            reader = try CSVReader(path: file, delimiter: options.profile?.delimiter ?? options.delimiter,
                                   encoding: options.profile?.encoding ?? options.encoding)
        } catch {
            throw MigstatError(.fileUnreadable, error.message, file: file)
        }
        var record = CSVRecord()
        let layout: BatchLayout
        var header: [String] = []
        do {
            guard try reader.next(into: &record) else {
                throw MigstatError(.badHeader, "empty file: no header row", file: file)
            }
            header = record.strings
            // Through a profile, the header is checked against it once the code lists are read.
            layout = options.profile == nil
                ? try BatchLayout(header: header, ignoring: options.ignoredColumns, file: file)
                : try BatchLayout(header: CanonicalColumn.allCases.map(\.rawValue))
        } catch let error as CSVError {
            throw MigstatError(.malformedCSV, error.message, file: file, line: error.line)
        }
        // A profile that does not fit the header fails before anything is written (without code lists:
        // those are checked again, with the database's, inside the transaction).
        if let profile = options.profile {
            _ = try ProfileTranslator(profile: profile, header: header, ignoring: options.ignoredColumns, file: file)
        }
        logger.debug("header checked", metadata: ["columns": "\(record.count)"])
        let sha256 = try Self.sha256(ofFile: file)
        logger.debug("file hashed", metadata: ["ms": milliseconds(since: started)])
        let (year, month, day) = now()
        let today = year * 10000 + month * 100 + day

        var rows = 0
        // Rejects go to the rejects file as they come (memory does not grow with their number).
        var rejects = RejectsFile(path: options.rejectsPath ?? file + ".rejects.csv")
        var rowRejects: [Reject] = []
        var rejectedRows = 0
        var batchID: Int?
        var summary = ImportSummary(
            outcome: .rolledBack, batch: nil, file: file, source: options.source, purpose: options.purpose,
            sha256: sha256, rows: 0, accepted: 0, rejected: 0, rejectsFile: nil, seconds: 0, rowsPerSecond: 0)
        summary.profile = options.profile?.label
        summary.profileSHA256 = options.profile?.sha256

        struct Rollback: Error {}
        do {
            try connection.transaction {
                let begun = try store.begin(source: options.source, purpose: options.purpose, fileName: baseName(file),
                                            sha256: sha256, keyFingerprint: keyFingerprint)
                batchID = begun.id
                logger.debug("batch begun", metadata: ["batch": "\(begun.id)"])
                let key = try options.keyStore.key(forKeyID: begun.keyID)
                // The code lists as begin_batch fixed them (it holds a SHARE lock on migstat.code until
                // the end of the import): the same check_batch enforces.
                let codes = try CodeStore(connection: connection).codeBook()
                let duplicates = DuplicateCandidates()
                var translator: ProfileTranslator?
                var encoderLayout = layout
                if let profile = options.profile {
                    let t = try ProfileTranslator(profile: profile, header: header, ignoring: options.ignoredColumns,
                                                  codes: codes, givesValues: true, file: file)
                    translator = t
                    encoderLayout = t.layout
                    rejects = RejectsFile(path: rejects.path, labels: RejectLabels(translator: t))
                }
                // Which canonical columns the file sent (coverage tells "not sent" from "sent but empty"):
                // the encoder's layout, which through a profile holds the columns its fields found in the
                // file (and its constants), not every canonical column.
                let sent = CanonicalColumn.allCases.filter { encoderLayout.index(of: $0) != nil }.map(\.rawValue)
                try connection.execute("SELECT migstat.batch_columns(\(begun.id, as: .integer), \(sent, as: .textArray))")
                var canonical = CSVRecord()
                var encoderRejects: [Reject] = []
                var encoder = RecordEncoder(layout: encoderLayout, codes: codes, pseudonymizer: Pseudonymizer(key: key),
                                            today: today)
                let copyStarted = monotonicSeconds()
                _ = try store.copy(into: begun) { writer in
                    // Binary COPY: the header once, before any tuple (even when the first rows are rejected).
                    try RecordEncoder.copyHeader.withUnsafeBytes { try writer.write($0) }
                    while true {
                        let step = try Self.step(reader, &record, file: file, layout: layout,
                                                 sourceColumns: translator?.sourceColumns)
                        if case .end = step { break }
                        if case .recoverable(let reject) = step {
                            rows += 1
                            rejectedRows += 1
                            try rejects.add(reject)
                            continue
                        }
                        rows += 1
                        // Valid rows go on to COPY even when the batch is already over its limit,
                        // so the database's duplicate checks still run and the rejects file is complete.
                        rowRejects.removeAll(keepingCapacity: true)
                        let valid: Bool
                        if let translator {
                            // Through the profile: translate, then the canonical checks on the result (their
                            // rejects for columns whose translation failed would only repeat the problem).
                            let translated = translator.translate(record, into: &canonical, rejects: &rowRejects)
                            encoderRejects.removeAll(keepingCapacity: true)
                            if encoder.encode(canonical, given: translator.givenValues, rejects: &encoderRejects) {
                                valid = translated
                            } else {
                                valid = false
                                for reject in encoderRejects where !translator.translationFailed(reject.column) {
                                    rowRejects.append(reject)
                                }
                            }
                        } else {
                            valid = encoder.encode(record, rejects: &rowRejects)
                        }
                        if valid {
                            let line = encoder.lineBytes
                            duplicates.insert(UnsafeRawBufferPointer(rebasing: line[encoder.recordIDRange]))
                            try writer.write(line)
                        } else {
                            rejectedRows += 1
                            for reject in rowRejects { try rejects.add(reject) }
                        }
                        if rows & 0xFFFF == 0 { progress?(rows, reader.bytesRead, reader.totalBytes) }
                    }
                    // The trailer once, at the end (also when no row was valid).
                    try RecordEncoder.copyTrailer.withUnsafeBytes { try writer.write($0) }
                    progress?(rows, reader.bytesRead, reader.totalBytes)
                }
                logger.debug("rows copied", metadata: [
                    "rows": "\(rows)", "rejected": "\(rejectedRows)",
                    "ms": milliseconds(since: copyStarted),
                ])
                guard rows > 0 else {
                    throw MigstatError(.badHeader, "the file has a header but no records", file: file)
                }
                // Codes (all rows, one query) and duplicates in the database: the lines it
                // rejects are removed there, and listed here.
                let checkStarted = monotonicSeconds()
                let removed = try checkInDatabase(batch: begun.id, candidates: duplicates.candidates, into: rejects)
                rejectedRows += removed
                logger.debug("database checks done", metadata: [
                    "rejected": "\(removed)", "ms": milliseconds(since: checkStarted),
                ])
                guard options.maxRejects.allows(rejected: rejectedRows, of: rows) else { throw Rollback() }
                summary.accepted = try store.finish(batch: begun.id, rowsRead: rows, rejected: rejectedRows)
                if options.dryRun { throw Rollback() }
            }
            summary.outcome = .committed
        } catch is Rollback {
            summary.outcome = options.dryRun && options.maxRejects.allows(rejected: rejectedRows, of: rows)
                ? .dryRun : .rolledBack
        } catch let error as PQError {
            if error.sqlState == "MS409" {
                throw MigstatError(.duplicateBatch, error.message, file: file, underlying: error)
            }
            throw MigstatError(database: error)
        }
        summary.batch = summary.isCommitted || summary.outcome == .dryRun ? batchID : nil
        summary.rows = rows
        summary.rejected = rejectedRows
        if summary.outcome == .rolledBack {
            // Nothing stored. `accepted` counts the rows that passed every check (they would have been
            // stored), `rejected` those with a problem, so accepted + rejected = rows still holds.
            summary.accepted = rows - rejectedRows
        }
        summary.rejectGroups = rejects.groups()
        summary.rejectsFile = try rejects.finish()
        summary.seconds = monotonicSeconds() - started
        summary.rowsPerSecond = summary.seconds > 0 ? Int(Double(rows) / summary.seconds) : 0
        logger.debug("import finished", metadata: [
            "outcome": "\(summary.outcome)", "rows": "\(rows)", "accepted": "\(summary.accepted)",
            "rejected": "\(rejectedRows)", "ms": milliseconds(since: started),
        ])
        return summary
    }

    private enum Step {
        case record, end, recoverable(Reject)
    }

    /// Reads the next record; a row-level CSV problem becomes a reject, a structural one an error.
    private static func step(_ reader: CSVReader, _ record: inout CSVRecord, file: String,
                             layout: BatchLayout, sourceColumns: [CanonicalColumn?]?) throws -> Step {
        let error: CSVError
        do {
            return try reader.next(into: &record) ? .record : .end
        } catch let caught {
            error = caught
        }
        let column = error.fieldIndex.flatMap { index in
            sourceColumns.map { index < $0.count ? $0[index] : nil } ?? layout.column(atField: index)
        }
        guard error.isRecoverable else {
            throw MigstatError(.malformedCSV, error.message, file: file, line: error.line, column: column?.rawValue)
        }
        return .recoverable(Reject(line: error.line, column: column,
                                   reason: error.kind == .invalidEncoding ? .invalidEncoding : .misplacedQuote))
    }

    /// Runs `migstat.check_batch` (which removes the rows it rejects) and writes its rejects, streamed
    /// (the list can be as long as the batch), to `rejects`.
    /// - Parameter candidates: record_ids that may occur more than once in the batch; nil: the
    ///   database compares every record_id.
    /// - Returns: the number of distinct rejected lines.
    private func checkInDatabase(batch id: Int, candidates: [String]?, into rejects: RejectsFile) throws -> Int {
        var lastLine = -1
        var rows = 0
        try store.check(batch: id, candidates: candidates) { reject in
            try rejects.addFromDatabase(Reject(line: reject.line, column: reject.column.flatMap(CanonicalColumn.init),
                                               reason: reject.reason))
            if reject.line != lastLine {
                rows += 1
                lastLine = reject.line
            }
        }
        return rows
    }

    /// SHA-256 of a file's bytes, as 64 lower-case hex digits (streamed, 1 MiB at a time). On the
    /// CPU's SHA extensions when it has them (`SHA256Midstate`: about 5 times faster than
    /// swift-crypto's portable code here, which matters since the whole file is read once more
    /// before the import starts), swift-crypto's otherwise.
    package static func sha256(ofFile path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw MigstatError(.fileUnreadable, "cannot open", file: path) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        if SHA256Midstate.usesHardware {
            var state = SHA256Midstate.initial
            var absorbed = 0
            var pending = 0  // bytes at the start of buffer not yet absorbed (less than one block)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + pending, $0.count - pending) }
                if n < 0 { throw MigstatError(.fileUnreadable, "read failed", file: path) }
                if n == 0 { break }
                let available = pending + n
                let whole = available & ~63
                buffer.withUnsafeBytes { state.absorb(UnsafeRawBufferPointer(rebasing: $0[0..<whole])) }
                absorbed += whole
                pending = available - whole
                if pending > 0 && whole > 0 {
                    buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + whole, byteCount: pending) }
                }
            }
            var digest = [UInt8](repeating: 0, count: 32)
            let final = buffer.withUnsafeBytes { state.finishing(UnsafeRawBufferPointer(rebasing: $0[0..<pending]), after: absorbed) }
            digest.withUnsafeMutableBytes { final.store(into: $0.baseAddress!) }
            return hexString(digest)
        }
        var hasher = SHA256()
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw MigstatError(.fileUnreadable, "read failed", file: path) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hexString(hasher.finalize())
    }
}

extension BatchLayout {
    /// The canonical column at a field index, if that field is one.
    func column(atField field: Int) -> CanonicalColumn? {
        CanonicalColumn.allCases.first { index(of: $0) == field }
    }
}

/// Milliseconds since a `monotonicSeconds()` reading, as log metadata.
private func milliseconds(since start: Double) -> Logger.MetadataValue {
    "\(Int(((monotonicSeconds() - start) * 1000).rounded()))"
}

func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
