import Foundation
import MigstatCore
import Testing

/// Ed25519-signed checkpoints: a signature verifies only with the signer's public key, over exactly
/// the checkpoint it was made for.
struct AuditSigningTests {
    static let checkpoint = AuditCheckpoint(installation: "0f0e0d0c-0000-4000-8000-000000000001", size: 12,
                                            root: String(repeating: "ab", count: 32))

    func signed() throws -> (SignedAuditCheckpoint, String) {
        let (key, pub) = AuditSigningKey.generate()
        let s = try #require(SignedAuditCheckpoint.sign(Self.checkpoint, keyFile: key))
        return (s, pub)
    }

    @Test func aSignatureVerifiesWithItsKeyAndRoundTripsThroughItsText() throws {
        let (s, pub) = try signed()
        let trusted = try #require(AuditSigningKey.readPublic(pub))
        #expect(s.isValid(trusted: trusted))
        let parsed = try #require(SignedAuditCheckpoint(s.text))
        #expect(parsed == s && parsed.isValid(trusted: trusted))
        #expect(parsed.checkpoint == Self.checkpoint)
        // The unsigned reader takes the first line of a signed file.
        #expect(AuditCheckpoint(s.text.split(separator: "\n")[0].description) == Self.checkpoint)
    }

    @Test func aChangedCheckpointOrSignatureOrAnotherKeyIsRefused() throws {
        let (s, pub) = try signed()
        let trusted = try #require(AuditSigningKey.readPublic(pub))
        var bigger = s
        bigger.checkpoint.size += 1
        #expect(!bigger.isValid(trusted: trusted), "a checkpoint of another size verified")
        var otherRoot = s
        otherRoot.checkpoint.root = String(repeating: "cd", count: 32)
        #expect(!otherRoot.isValid(trusted: trusted), "a checkpoint with another root verified")
        for i in [0, 31, 63] {
            var flipped = s
            flipped.signature[i] ^= 1
            #expect(!flipped.isValid(trusted: trusted), "a signature with byte \(i) changed verified")
        }
        // A forger signs with a key of its own and writes its public key into the file: refused
        // against the office's key.
        let (forgerKey, _) = AuditSigningKey.generate()
        let forged = try #require(SignedAuditCheckpoint.sign(bigger.checkpoint, keyFile: forgerKey))
        #expect(!forged.isValid(trusted: trusted))
        let (_, otherPub) = AuditSigningKey.generate()
        #expect(!s.isValid(trusted: try #require(AuditSigningKey.readPublic(otherPub))))
    }

    @Test func malformedKeysAndSignaturesAreNotRead() {
        #expect(SignedAuditCheckpoint.sign(Self.checkpoint, keyFile: "not a key") == nil)
        #expect(AuditSigningKey.readPublic("abcd") == nil)
        #expect(SignedAuditCheckpoint(Self.checkpoint.description) == nil)
        #expect(SignedAuditCheckpoint(Self.checkpoint.description + "\nmigstat-audit-signature/1 00 00\n") == nil)
    }
}
