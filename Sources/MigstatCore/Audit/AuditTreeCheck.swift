import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `audit verify` computed by the client: every leaf recomputed from its entry's columns and every
/// interior node from its two children, with SHA-256 here rather than in the server. The server only
/// streams rows (three binary `COPY … TO STDOUT` in one snapshot: the leaves by seq, the entries by
/// seq, the interior nodes), so a verifier need not trust the server's hashing or a
/// `migstat.audit_verify()` it may have replaced; and hashing here is several times cheaper than
/// PostgreSQL's `sha256()` per row (Benchmarks/README.md, "Audit log").
///
/// The checks and the entry named are those of `migstat.audit_verify()` (Schemas/functions/audit/
/// audit_verify.sql), in the same order: a missing tree position; the first leaf whose entry is gone
/// or does not hash to it, unless the lowest (then leftmost) interior node that does not match its
/// children lies before it (the first leaf under that node is named); a level with the wrong number
/// of nodes; an entry neither sealed nor pending.
package struct AuditTreeCheck {
    package struct Finding: Equatable, Sendable {
        package var seq: Int?
        /// 0-based tree index.
        package var index: Int?
        package var problem: String
    }

    private let size: Int
    /// Leaves by position: stored hash (32 bytes each), seq, and whether one was there.
    private var leafHash: [UInt8]
    private var leafSeq: [Int]
    private var present: [Bool]
    /// Leaves in seq order (as streamed): their seq and position, for the merge with the entries.
    private var bySeq: [Int] = []
    private var bySeqIndex: [Int] = []
    private var merged = 0
    private var badLeaf: (index: Int, problem: String)?
    /// Interior nodes by level - 1: hashes and presence; and the count of stored nodes per level.
    private var nodes: [[UInt8]] = []
    private var nodePresent: [[Bool]] = []
    private var nodeCount: [Int] = []
    private var writer = ByteWriter()
    private var days = AuditCanonical.DayCache()

    package init(size: Int) {
        self.size = size
        leafHash = [UInt8](repeating: 0, count: size * 32)
        leafSeq = [Int](repeating: 0, count: size)
        present = [Bool](repeating: false, count: size)
        bySeq.reserveCapacity(size)
        bySeqIndex.reserveCapacity(size)
        var level = 1
        while size >> level > 0 {
            nodes.append([UInt8](repeating: 0, count: (size >> level) * 32))
            nodePresent.append([Bool](repeating: false, count: size >> level))
            nodeCount.append(0)
            level += 1
        }
    }

    /// The leaves (position, stored hash, seq) in seq order.
    package static let leavesCopy = "COPY (SELECT idx, hash, seq FROM migstat.audit_tree WHERE level = 0 ORDER BY seq) TO STDOUT (FORMAT binary)"
    /// The entries in seq order, their columns in the order `AuditCanonical.write` reads them.
    package static let entriesCopy = """
        COPY (SELECT seq, at, actor::text, action, purpose_id, batch_id, details::text, host(client_addr), application,
                     os_user_reported FROM migstat.audit_log ORDER BY seq) TO STDOUT (FORMAT binary)
        """
    package static let nodesCopy = "COPY (SELECT level, idx, hash FROM migstat.audit_tree WHERE level > 0) TO STDOUT (FORMAT binary)"
    static let leafFields = 3, entryFields = 10, nodeFields = 3

    /// One row of `leavesCopy`.
    mutating func leaf(_ row: PGBinaryRow) {
        let idx = row.int(0)
        guard idx >= 0, idx < size, row.length(1) == 32 else { return }
        present[idx] = true
        let seq = row.int(2)
        leafSeq[idx] = seq
        let stored = row.pointer(1)
        leafHash.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: idx * 32).copyMemory(from: stored, byteCount: 32) }
        bySeq.append(seq)
        bySeqIndex.append(idx)
    }

    private mutating func noteBad(_ idx: Int, _ problem: String) {
        if badLeaf == nil || idx < badLeaf!.index { badLeaf = (idx, problem) }
    }

    /// One row of `entriesCopy`, merged with the leaves by seq: an entry in no leaf is left to the
    /// server's check (pending, or neither); a leaf passed over has lost its entry.
    mutating func entry(_ row: PGBinaryRow) {
        let seq = row.int(0)
        while merged < bySeq.count && bySeq[merged] < seq {
            noteBad(bySeqIndex[merged], "the entry is missing")
            merged += 1
        }
        guard merged < bySeq.count, bySeq[merged] == seq else { return }
        let idx = bySeqIndex[merged]
        merged += 1
        writer.reset()
        writer.put(byte: 0)
        AuditCanonical.write(row, into: &writer, cache: &days)
        var hasher = SHA256()
        hasher.update(bufferPointer: writer.bytes)
        let digest = hasher.finalize()
        let same = digest.withUnsafeBytes { d in
            leafHash.withUnsafeBytes { l in memcmp(d.baseAddress!, l.baseAddress!.advanced(by: idx * 32), 32) == 0 }
        }
        if !same { noteBad(idx, "the entry does not match its leaf hash") }
    }

    /// After the entries: the leaves whose seq came after the last entry have lost theirs.
    mutating func entriesDone() {
        while merged < bySeq.count {
            noteBad(bySeqIndex[merged], "the entry is missing")
            merged += 1
        }
    }

    /// One row of `nodesCopy`.
    mutating func node(_ row: PGBinaryRow) {
        let level = row.int(0), idx = row.int(1)
        guard level >= 1 else { return }
        while nodeCount.count < level { nodeCount.append(0) }
        nodeCount[level - 1] += 1
        guard level - 1 < nodes.count, idx >= 0, idx < size >> level, row.length(2) == 32 else { return }
        nodePresent[level - 1][idx] = true
        let h = row.pointer(2)
        nodes[level - 1].withUnsafeMutableBytes { $0.baseAddress!.advanced(by: idx * 32).copyMemory(from: h, byteCount: 32) }
    }

    /// The verdict, given the first entry neither sealed nor pending (its seq), from the server.
    package func finding(firstUnsealed: Int?) -> Finding? {
        if let gap = present.firstIndex(of: false) {
            let after = (gap + 1..<size).filter { present[$0] }.map { leafSeq[$0] }.min()
            return Finding(seq: after, index: gap, problem: "tree position \(gap) is missing (the entry there was removed)")
        }
        var result = badLeaf.map { Finding(seq: leafSeq[$0.index], index: $0.index, problem: $0.problem) }
        if let (level, idx) = lowestBadNode(), result == nil || (idx << level) < result!.index! {
            result = Finding(seq: leafSeq[idx << level], index: idx << level,
                             problem: "tree node (level \(level), index \(idx)) does not match its children")
        }
        if let result { return result }
        for (i, count) in nodeCount.enumerated() where count != size >> (i + 1) {
            return Finding(seq: size > 0 ? leafSeq[0] : nil, index: 0, problem: "the tree has the wrong number of nodes at level \(i + 1)")
        }
        if let firstUnsealed {
            return Finding(seq: firstUnsealed, index: nil, problem: "the entry is neither sealed into the tree nor pending")
        }
        return nil
    }

    /// The lowest level, then leftmost, stored node whose children are missing or do not hash to it.
    private func lowestBadNode() -> (Int, Int)? {
        for l in 0..<nodes.count {
            let count = size >> (l + 1)
            let childHashes = l == 0 ? leafHash : nodes[l - 1]
            let childPresent = l == 0 ? present : nodePresent[l - 1]
            let parentPresent = nodePresent[l]
            let found: Int? = nodes[l].withUnsafeBytes { p in
                childHashes.withUnsafeBytes { c in
                    Self.scan(p.baseAddress!, c.baseAddress!, parentPresent, childPresent, count)
                }
            }
            if let found { return (l + 1, found) }
        }
        return nil
    }

    private static func scan(_ parents: UnsafeRawPointer, _ children: UnsafeRawPointer, _ parentPresent: [Bool],
                             _ childPresent: [Bool], _ count: Int) -> Int? {
        let message = UnsafeMutableRawPointer.allocate(byteCount: 65, alignment: 8)
        defer { message.deallocate() }
        message.storeBytes(of: 1, as: UInt8.self)
        let body = UnsafeRawBufferPointer(start: message, count: 65)
        for i in 0..<count where parentPresent[i] {
            guard childPresent[2 * i], childPresent[2 * i + 1] else { return i }
            (message + 1).copyMemory(from: children + 64 * i, byteCount: 64)
            var hasher = SHA256()
            hasher.update(bufferPointer: body)
            let digest = hasher.finalize()
            let same = digest.withUnsafeBytes { d in memcmp(d.baseAddress!, parents + 32 * i, 32) == 0 }
            if !same { return i }
        }
        return nil
    }

    /// The root of the verified tree (RFC 6962), from the complete subtrees: equal to the MTH of the
    /// recomputed leaves once `finding` is nil.
    package func root() -> Merkle.Hash {
        guard size > 0 else { return Merkle.emptyRoot }
        var parts: [Merkle.Hash] = []
        var start = 0
        for level in stride(from: 62, through: 0, by: -1) where (size >> level) & 1 == 1 {
            let idx = start >> level
            let hash = level == 0 ? Array(leafHash[(idx * 32)..<(idx * 32 + 32)])
                                  : Array(nodes[level - 1][(idx * 32)..<(idx * 32 + 32)])
            parts.append(hash)
            start += 1 << level
        }
        var acc = parts.removeLast()
        while let left = parts.popLast() { acc = Merkle.nodeHash(left, acc) }
        return acc
    }

    /// The root of the complete subtree (level, index), for proofs; nil when it is not stored.
    package func node(level: Int, index: Int) -> Merkle.Hash? {
        if level == 0 {
            guard index < size, present[index] else { return nil }
            return Array(leafHash[(index * 32)..<(index * 32 + 32)])
        }
        guard level - 1 < nodes.count, index < size >> level, nodePresent[level - 1][index] else { return nil }
        return Array(nodes[level - 1][(index * 32)..<(index * 32 + 32)])
    }
}

/// A growable byte buffer written through raw pointers (the canonical text of one entry at a time).
struct ByteWriter {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    mutating func reset() { count = 0 }

    mutating func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        var c = capacity * 2
        while c < count + n { c *= 2 }
        let b = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 8)
        b.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = b
        capacity = c
    }

    /// Where the next byte goes (room reserved by the caller).
    var cursor: UnsafeMutableRawPointer { base + count }
    mutating func advance(_ n: Int) { count += n }
    mutating func putUnchecked(_ byte: UInt8) {
        (base + count).assumingMemoryBound(to: UInt8.self).pointee = byte
        count += 1
    }
    func free() { base.deallocate() }

    mutating func put(byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    mutating func put(_ p: UnsafeRawPointer, _ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).copyMemory(from: p, byteCount: n)
        count += n
    }

    mutating func put(_ s: StaticString) { put(UnsafeRawPointer(s.utf8Start), s.utf8CodeUnitCount) }
}

/// The canonical text of an entry (what its leaf covers), written from its columns exactly as
/// `migstat.audit_payload` (Schemas/functions/audit/audit_payload.sql) writes it: a JSON object with
/// fixed key order; `at` as `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`; strings
/// escaped as PostgreSQL's `to_json(text)` does; `details` as PostgreSQL writes the jsonb. A NULL
/// column becomes what `concat` makes of it (nothing, or `null` where the SQL coalesces). Years before
/// 1 AD are not written as to_char does: such an entry does not match its leaf.
enum AuditCanonical {
    /// The date part (`YYYY-MM-DDT`) of the last timestamp written, by day: consecutive entries
    /// mostly share it.
    struct DayCache {
        var day = Int.min
        var text: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
    }

    /// Writes the canonical text of the entry in `row` (`AuditTreeCheck.entriesCopy`).
    static func write(_ row: PGBinaryRow, into out: inout ByteWriter, cache: inout DayCache) {
        out.reserve(320 + row.length(6) + 6 * (row.length(2) + row.length(3) + row.length(7) + row.length(8) + row.length(9)))
        out.put(#"{"seq":"#)
        decimal(row.int(0), &out)
        out.put(#","at":""#)
        if !row.isNull(1) { timestamp(row.int(1), &out, &cache) }
        out.put(#"","actor":"#)
        if !row.isNull(2) { json(row, 2, &out) }
        out.put(#","action":"#)
        if !row.isNull(3) { json(row, 3, &out) }
        out.put(#","purpose_id":"#)
        if row.isNull(4) { out.put("null") } else { decimal(row.int(4), &out) }
        out.put(#","batch_id":"#)
        if row.isNull(5) { out.put("null") } else { decimal(row.int(5), &out) }
        out.put(#","details":"#)
        if !row.isNull(6) { out.put(row.pointer(6), row.length(6)) }
        out.put(#","client_addr":"#)
        if row.isNull(7) { out.put("null") } else { json(row, 7, &out) }
        out.put(#","application":"#)
        if row.isNull(8) { out.put("null") } else { json(row, 8, &out) }
        out.put(#","os_user_reported":"#)
        if row.isNull(9) { out.put("null") } else { json(row, 9, &out) }
        out.putUnchecked(UInt8(ascii: "}"))
    }

    /// Canonical text of an entry given as a row of `entriesCopy` (tests).
    static func text(_ row: PGBinaryRow) -> String {
        var w = ByteWriter()
        var cache = DayCache()
        write(row, into: &w, cache: &cache)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Decimal digits of `value` (room reserved by the caller).
    static func decimal(_ value: Int, _ out: inout ByteWriter) {
        if value < 0 { out.putUnchecked(UInt8(ascii: "-")) }
        var v = value.magnitude
        var n = 1
        var t = v
        while t >= 10 { t /= 10; n += 1 }
        let q = out.cursor.assumingMemoryBound(to: UInt8.self)
        var i = n - 1
        while i >= 0 {
            q[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            i -= 1
        }
        out.advance(n)
    }

    /// `value` in exactly `width` digits at `q`.
    private static func digits(_ value: Int, _ width: Int, _ q: UnsafeMutablePointer<UInt8>) {
        var v = value
        var i = width - 1
        while i >= 0 {
            q[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            i -= 1
        }
    }

    /// A timestamptz (binary: microseconds since 2000-01-01 00:00 UTC) as `YYYY-MM-DDTHH:MI:SS.USZ`.
    static func timestamp(_ micros: Int, _ out: inout ByteWriter, _ cache: inout DayCache) {
        let perDay = 86_400_000_000
        var days = micros / perDay
        var rem = micros % perDay
        if rem < 0 { rem += perDay; days -= 1 }
        if days != cache.day {
            // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
            let z = days + 10_957 + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let day = doy - (153 * mp + 2) / 5 + 1
            let month = mp < 10 ? mp + 3 : mp - 9
            let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
            var w = ByteWriter(capacity: 32)
            if year >= 10_000 { w.reserve(32); decimal(year, &w) } else { digits(year, 4, w.cursor.assumingMemoryBound(to: UInt8.self)); w.advance(4) }
            w.putUnchecked(UInt8(ascii: "-"))
            digits(month, 2, w.cursor.assumingMemoryBound(to: UInt8.self)); w.advance(2)
            w.putUnchecked(UInt8(ascii: "-"))
            digits(day, 2, w.cursor.assumingMemoryBound(to: UInt8.self)); w.advance(2)
            w.putUnchecked(UInt8(ascii: "T"))
            cache.day = days
            cache.count = min(w.count, 16)
            withUnsafeMutableBytes(of: &cache.text) { $0.baseAddress!.copyMemory(from: w.base, byteCount: cache.count) }
            w.free()
        }
        withUnsafeBytes(of: cache.text) { out.put($0.baseAddress!, cache.count) }
        let q = out.cursor.assumingMemoryBound(to: UInt8.self)
        let seconds = rem / 1_000_000
        digits(seconds / 3600, 2, q)
        q[2] = UInt8(ascii: ":")
        digits(seconds / 60 % 60, 2, q + 3)
        q[5] = UInt8(ascii: ":")
        digits(seconds % 60, 2, q + 6)
        q[8] = UInt8(ascii: ".")
        digits(rem % 1_000_000, 6, q + 9)
        q[15] = UInt8(ascii: "Z")
        out.advance(16)
    }

    /// A JSON string as PostgreSQL's escape_json writes it: `\b \f \n \r \t \" \\`, other bytes below
    /// 0x20 as `\u00xx`, everything else as it is (UTF-8 unchanged). Room reserved by the caller.
    static func json(_ row: PGBinaryRow, _ field: Int, _ out: inout ByteWriter) {
        let p = row.pointer(field).assumingMemoryBound(to: UInt8.self)
        let n = row.length(field)
        out.putUnchecked(0x22)
        var plain = true
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { plain = false; break }
            i += 1
        }
        if plain {
            out.put(UnsafeRawPointer(p), n)
        } else {
            let hex: StaticString = "0123456789abcdef"
            for i in 0..<n {
                let b = p[i]
                switch b {
                case 0x08: out.put(#"\b"#)
                case 0x0C: out.put(#"\f"#)
                case 0x0A: out.put(#"\n"#)
                case 0x0D: out.put(#"\r"#)
                case 0x09: out.put(#"\t"#)
                case 0x22: out.put(#"\""#)
                case 0x5C: out.put(#"\\"#)
                case ..<0x20:
                    out.put(#"\u00"#)
                    out.putUnchecked(hex.utf8Start[Int(b >> 4)])
                    out.putUnchecked(hex.utf8Start[Int(b & 15)])
                default: out.putUnchecked(b)
                }
            }
        }
        out.putUnchecked(0x22)
    }
}

/// One tuple of PostgreSQL's binary COPY format: (offset, length) per field into the bytes it was read
/// from, valid only during the callback. A length of -1 is NULL.
struct PGBinaryRow {
    var base: UnsafeRawPointer
    var fields: UnsafeMutablePointer<Int>

    func isNull(_ i: Int) -> Bool { fields[2 * i + 1] < 0 }
    func length(_ i: Int) -> Int { max(0, fields[2 * i + 1]) }
    func pointer(_ i: Int) -> UnsafeRawPointer { base + fields[2 * i] }

    /// A big-endian int2, int4 or int8 field (0 when NULL).
    func int(_ i: Int) -> Int {
        let p = base + fields[2 * i]
        switch fields[2 * i + 1] {
        case 8: return Int(Int64(bigEndian: p.loadUnaligned(as: Int64.self)))
        case 4: return Int(Int32(bigEndian: p.loadUnaligned(as: Int32.self)))
        case 2: return Int(Int16(bigEndian: p.loadUnaligned(as: Int16.self)))
        default: return 0
        }
    }
}

/// Reads the binary COPY stream (header, tuples, trailer) from chunks that may split anywhere.
final class PGBinaryCopyReader {
    private var pending: [UInt8] = []
    private var headerDone = false
    private let width: Int
    private let fields: UnsafeMutablePointer<Int>
    private(set) var finished = false
    private(set) var malformed = false

    init(fields width: Int) {
        self.width = width
        fields = UnsafeMutablePointer<Int>.allocate(capacity: 2 * width)
        fields.initialize(repeating: -1, count: 2 * width)
    }

    deinit { fields.deallocate() }

    func feed(_ chunk: UnsafeRawBufferPointer, _ body: (PGBinaryRow) -> Void) {
        if pending.isEmpty {
            let used = parse(chunk, body)
            if used < chunk.count { pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[used...])) }
        } else {
            pending.append(contentsOf: chunk)
            let buffer = pending
            let used = buffer.withUnsafeBytes { parse($0, body) }
            pending.removeFirst(used)
        }
    }

    /// Parses the complete items in `b`; returns the bytes used.
    private func parse(_ b: UnsafeRawBufferPointer, _ body: (PGBinaryRow) -> Void) -> Int {
        guard let base = b.baseAddress, !finished else { return b.count }
        let end = b.count
        var at = 0
        func be32(_ o: Int) -> Int { Int(Int32(bigEndian: (base + o).loadUnaligned(as: Int32.self))) }
        if !headerDone {
            guard end >= 19 else { return 0 }
            let ext = be32(15)
            guard end >= 19 + ext else { return 0 }
            at = 19 + ext
            headerDone = true
        }
        while at + 2 <= end {
            let count = Int(Int16(bigEndian: (base + at).loadUnaligned(as: Int16.self)))
            if count == -1 {
                finished = true
                return end
            }
            guard count == width else {
                malformed = true
                finished = true
                return end
            }
            var p = at + 2
            var i = 0
            while i < width {
                guard p + 4 <= end else { return at }
                let len = be32(p)
                p += 4
                fields[2 * i] = p
                fields[2 * i + 1] = len
                if len > 0 {
                    guard p + len <= end else { return at }
                    p += len
                }
                i += 1
            }
            body(PGBinaryRow(base: base, fields: fields))
            at = p
        }
        return at
    }
}
