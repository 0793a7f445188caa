/// The code lists of a migstat database, as the importer needs them: code → small integer id,
/// per dimension. Loaded once per import from `migstat.code` (active codes only; `CodeStore.codeBook()`).
package struct CodeBook: Sendable {
    /// One code list: canonical (upper-case) code → id.
    ///
    /// Codes are stored upper-cased (Unicode rules, as `migstat.load_codes` and `CodeListFile` store
    /// them) and looked up case-insensitively.
    ///
    /// Looked up by the field's raw bytes, so the import's hot loop builds no String per lookup: the
    /// first 16 bytes of a code, ASCII letters upper-cased, are packed into two 64-bit words, which
    /// are both the hash (multiply-shift) and, with the length, the comparison; the bytes after the
    /// 16th are compared one by one.
    package struct List: Sendable {
        private var storage: [UInt8] = []           // the codes' bytes, concatenated
        private var slots: [Slot]                    // power-of-two table; id 0 = empty
        private var shift: UInt64
        private var mask: Int
        /// Number of codes.
        package private(set) var count = 0

        private struct Slot: Sendable {
            var lo: UInt64 = 0
            var hi: UInt64 = 0
            var start: Int32 = 0
            var length: Int16 = 0
            var id: Int16 = 0
        }

        /// Creates a list from (code, id) pairs.
        package init(_ pairs: [(String, Int16)]) {
            var bits: UInt64 = 3
            while (1 << bits) < pairs.count * 2 { bits += 1 }
            slots = Array(repeating: Slot(), count: 1 << bits)
            mask = (1 << bits) - 1
            shift = 64 - bits
            for (code, id) in pairs {
                let bytes = Array(code.uppercased().utf8)
                guard !bytes.isEmpty, bytes.count <= Int(Int16.max), id != 0 else { continue }
                let (lo, hi) = bytes.withUnsafeBufferPointer { Self.pack($0) }
                var i = slot(lo, hi, bytes.count)
                while slots[i].id != 0 {
                    if slots[i].lo == lo, slots[i].hi == hi, Int(slots[i].length) == bytes.count,
                       storage[Int(slots[i].start)..<Int(slots[i].start) + bytes.count].elementsEqual(bytes) { break }
                    i = (i + 1) & mask
                }
                if slots[i].id == 0 { count += 1 }
                slots[i] = Slot(lo: lo, hi: hi, start: Int32(storage.count), length: Int16(bytes.count), id: id)
                storage.append(contentsOf: bytes)
            }
        }

        /// The first 16 bytes, ASCII letters upper-cased, little-endian in two words.
        @inline(__always)
        private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
            var lo: UInt64 = 0
            var hi: UInt64 = 0
            for k in 0..<min(bytes.count, 8) { lo |= UInt64(upper(bytes[k])) &<< UInt64(8 * k) }
            if bytes.count > 8 {
                for k in 8..<min(bytes.count, 16) { hi |= UInt64(upper(bytes[k])) &<< UInt64(8 * (k - 8)) }
            }
            return (lo, hi)
        }

        @inline(__always)
        private func slot(_ lo: UInt64, _ hi: UInt64, _ length: Int) -> Int {
            let mixed = (lo ^ (hi &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(length)) &* 0xBF58_476D_1CE4_E5B9
            return Int(truncatingIfNeeded: mixed &>> shift) & mask
        }

        @inline(__always)
        private static func upper(_ byte: UInt8) -> UInt8 {
            byte >= 0x61 && byte <= 0x7A ? byte &- 0x20 : byte
        }

        /// The id of a code given as raw UTF-8 bytes; surrounding spaces are trimmed and ASCII
        /// letters compared case-insensitively. `nil` when the code is not in the list.
        package func id(_ bytes: UnsafeBufferPointer<UInt8>) -> Int16? {
            var start = 0
            var end = bytes.count
            while start < end, bytes[start] == 0x20 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 { end -= 1 }
            let length = end - start
            guard length > 0, length <= Int(Int16.max) else { return nil }
            let field = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if field.contains(where: { $0 >= 0x80 }) {
                // Non-ASCII letters (a national list in Cyrillic): full Unicode upper case, as the list
                // was stored (the rare path; ASCII codes never take it).
                var upper = String(decoding: field, as: UTF8.self).uppercased()
                return upper.withUTF8 { lookUp($0) }
            }
            return lookUp(field)
        }

        /// The lookup proper: `field` is trimmed and not empty, and needs only ASCII case folding.
        private func lookUp(_ field: UnsafeBufferPointer<UInt8>) -> Int16? {
            let length = field.count
            guard length > 0, length <= Int(Int16.max) else { return nil }
            let (lo, hi) = Self.pack(field)
            return slots.withUnsafeBufferPointer { table in
                var i = slot(lo, hi, length)
                while table[i].id != 0 {
                    let candidate = table[i]
                    if candidate.lo == lo, candidate.hi == hi, Int(candidate.length) == length,
                       length <= 16 || rest(of: field, equals: Int(candidate.start)) {
                        return candidate.id
                    }
                    i = (i + 1) & mask
                }
                return nil
            }
        }

        /// Bytes 16... of `field` against the stored code at `start`.
        private func rest(of field: UnsafeBufferPointer<UInt8>, equals start: Int) -> Bool {
            storage.withUnsafeBufferPointer { stored in
                (16..<field.count).allSatisfy { stored[start + $0] == Self.upper(field[$0]) }
            }
        }

        /// The id of a code given as a string (same rules as the byte form).
        package func id(_ code: String) -> Int16? {
            var code = code
            return code.withUTF8 { id($0) }
        }
    }

    private var lists: [String: List]

    /// Creates a code book from lists keyed by dimension.
    package init(lists: [String: List]) {
        self.lists = lists
    }

    /// The list of a dimension (`nationality` and `country` share the `country` list); empty if unknown.
    package subscript(dimension: String) -> List {
        lists[dimension == "nationality" ? "country" : dimension] ?? List([])
    }
}
