import Crypto
import Foundation
import MigstatCore
import Testing

/// RFC 6962 hashing and proofs, against the RFC's recursive definition, the Certificate Transparency
/// test vectors, and every tampering of a proof.
struct MerkleTests {
    /// MTH by the RFC's recursion, straight from section 2.1.
    static func reference(_ d: ArraySlice<[UInt8]>) -> [UInt8] {
        if d.isEmpty { return Array(SHA256.hash(data: [UInt8]())) }
        if d.count == 1 { return Merkle.leafHash(d.first!) }
        var k = 1
        while k * 2 < d.count { k *= 2 }
        return Merkle.nodeHash(reference(d.prefix(k)), reference(d.dropFirst(k)))
    }

    static func leaves(_ n: Int) -> [[UInt8]] { (0..<n).map { Array("entry \($0)".utf8) } }

    /// A node source over leaves in memory, as the database's audit_tree provides it.
    static func nodes(_ data: [[UInt8]]) -> (Int, Int) throws -> [UInt8] {
        { level, index in reference(data[(index << level)..<((index + 1) << level)]) }
    }

    @Test func certificateTransparencyVectors() {
        // certificate-transparency merkle_tree_test: the first 1, 2 and 8 of its leaves.
        let leaves: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                 "606162636465666768696a6b6c6d6e6f"].map { Merkle.unhex($0)! }
        #expect(Merkle.hex(Merkle.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Merkle.hex(Merkle.root(leafHashes: leaves.prefix(1).map(Merkle.leafHash)))
                == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(Merkle.hex(Merkle.root(leafHashes: leaves.prefix(2).map(Merkle.leafHash)))
                == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")
        #expect(Merkle.hex(Merkle.root(leafHashes: leaves.map(Merkle.leafHash)))
                == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    }

    @Test func rootsMatchTheRecursiveDefinition() throws {
        for n in 0...70 {
            let d = Self.leaves(n)
            let want = Self.reference(d[...])
            #expect(Merkle.root(leafHashes: d.map(Merkle.leafHash)) == want, "size \(n)")
            if n > 0 { #expect(try Merkle.subtreeHash(start: 0, count: n, node: Self.nodes(d)) == want, "size \(n)") }
        }
    }

    @Test func domainsAreSeparated() {
        let a = Merkle.leafHash([1]), b = Merkle.leafHash([2])
        // A node's preimage presented as a leaf does not give the node's hash.
        #expect(Merkle.leafHash(a + b) != Merkle.nodeHash(a, b))
    }

    @Test func inclusionProofsVerifyAndEveryChangeFails() throws {
        for n in 1...33 {
            let d = Self.leaves(n)
            let root = Self.reference(d[...])
            for m in 0..<n {
                let proof = try Merkle.inclusionProof(index: m, size: n, node: Self.nodes(d))
                let leaf = Merkle.leafHash(d[m])
                #expect(Merkle.verifyInclusion(leafHash: leaf, index: m, size: n, proof: proof, root: root), "\(m) of \(n)")
                // Another entry, another position, another root, another size, a changed path.
                #expect(!Merkle.verifyInclusion(leafHash: Merkle.leafHash(d[m] + [0]), index: m, size: n, proof: proof, root: root))
                if n > 1 {
                    #expect(!Merkle.verifyInclusion(leafHash: leaf, index: (m + 1) % n, size: n, proof: proof, root: root))
                }
                #expect(!Merkle.verifyInclusion(leafHash: leaf, index: m, size: n, proof: proof, root: Merkle.leafHash([9])))
                // The tree of one more entry has another root, which this path does not reach.
                #expect(!Merkle.verifyInclusion(leafHash: leaf, index: m, size: n + 1, proof: proof,
                                                root: Self.reference(Self.leaves(n + 1)[...])))
                for i in proof.indices {
                    var bad = proof
                    bad[i][0] ^= 1
                    #expect(!Merkle.verifyInclusion(leafHash: leaf, index: m, size: n, proof: bad, root: root))
                }
                #expect(!Merkle.verifyInclusion(leafHash: leaf, index: m, size: n, proof: proof + [leaf], root: root))
            }
        }
    }

    @Test func consistencyProofsVerifyAndEveryChangeFails() throws {
        for n in 1...33 {
            let d = Self.leaves(n)
            let newRoot = Self.reference(d[...])
            for m in 1...n {
                let oldRoot = Self.reference(d.prefix(m))
                let proof = try Merkle.consistencyProof(oldSize: m, newSize: n, node: Self.nodes(d))
                #expect(Merkle.verifyConsistency(oldSize: m, oldRoot: oldRoot, newSize: n, newRoot: newRoot, proof: proof),
                        "\(m) -> \(n)")
                // A rewritten prefix: the old tree had another entry somewhere.
                var forged = d
                forged[m / 2] += [0]
                let forgedOld = Self.reference(forged.prefix(m))
                #expect(!Merkle.verifyConsistency(oldSize: m, oldRoot: forgedOld, newSize: n, newRoot: newRoot, proof: proof))
                if m < n {
                    #expect(!Merkle.verifyConsistency(oldSize: m, oldRoot: oldRoot, newSize: n, newRoot: Merkle.leafHash([7]), proof: proof))
                    for i in proof.indices {
                        var bad = proof
                        bad[i][31] ^= 0x80
                        #expect(!Merkle.verifyConsistency(oldSize: m, oldRoot: oldRoot, newSize: n, newRoot: newRoot, proof: bad))
                    }
                }
            }
        }
    }

    @Test func inclusionProofFileChecksOffline() throws {
        let entries = (1...11).map { #"{"seq": \#($0), "action": "purge.executed"}"# }
        let d = entries.map { Array($0.utf8) }
        let root = Merkle.hex(Self.reference(d[...]))
        let cp = AuditCheckpoint(installation: "test", size: 11, root: root)
        #expect(AuditCheckpoint(cp.description) == cp)
        let path = try Merkle.inclusionProof(index: 6, size: 11, node: Self.nodes(d))
        let proof = AuditInclusionProof(checkpoint: cp, index: 6, seq: 7, entry: entries[6], path: path)
        #expect(proof.check() == .valid(cp))
        let decoded = try AuditInclusionProof.decode(try proof.encoded())
        #expect(decoded.check() == .valid(cp))
        var changedEntry = proof
        changedEntry.entry = entries[6].replacingOccurrences(of: "purge", with: "purgf")
        #expect(changedEntry.check() != .valid(cp))
        var changedCheckpoint = proof
        changedCheckpoint.checkpoint = AuditCheckpoint(installation: "test", size: 11, root: Merkle.hex(Merkle.leafHash([1]))).description
        #expect(changedCheckpoint.check() != .valid(cp))
        var biggerTree = proof
        biggerTree.checkpoint = AuditCheckpoint(installation: "test", size: 12,
                                                root: Merkle.hex(Self.reference((entries + ["x"]).map { Array($0.utf8) }[...]))).description
        #expect(biggerTree.check() != .valid(cp))
        var otherSeq = proof
        otherSeq.seq = 8
        #expect(otherSeq.check() != .valid(cp))
    }
}
