/// A profile's `x-codes` of one field, for byte-level lookups on the import's hot path: source code
/// (matched case-insensitively for Latin and Cyrillic letters) → canonical code bytes. Open addressing
/// over a power-of-two table, keys folded once at construction; a lookup allocates nothing.
final class CodeMap {
    private struct Slot {
        var hash: UInt64 = 0
        var keyStart: Int32 = 0
        var keyLength: Int32 = -1  // -1: empty
        var valueStart: Int32 = 0
        var valueLength: Int32 = 0
    }

    private var keys: [UInt8] = []
    private(set) var values: [UInt8] = []
    private var slots: [Slot]
    private let mask: Int
    /// The longest folded key: a longer field cannot match.
    private var longest = 0
    private let scratch: UnsafeMutablePointer<UInt8>
    private let scratchCapacity: Int
    /// The entries as written (source, canonical).
    let pairs: [(String, String)]

    init(_ pairs: [(String, String)]) {
        self.pairs = pairs
        var bits = 3
        while (1 << bits) < pairs.count * 2 { bits += 1 }
        slots = Array(repeating: Slot(), count: 1 << bits)
        mask = (1 << bits) - 1
        for (from, _) in pairs { longest = max(longest, from.utf8.count) }
        scratchCapacity = max(longest, 1)
        scratch = .allocate(capacity: scratchCapacity)
        for (from, to) in pairs {
            let folded = Array(Self.foldedKey(from).utf8)
            let hash = folded.withUnsafeBufferPointer { Self.hash($0) }
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i].keyLength >= 0 {
                if slots[i].hash == hash, keys[Int(slots[i].keyStart)..<Int(slots[i].keyStart + slots[i].keyLength)].elementsEqual(folded) { break }
                i = (i + 1) & mask
            }
            slots[i] = Slot(hash: hash, keyStart: Int32(keys.count), keyLength: Int32(folded.count),
                            valueStart: Int32(values.count), valueLength: Int32(to.utf8.count))
            keys.append(contentsOf: folded)
            values.append(contentsOf: to.utf8)
        }
    }

    deinit { scratch.deallocate() }

    /// The canonical code's bytes in `values` (`start..<end`) for a source code, or nil when it has no entry.
    @inline(__always)
    func lookup(_ field: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let n = field.count
        guard n <= longest else { return nil }
        Self.fold(field, into: scratch)
        let folded = UnsafeBufferPointer(start: scratch, count: n)
        let hash = Self.hash(folded)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot.keyLength < 0 { return nil }
            if slot.hash == hash, Int(slot.keyLength) == n {
                let start = Int(slot.keyStart)
                var equal = true
                keys.withUnsafeBufferPointer { k in
                    for j in 0..<n where k[start + j] != folded[j] {
                        equal = false
                        break
                    }
                }
                if equal { return Int(slot.valueStart)..<Int(slot.valueStart + slot.valueLength) }
            }
            i = (i + 1) & mask
        }
    }

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

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h ^ (h >> 29)
    }
}
