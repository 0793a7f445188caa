package import MigstatPQ

/// The code lists of a migstat database, as the importer needs them: code → small integer id,
/// per dimension. Loaded once per import from `migstat.code` (active codes only).
package struct CodeBook: Sendable {
    /// One code list: canonical (upper-case) code → id.
    ///
    /// Looked up by the field's raw bytes through a small open-addressing table (FNV-1a over the
    /// upper-cased bytes), so the import's hot loop builds no String per lookup.
    package struct List: Sendable {
        private var storage: [UInt8] = []           // the codes' bytes, concatenated
        private var slots: [Slot]                    // power-of-two table; id 0 = empty
        private var mask: Int
        /// Number of codes.
        package private(set) var count = 0

        private struct Slot: Sendable {
            var hash: UInt64 = 0
            var start: Int32 = 0
            var length: Int16 = 0
            var id: Int16 = 0
        }

        /// Creates a list from (code, id) pairs.
        package init(_ pairs: [(String, Int16)]) {
            var capacity = 8
            while capacity < pairs.count * 2 { capacity <<= 1 }
            slots = Array(repeating: Slot(), count: capacity)
            mask = capacity - 1
            for (code, id) in pairs {
                let bytes = Array(code.uppercased().utf8)
                guard !bytes.isEmpty, bytes.count <= 32, id != 0 else { continue }
                let hash = bytes.withUnsafeBufferPointer { Self.hash($0) }
                var i = Int(truncatingIfNeeded: hash) & mask
                while slots[i].id != 0 {
                    if slots[i].hash == hash && equal(slots[i], bytes) { break }
                    i = (i + 1) & mask
                }
                if slots[i].id == 0 { count += 1 }
                slots[i] = Slot(hash: hash, start: Int32(storage.count), length: Int16(bytes.count), id: id)
                storage.append(contentsOf: bytes)
            }
        }

        private func equal(_ slot: Slot, _ bytes: [UInt8]) -> Bool {
            Int(slot.length) == bytes.count && storage[Int(slot.start)..<Int(slot.start) + bytes.count].elementsEqual(bytes)
        }

        /// FNV-1a over the bytes with ASCII letters upper-cased.
        @inline(__always)
        private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                h = (h ^ UInt64(upper(byte))) &* 0x0000_0100_0000_01b3
            }
            return h
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
            guard length > 0, length <= 32 else { return nil }
            let field = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let hash = Self.hash(field)
            var i = Int(truncatingIfNeeded: hash) & mask
            return storage.withUnsafeBufferPointer { stored in
                while slots[i].id != 0 {
                    let slot = slots[i]
                    if slot.hash == hash, Int(slot.length) == length {
                        var same = true
                        let base = Int(slot.start)
                        for k in 0..<length where stored[base + k] != Self.upper(field[k]) {
                            same = false
                            break
                        }
                        if same { return slot.id }
                    }
                    i = (i + 1) & mask
                }
                return nil
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

    /// Loads the active codes of every list.
    /// - Throws: `PQError` when the query fails.
    package static func load(from connection: PQConnection) throws -> CodeBook {
        let result = try connection.execute("SELECT dimension, code, id FROM migstat.code WHERE active")
        var pairs: [String: [(String, Int16)]] = [:]
        for row in 0..<result.rowCount {
            let dimension = try result.string(row, 0)
            pairs[dimension, default: []].append((try result.string(row, 1), Int16(try result.int(row, 2))))
        }
        return CodeBook(lists: pairs.mapValues { List($0) })
    }
}
