import Crypto

/// RFC 6962 (Certificate Transparency) Merkle tree hashing, inclusion and consistency proofs
/// (RFC 6962 section 2.1; the verification algorithms of RFC 9162 section 2.1.3.2 and 2.1.4.2).
/// Leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right): the two domains
/// are separated, so a leaf can never pass for a node. Pure functions: `audit check-proof` and
/// `audit verify --head` use them with no database.
package enum Merkle {
    package typealias Hash = [UInt8]

    package static func leafHash(_ data: [UInt8]) -> Hash { Array(SHA256.hash(data: [0] + data)) }

    package static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var message = [UInt8](repeating: 1, count: 1)
        message.reserveCapacity(65)
        message += left
        message += right
        return Array(SHA256.hash(data: message))
    }

    /// The root of the empty tree: SHA-256 of nothing.
    package static var emptyRoot: Hash { Array(SHA256.hash(data: [UInt8]())) }

    /// The largest power of two smaller than `n` (n > 1).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[start ..< start + count]) from a source of complete aligned subtrees: `node(level, index)`
    /// is the root of leaves index·2^level ..< (index+1)·2^level. Every range the RFC's recursion asks
    /// for splits into such subtrees.
    package static func subtreeHash(start: Int, count: Int, node: (Int, Int) throws -> Hash) throws -> Hash {
        precondition(count > 0)
        if count & (count - 1) == 0 && start % count == 0 {
            return try node(count.trailingZeroBitCount, start / count)
        }
        let k = split(count)
        return nodeHash(try subtreeHash(start: start, count: k, node: node),
                        try subtreeHash(start: start + k, count: count - k, node: node))
    }

    /// MTH over leaf hashes held in memory (tests, exports): the bottom-up fold, an unpaired node
    /// carried up unchanged, which is the RFC's recursive definition.
    package static func root(leafHashes: [Hash]) -> Hash {
        guard !leafHashes.isEmpty else { return emptyRoot }
        var level = leafHashes
        while level.count > 1 {
            var next: [Hash] = []
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(nodeHash(level[i], level[i + 1]))
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
        return level[0]
    }

    /// PATH(m, D[n]): the audit path of leaf `index` in the tree of the first `size` leaves.
    package static func inclusionProof(index: Int, size: Int, node: (Int, Int) throws -> Hash) throws -> [Hash] {
        precondition(index >= 0 && index < size)
        func path(_ m: Int, _ start: Int, _ n: Int) throws -> [Hash] {
            if n == 1 { return [] }
            let k = split(n)
            if m < k {
                return try path(m, start, k) + [subtreeHash(start: start + k, count: n - k, node: node)]
            }
            return try path(m - k, start + k, n - k) + [subtreeHash(start: start, count: k, node: node)]
        }
        return try path(index, 0, size)
    }

    /// PROOF(m, D[n]): that the tree of the first `oldSize` leaves is a prefix of the tree of `newSize`.
    package static func consistencyProof(oldSize: Int, newSize: Int, node: (Int, Int) throws -> Hash) throws -> [Hash] {
        precondition(oldSize >= 0 && oldSize <= newSize)
        if oldSize == 0 || oldSize == newSize { return [] }
        func subproof(_ m: Int, _ start: Int, _ n: Int, _ complete: Bool) throws -> [Hash] {
            if m == n {
                return complete ? [] : [try subtreeHash(start: start, count: n, node: node)]
            }
            let k = split(n)
            if m <= k {
                return try subproof(m, start, k, complete) + [subtreeHash(start: start + k, count: n - k, node: node)]
            }
            return try subproof(m - k, start + k, n - k, false) + [subtreeHash(start: start, count: k, node: node)]
        }
        return try subproof(oldSize, 0, newSize, true)
    }

    /// Verifies an inclusion proof (RFC 9162 section 2.1.3.2).
    package static func verifyInclusion(leafHash: Hash, index: Int, size: Int, proof: [Hash], root: Hash) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Verifies a consistency proof (RFC 9162 section 2.1.4.2).
    package static func verifyConsistency(oldSize: Int, oldRoot: Hash, newSize: Int, newRoot: Hash, proof: [Hash]) -> Bool {
        guard oldSize >= 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty && oldRoot == emptyRoot }
        guard !proof.isEmpty else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}

package extension Merkle {
    static func hex(_ hash: Hash) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(hash.count * 2)
        for b in hash {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses lower- or upper-case hex (optionally PostgreSQL's `\x` prefix); nil if it is not hex.
    static func unhex(_ text: String) -> Hash? {
        var s = Substring(text)
        if s.hasPrefix("\\x") { s = s.dropFirst(2) }
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = Hash()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
