package import Foundation
import Crypto

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

/// A checkpoint signed with an Ed25519 key held outside the database (`audit keygen`, `audit head
/// --sign KEYFILE`): the checkpoint line, then `migstat-audit-signature/1 PUBLICKEY SIGNATURE` (hex),
/// the signature over the checkpoint line's UTF-8 bytes. Whoever controls the server cannot make a
/// later checkpoint that verifies under the office's public key (`audit verify --head FILE --key PUB`,
/// `audit check-proof --head FILE --key PUB`).
package struct SignedAuditCheckpoint: Sendable, Equatable {
    package static let tag = "migstat-audit-signature/1"
    package var checkpoint: AuditCheckpoint
    package var publicKey: [UInt8]
    package var signature: [UInt8]

    package init(checkpoint: AuditCheckpoint, publicKey: [UInt8], signature: [UInt8]) {
        self.checkpoint = checkpoint
        self.publicKey = publicKey
        self.signature = signature
    }

    /// Signs with the private key of a key file's text (`AuditSigningKey`); nil when it is not one.
    package static func sign(_ checkpoint: AuditCheckpoint, keyFile text: String) -> SignedAuditCheckpoint? {
        guard let key = AuditSigningKey.readPrivate(text) else { return nil }
        return try? sign(checkpoint, with: key)
    }

    static func sign(_ checkpoint: AuditCheckpoint, with key: Curve25519.Signing.PrivateKey) throws -> SignedAuditCheckpoint {
        let signature = try key.signature(for: Data(checkpoint.description.utf8))
        return SignedAuditCheckpoint(checkpoint: checkpoint, publicKey: Array(key.publicKey.rawRepresentation),
                                     signature: Array(signature))
    }

    /// The two lines.
    package var text: String {
        "\(checkpoint)\n\(Self.tag) \(Merkle.hex(publicKey)) \(Merkle.hex(signature))\n"
    }

    /// Parses the two-line form; nil when the text holds no signature line (or a malformed one).
    package init?(_ text: String) {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init).filter { !$0.isEmpty }
        guard lines.count == 2, let cp = AuditCheckpoint(lines[0]) else { return nil }
        let parts = lines[1].split(separator: " ")
        guard parts.count == 3, parts[0] == Self.tag, let key = Merkle.unhex(String(parts[1])), key.count == 32,
              let sig = Merkle.unhex(String(parts[2])), sig.count == 64 else { return nil }
        self.init(checkpoint: cp, publicKey: key, signature: sig)
    }

    /// True when the signature is `trusted`'s over this checkpoint (the key written in the file is
    /// not trusted: anyone can sign with a key of their own).
    package func isValid(trusted: [UInt8]) -> Bool {
        guard trusted == publicKey, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: trusted) else { return false }
        return key.isValidSignature(Data(signature), for: Data(checkpoint.description.utf8))
    }
}

/// The key files of `audit keygen`: `KEYFILE` holds `migstat-audit-key/1 ed25519 PRIVATEKEY` (hex,
/// mode 0600) and `KEYFILE.pub` the public key (hex), to give to whoever checks checkpoints.
package enum AuditSigningKey {
    package static let tag = "migstat-audit-key/1"

    /// A new key: the key file's text and the public key (hex).
    package static func generate() -> (privateText: String, publicHex: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (privateText(key), Merkle.hex(Array(key.publicKey.rawRepresentation)))
    }

    static func privateText(_ key: Curve25519.Signing.PrivateKey) -> String {
        "\(tag) ed25519 \(Merkle.hex(Array(key.rawRepresentation)))\n"
    }

    static func readPrivate(_ text: String) -> Curve25519.Signing.PrivateKey? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        guard parts.count == 3, parts[0] == Substring(tag), parts[1] == "ed25519",
              let raw = Merkle.unhex(String(parts[2])), raw.count == 32 else { return nil }
        return try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }

    /// True when `text` is a key file of `audit keygen`.
    package static func isKeyFile(_ text: String) -> Bool { readPrivate(text) != nil }

    /// A public key given as its hex text (64 digits) or as a file holding it; nil when neither.
    package static func readPublic(_ argument: String) -> [UInt8]? {
        func parse(_ s: String) -> [UInt8]? {
            guard let k = Merkle.unhex(s.trimmingCharacters(in: .whitespacesAndNewlines)), k.count == 32 else { return nil }
            return k
        }
        if let k = parse(argument) { return k }
        guard let data = FileManager.default.contents(atPath: argument) else { return nil }
        return parse(String(decoding: data, as: UTF8.self))
    }
}
