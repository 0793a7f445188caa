package import MigstatPQ

/// The code lists of a migstat database, as the importer needs them: code → small integer id,
/// per dimension. Loaded once per import from `migstat.code` (active codes only).
package struct CodeBook: Sendable {
    /// One code list: canonical (upper-case) code → id.
    package struct List: Sendable {
        package private(set) var ids: [String: Int16] = [:]

        /// Creates a list from (code, id) pairs.
        package init(_ pairs: [(String, Int16)]) {
            for (code, id) in pairs { ids[code.uppercased()] = id }
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
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
                for i in 0..<length {
                    let byte = bytes[start + i]
                    buffer[i] = (byte >= 0x61 && byte <= 0x7A) ? byte - 0x20 : byte
                }
                return ids[String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)]
            }
        }

        /// The id of a code given as a string (same rules as the byte form).
        package func id(_ code: String) -> Int16? {
            var code = code
            return code.withUTF8 { id($0) }
        }

        /// Number of codes.
        package var count: Int { ids.count }
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
