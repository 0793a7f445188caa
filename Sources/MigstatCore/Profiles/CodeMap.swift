/// A profile's `x-codes` of one field, for byte-level lookups on the import's hot path: source code
/// (matched case-insensitively for Latin and Cyrillic letters) → canonical code bytes. Open addressing
/// over a power-of-two table, keys folded once at construction; a lookup allocates nothing.
final class CodeMap {
    struct Slot {
        var hash: UInt64 = 0
        var keyStart: Int32 = 0
        var keyLength: Int32 = -1  // -1: empty
        var valueStart: Int32 = 0
        var valueLength: Int32 = 0
        /// The canonical code's id in the column's list (0: not known, or no list given).
        var id: Int16 = 0
    }

    /// A source code as its raw bytes (at most 16, packed by `CodeTable.pack`) and the slot it folds to: the
    /// spellings actually met in a file, so that most lookups compare two words instead of folding and hashing.
    struct Seen {
        var lo: UInt64 = 0
        var hi: UInt64 = 0
        var count: Int = -1
        var slot: Int = 0
    }

    /// How many raw spellings are remembered per map.
    static let seenCapacity = 16

    /// The table for the hot path: plain pointers into memory this map owns (no reference counting, no
    /// exclusivity checks per lookup). Valid while the map lives.
    let table: CodeTable
    /// The entries as written (source, canonical).
    let pairs: [(String, String)]
    private let slots: UnsafeMutableBufferPointer<Slot>
    private let keys: UnsafeMutableBufferPointer<UInt8>
    private let values: UnsafeMutableBufferPointer<UInt8>
    private let scratch: UnsafeMutablePointer<UInt8>
    private let seen: UnsafeMutablePointer<Seen>

    /// - Parameters:
    ///   - pairs: the x-codes entries (source code, canonical code).
    ///   - id: the id the encoder stores for a canonical code (`RecordEncoder.givenCodeID`), kept in each entry's
    ///     slot (`Slot.id`); nil: no ids.
    init(_ pairs: [(String, String)], id: ((String) -> Int16?)? = nil) {
        self.pairs = pairs
        var bits = 3
        while (1 << bits) < pairs.count * 2 { bits += 1 }
        var slots = Array(repeating: Slot(), count: 1 << bits)
        let mask = (1 << bits) - 1
        var longest = 0
        var keys: [UInt8] = []
        var values: [UInt8] = []
        var longestValue = 0
        for (from, _) in pairs { longest = max(longest, from.utf8.count) }
        for (from, to) in pairs {
            let folded = Array(Self.foldedKey(from).utf8)
            let hash = folded.withUnsafeBufferPointer { b in b.baseAddress.map { Self.hash($0, b.count) } ?? Self.emptyHash }
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i].keyLength >= 0 {
                if slots[i].hash == hash, keys[Int(slots[i].keyStart)..<Int(slots[i].keyStart + slots[i].keyLength)].elementsEqual(folded) { break }
                i = (i + 1) & mask
            }
            let slotID = to.isEmpty ? 0 : id?(to) ?? 0
            slots[i] = Slot(hash: hash, keyStart: Int32(keys.count), keyLength: Int32(folded.count),
                            valueStart: Int32(values.count), valueLength: Int32(to.utf8.count), id: slotID)
            keys.append(contentsOf: folded)
            values.append(contentsOf: to.utf8)
            longestValue = max(longestValue, to.utf8.count)
        }
        self.slots = .allocate(capacity: slots.count)
        _ = self.slots.initialize(from: slots)
        self.keys = .allocate(capacity: max(keys.count, 1))
        _ = self.keys.initialize(from: keys)
        self.values = .allocate(capacity: max(values.count, 1))
        _ = self.values.initialize(from: values)
        scratch = .allocate(capacity: max(longest, 1))
        seen = .allocate(capacity: Self.seenCapacity + 1)
        seen.initialize(repeating: Seen(), count: Self.seenCapacity + 1)
        table = CodeTable(slots: UnsafePointer(self.slots.baseAddress!), keys: UnsafePointer(self.keys.baseAddress!),
                          values: UnsafePointer(self.values.baseAddress!), scratch: scratch, seen: seen, mask: mask,
                          longest: longest, longestValue: longestValue)
    }

    deinit {
        slots.deallocate()
        keys.deallocate()
        values.deallocate()
        scratch.deallocate()
        seen.deallocate()
    }

    /// The canonical code's bytes in `values` (`start..<end`) for a source code, or nil when it has no entry.
    @inline(__always)
    func lookup(_ field: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let base = field.baseAddress else { return nil }
        return table.lookup(base, field.count)
    }

    /// The canonical code's bytes for `range` (from `lookup`).
    func value(_ range: Range<Int>) -> [UInt8] { Array(values[range]) }

    /// A source code as the table keys it: trimmed, ASCII and Cyrillic letters upper-cased.
    static func foldedKey(_ code: String) -> String {
        let bytes = Array(code.trimmingSpaces().utf8)
        var out = bytes
        bytes.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { fold(source, into: $0.baseAddress!) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Upper-cases ASCII a-z and the Cyrillic letters of U+0430...U+045F (UTF-8, same length).
    @inline(__always)
    static func fold(_ source: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) {
        let n = source.count
        var j = 0
        while j < n {
            let b = source[j]
            if b >= 0x61 && b <= 0x7A {
                out[j] = b &- 0x20
            } else if (b == 0xD0 || b == 0xD1), j + 1 < n {
                let c = source[j + 1]
                if b == 0xD0 && c >= 0xB0 && c <= 0xBF {         // а-п → А-П
                    out[j] = 0xD0; out[j + 1] = c &- 0x20
                } else if b == 0xD1 && c >= 0x80 && c <= 0x8F {  // р-я → Р-Я
                    out[j] = 0xD0; out[j + 1] = c &+ 0x20
                } else if b == 0xD1 && c >= 0x90 && c <= 0x9F {  // ѐ-џ → Ѐ-Џ
                    out[j] = 0xD0; out[j + 1] = c &- 0x10
                } else {
                    out[j] = b; out[j + 1] = c
                }
                j += 2
                continue
            } else {
                out[j] = b
            }
            j += 1
        }
    }

    /// The hash of no bytes.
    static let emptyHash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ (0xCBF2_9CE4_8422_2325 >> 29)

    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var i = 0
        while i < count {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01B3
            i &+= 1
        }
        return h ^ (h >> 29)
    }
}

/// A `CodeMap`'s open-addressing table as plain pointers (trivially copyable, so the translator's steps hold it
/// without reference counting). Valid while its `CodeMap` lives.
struct CodeTable {
    let slots: UnsafePointer<CodeMap.Slot>
    let keys: UnsafePointer<UInt8>
    let values: UnsafePointer<UInt8>
    let scratch: UnsafeMutablePointer<UInt8>
    /// `CodeMap.seenCapacity` remembered spellings, then a sentinel (count -1); filled in order.
    let seen: UnsafeMutablePointer<CodeMap.Seen>
    let mask: Int
    /// The longest folded key: a longer field cannot match.
    let longest: Int
    /// The longest canonical code (what a translated field can take in the output).
    let longestValue: Int

    /// The canonical code's bytes (`values[start..<end]`) for the `count` bytes at `field`, or nil.
    @inline(__always)
    func lookup(_ field: UnsafePointer<UInt8>, _ count: Int) -> Range<Int>? {
        guard let i = slotIndex(field, count) else { return nil }
        return Int(slots[i].valueStart)..<Int(slots[i].valueStart + slots[i].valueLength)
    }

    /// Up to 16 bytes as two words and the count, uniquely for a given count: overlapping loads that never
    /// read outside the field (like `ProfileTranslator.copyBytes`).
    @inline(__always)
    static func pack(_ p: UnsafePointer<UInt8>, _ count: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(p)
        if count >= 8 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
        }
        if count >= 4 {
            return (UInt64(raw.loadUnaligned(as: UInt32.self)),
                    UInt64(raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)))
        }
        return (UInt64(p[0]) | UInt64(p[count >> 1]) << 8 | UInt64(p[count &- 1]) << 16, 0)
    }

    /// The slot of the entry for the `count` bytes at `field`: first among the raw spellings seen before, else
    /// folded and hashed (and then remembered while there is room).
    @inline(__always)
    func slotIndex(_ field: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        guard count <= longest, count > 0 else { return count == 0 ? foldedSlot(field, 0) : nil }
        if count <= 16 {
            let (lo, hi) = Self.pack(field, count)
            var k = 0
            while true {
                let entry = seen[k]
                if entry.count < 0 { break }
                if entry.count == count && entry.lo == lo && entry.hi == hi { return entry.slot }
                k &+= 1
            }
            guard let slot = foldedSlot(field, count) else { return nil }
            if k < CodeMap.seenCapacity { seen[k] = CodeMap.Seen(lo: lo, hi: hi, count: count, slot: slot) }
            return slot
        }
        return foldedSlot(field, count)
    }

    /// The slot of the entry for the `count` bytes at `field`, folded and hashed.
    @inline(never)
    func foldedSlot(_ field: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        guard count <= longest else { return nil }
        CodeMap.fold(UnsafeBufferPointer(start: field, count: count), into: scratch)
        let hash = CodeMap.hash(scratch, count)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot.keyLength < 0 { return nil }
            if slot.hash == hash, Int(slot.keyLength) == count {
                let key = keys + Int(slot.keyStart)
                var j = 0
                while j < count, key[j] == scratch[j] { j &+= 1 }
                if j == count { return i }
            }
            i = (i &+ 1) & mask
        }
    }
}
