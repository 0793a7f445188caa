#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rejects file of an import, written as the rejects come, so memory does not grow with their
/// number (a file of a million duplicates has a million rejects).
///
/// migstat's own rejects arrive in line order while the file is read, the database's (duplicates)
/// in line order at the end; each goes to a temporary file next to the rejects file
/// (`PATH.client.partial`, `PATH.database.partial`), and `finish()` merges the two into `PATH`
/// (`line,column,reason`, by line; on one line migstat's first). Nothing is created until the
/// first reject; the temporary files are removed by `finish()` or when the object goes away.
final class RejectsFile {
    /// The rejects file.
    let path: String
    /// Number of rejects written so far.
    private(set) var count = 0
    private var client: Part
    private var database: Part
    /// How a reject's column and reason are written (nil: canonical column name and reason text).
    private let labels: RejectLabels?
    /// Rejects per (column, reason): count and first line, for the summary.
    private var tally: [Int: (count: Int, firstLine: Int)] = [:]

    /// Creates a writer for the rejects file at `path` (nothing is written yet).
    /// - Parameter labels: through a mapping profile, the source's column names and the profile entries.
    init(path: String, labels: RejectLabels? = nil) {
        self.path = path
        self.labels = labels
        client = Part(path: path + ".client.partial", labels: labels)
        database = Part(path: path + ".database.partial", labels: labels)
        // Left over by an import that was killed: never merged into this one's file.
        unlink(client.path)
        unlink(database.path)
    }

    deinit {
        client.discard()
        database.discard()
    }

    /// One of migstat's own rejects (lines in increasing order).
    func add(_ reject: Reject) throws {
        try client.write(reject)
        count += 1
        count(reject)
    }

    private func count(_ reject: Reject) {
        let key = (reject.column.map { $0.ordinal + 1 } ?? 0) << 8 | Int(reject.reason.rawValue)
        if let entry = tally[key] {
            tally[key] = (entry.count + 1, min(entry.firstLine, reject.line))
        } else {
            tally[key] = (1, reject.line)
        }
    }

    /// The rejects grouped by column and reason (most frequent first), with a hint on how to fix each.
    func groups() -> [RejectGroup] {
        tally.map { key, entry in
            let column = key >> 8 == 0 ? nil : CanonicalColumn.allCases[(key >> 8) - 1]
            let reason = RejectReason(rawValue: UInt8(key & 0xFF))!
            let sample = Reject(line: entry.firstLine, column: column, reason: reason)
            return RejectGroup(column: labels?.column(sample) ?? column?.rawValue, reason: labels?.reason(sample) ?? reason.text,
                               count: entry.count, firstLine: entry.firstLine,
                               hint: labels?.hint(sample) ?? RejectLabels.canonicalHint(sample))
        }.sorted { ($0.count, -$0.firstLine) > ($1.count, -$1.firstLine) }
    }

    /// One of the database's rejects (lines in increasing order).
    func addFromDatabase(_ reject: Reject) throws {
        try database.write(reject)
        count += 1
        count(reject)
    }

    /// Merges what was written into `path`; returns `path`, or nil when there was no reject (then no
    /// file is created).
    func finish() throws -> String? {
        guard count > 0 else { return nil }
        try client.close()
        try database.close()
        guard let output = fopen(path, "w") else { throw writeFailure(path) }
        var ok = fputs("line,column,reason\n", output) >= 0
        // Only the parts this import wrote (a part it did not open does not exist: see init).
        let a = client.written ? LineReader(path: client.path) : nil
        let b = database.written ? LineReader(path: database.path) : nil
        var left = a?.next()
        var right = b?.next()
        while ok, left != nil || right != nil {
            if let l = left, right.map({ Self.lineNumber(l) <= Self.lineNumber($0) }) ?? true {
                ok = fputs(l, output) >= 0
                left = a?.next()
            } else if let r = right {
                ok = fputs(r, output) >= 0
                right = b?.next()
            }
        }
        ok = fclose(output) == 0 && ok
        client.discard()
        database.discard()
        guard ok else { throw writeFailure(path) }
        return path
    }

    private static func lineNumber(_ line: String) -> Int {
        Int(line.prefix { $0 != "," }) ?? Int.max
    }

    /// A temporary file of `line,column,reason` rows, opened on the first write.
    private struct Part {
        let path: String
        let labels: RejectLabels?
        var handle: UnsafeMutablePointer<FILE>?
        /// Whether this object opened (created) the file.
        var written = false

        init(path: String, labels: RejectLabels?) {
            self.path = path
            self.labels = labels
        }

        mutating func write(_ reject: Reject) throws {
            if handle == nil {
                handle = fopen(path, "w")
                written = handle != nil
                guard handle != nil else { throw writeFailure(path) }
            }
            let text = labels.map { "\(reject.line),\(csvField($0.column(reject) ?? "")),\(csvField($0.reason(reject)))\n" }
                ?? "\(reject.line),\(reject.column?.rawValue ?? ""),\(reject.reason.text)\n"
            guard fputs(text, handle) >= 0 else {
                throw writeFailure(path)
            }
        }

        mutating func close() throws {
            guard let open = handle else { return }
            handle = nil
            guard fclose(open) == 0 else { throw writeFailure(path) }
        }

        mutating func discard() {
            if let open = handle { fclose(open) }
            handle = nil
            unlink(path)
        }
    }

    /// Reads a file line by line (each with its `\n`).
    private final class LineReader {
        private let handle: UnsafeMutablePointer<FILE>
        private var buffer: UnsafeMutablePointer<CChar>?
        private var capacity = 0

        init?(path: String) {
            guard let handle = fopen(path, "r") else { return nil }
            self.handle = handle
        }

        deinit {
            free(buffer)
            fclose(handle)
        }

        func next() -> String? {
            guard getline(&buffer, &capacity, handle) > 0, let buffer else { return nil }
            return String(cString: buffer)
        }
    }
}

/// The error for a rejects file (or one of its parts) that cannot be written: path and the system's reason.
private func writeFailure(_ path: String) -> MigstatError {
    MigstatError(.writeFailed, "cannot write the rejects file \(path): \(String(cString: strerror(errno)))")
}
