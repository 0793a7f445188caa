package import Foundation

/// A head of the audit log's Merkle tree to keep outside the database:
/// `migstat-audit-checkpoint/1 INSTALLATION SIZE ROOT` (one line; ROOT is the RFC 6962 root of the
/// first SIZE entries, lower-case hex).
package struct AuditCheckpoint: Sendable, Equatable, CustomStringConvertible, Codable {
    package static let tag = "migstat-audit-checkpoint/1"
    package var installation: String
    package var size: Int
    package var root: String

    package init(installation: String, size: Int, root: String) {
        self.installation = installation
        self.size = size
        self.root = root
    }

    /// Parses the one-line form (surrounding white space allowed); nil when it is not one.
    package init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        guard parts.count == 4, parts[0] == Self.tag, let size = Int(parts[2]), size >= 0,
              let root = Merkle.unhex(String(parts[3])), root.count == 32 else { return nil }
        self.init(installation: String(parts[1]), size: size, root: Merkle.hex(root))
    }

    package var description: String { "\(Self.tag) \(installation) \(size) \(root)" }
    package var rootHash: Merkle.Hash { Merkle.unhex(root) ?? [] }
}

/// `audit prove SEQ`: one entry, its position and audit path, and the checkpoint it is proved against.
/// `entry` is the entry's canonical text (the leaf covers its UTF-8 bytes); anyone can read the
/// entry's fields from it, and `audit check-proof` needs nothing else.
package struct AuditInclusionProof: Sendable, Equatable, Codable {
    package static let tag = "migstat-audit-inclusion/1"
    package var format: String = Self.tag
    package var checkpoint: String
    package var index: Int
    package var seq: Int
    package var entry: String
    package var path: [String]

    package init(checkpoint: AuditCheckpoint, index: Int, seq: Int, entry: String, path: [Merkle.Hash]) {
        self.checkpoint = checkpoint.description
        self.index = index
        self.seq = seq
        self.entry = entry
        self.path = path.map(Merkle.hex)
    }

    package enum Outcome: Equatable, Sendable {
        case valid(AuditCheckpoint)
        case invalid(String)
    }

    /// Checks the proof with no database: the entry's leaf hash, the path and the checkpoint's root.
    package func check() -> Outcome {
        guard format == Self.tag else { return .invalid("not a \(Self.tag) proof") }
        guard let cp = AuditCheckpoint(checkpoint) else { return .invalid("the proof's checkpoint is malformed") }
        let hashes = path.map(Merkle.unhex)
        guard hashes.allSatisfy({ $0?.count == 32 }) else { return .invalid("the proof's path is malformed") }
        guard let fields = try? JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [String: Any],
              (fields["seq"] as? NSNumber)?.intValue == seq else {
            return .invalid("the entry does not carry seq \(seq)")
        }
        let ok = Merkle.verifyInclusion(leafHash: Merkle.leafHash(Array(entry.utf8)), index: index, size: cp.size,
                                        proof: hashes.map { $0! }, root: cp.rootHash)
        return ok ? .valid(cp) : .invalid("entry \(seq) at position \(index + 1) is not in the log of checkpoint \(cp)")
    }

    package func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    package static func decode(_ data: Data) throws -> AuditInclusionProof {
        try JSONDecoder().decode(AuditInclusionProof.self, from: data)
    }
}
