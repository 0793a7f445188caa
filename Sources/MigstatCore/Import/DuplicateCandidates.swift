#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds, in fixed memory, the record_ids of a batch that may occur more than once: a blocked
/// Bloom filter (16 MiB; each record_id sets 4 bits of one 64-bit word, so one cache miss per row)
/// remembers the record_ids seen so far, and a record_id that the filter may have seen before
/// becomes a candidate. Every true duplicate is a candidate (a Bloom filter has no false
/// negatives); a few candidates are not duplicates, which the database sorts out exactly
/// (`migstat.check_batch` compares the candidates' rows).
///
/// Memory does not grow with the file: the filter is fixed, and the candidates are capped at
/// `limit`. Past it (a file with very many duplicates, or so many rows that the filter fills up),
/// `candidates` is nil and the database compares every record_id instead.
///
/// Expected false candidates: about 1 per million rows at 1M rows, 0.04% of the rows at 5M.
package final class DuplicateCandidates {
    private static let wordCount = 1 << 21          // 2^21 words of 64 bits = 16 MiB
    private let words: UnsafeMutablePointer<UInt64>
    private var found: Set<[UInt8]> = []   // bytes: Swift's String equality would merge é and e+U+0301
    private var overflowed = false
    /// The most candidates kept before giving up on the filter.
    package let limit: Int

    /// Creates an empty filter.
    /// - Parameter limit: the most candidates kept (default 100,000, a few MB at most).
    package init(limit: Int = 100_000) {
        self.limit = limit
        // calloc: pages are zero and untouched until a record_id sets a bit in them.
        words = calloc(Self.wordCount, MemoryLayout<UInt64>.stride)!.assumingMemoryBound(to: UInt64.self)
    }

    deinit {
        free(words)
    }

    /// The record_ids that may occur more than once, or nil when there were more than `limit`.
    package var candidates: [String]? {
        overflowed ? nil : found.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Adds one record_id (its stored bytes: trimmed UTF-8).
    @inline(__always)
    package func insert(_ recordID: UnsafeRawBufferPointer) {
        let hash = Self.hash(recordID)
        let word = Int(truncatingIfNeeded: hash) & (Self.wordCount - 1)
        // Four bit positions (6 bits each) from the hash's upper bits.
        let mask: UInt64 = 1 &<< ((hash &>> 40) & 63) | 1 &<< ((hash &>> 46) & 63)
            | 1 &<< ((hash &>> 52) & 63) | 1 &<< ((hash &>> 58) & 63)
        let before = words[word]
        if before & mask == mask {
            guard !overflowed else { return }
            if found.count >= limit {
                overflowed = true
                found = []
                return
            }
            found.insert(Array(recordID))
        } else {
            words[word] = before | mask
        }
    }

    /// FNV-1a over the bytes, then MurmurHash3's 64-bit finaliser so every bit depends on every byte.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        h ^= h &>> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h &>> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h &>> 33
        return h
    }
}
