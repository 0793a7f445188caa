import Testing
@testable import MigstatCore
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

@Suite struct PseudonymTests {
    @Test func pseudonymIsHMACSHA256OfTheNormalisedIdentifier() {
        // Reference digest from Python: hmac.new(b"Jefe", b"WHATDOYAWANTFORNOTHING?", hashlib.sha256).
        let p = Pseudonymizer(key: Array("Jefe".utf8))
        let expected = "2a976ea3da8318b5c1166aadf4f378a2b59e653a9a782114ebe25be1d5cc95d1"
        #expect(p.pseudonymHex(of: "what do ya want for nothing?") == expected)
        #expect(p.pseudonymHex(of: "WHATDOYAWANTFORNOTHING?") == expected)
    }

    @Test func normalisationAndKeysMatter() {
        let a = Pseudonymizer(key: Array(repeating: 1, count: 32))
        let b = Pseudonymizer(key: Array(repeating: 2, count: 32))
        #expect(a.pseudonymHex(of: "ac 123-456") == a.pseudonymHex(of: "AC123456"))
        #expect(a.pseudonymHex(of: "AC123456") != b.pseudonymHex(of: "AC123456"))
        #expect(a.pseudonymHex(of: "AC123456") != a.pseudonymHex(of: "AC123457"))
        #expect(a.pseudonymHex(of: " - ") == nil)
        #expect(a.pseudonymHex(of: "AC123456")?.count == 64)
    }

    // RFC 4231 test cases 1-4, 6 and 7 (case 5 is truncated output), on raw bytes.
    static let rfc4231: [(key: [UInt8], data: [UInt8], hmac: String)] = [
        (Array(repeating: 0x0B, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (Array(repeating: 0xAA, count: 20), Array(repeating: 0xDD, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), Array(repeating: 0xCD, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (Array(repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (Array(repeating: 0xAA, count: 131),
         Array(("This is a test using a larger than block-size key and a larger than block-size data. The key "
                + "needs to be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test func hmacMatchesRFC4231() {
        for (index, vector) in Self.rfc4231.enumerated() {
            let code = Pseudonymizer(key: vector.key).authenticationCode(ofRaw: vector.data)
            #expect(hex(code) == vector.hmac, "RFC 4231 vector \(index)")
            #expect(hex(HMACSHA256Midstates(key: vector.key).authenticationCode(of: vector.data)) == vector.hmac)
        }
    }

    @Test func sha256MatchesFIPS180Vectors() {
        let vectors: [(String, String)] = [
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ]
        for (message, digest) in vectors {
            #expect(hex(Array(message.utf8).withUnsafeBytes { SHA256Midstate.hash($0) }) == digest, "\(message.prefix(20))")
        }
        // Every length around the block and padding boundaries, against swift-crypto.
        for length in 0...200 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let ours = message.withUnsafeBytes { SHA256Midstate.hash($0) }
            #expect(ours == Array(Crypto.SHA256.hash(data: message)), "length \(length)")
        }
    }

    /// The two compressions (portable Swift, SHA extensions) agree on random states and blocks, and
    /// the portable one alone reproduces swift-crypto's digests, so the path this CPU does not take
    /// is tested too.
    @Test func portableAndHardwareCompressionsAgree() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let words = (0..<24).map { _ in UInt32.random(in: 0...UInt32.max, using: &generator) }
            var software = SHA256Midstate(h0: words[0], h1: words[1], h2: words[2], h3: words[3],
                                          h4: words[4], h5: words[5], h6: words[6], h7: words[7])
            var hardware = software
            let block = Array(words[8...])
            block.withUnsafeBufferPointer { software.compressSoftware($0.baseAddress!) }
            if SHA256Midstate.usesHardware {
                block.withUnsafeBufferPointer { hardware.compressHardware($0.baseAddress!) }
                #expect(hardware == software)
            }
            #expect(software != SHA256Midstate(h0: words[0], h1: words[1], h2: words[2], h3: words[3],
                                               h4: words[4], h5: words[5], h6: words[6], h7: words[7]))
        }
        // "abc", one padded block, through the portable compression only.
        var state = SHA256Midstate.initial
        let abc: [UInt32] = [0x6162_6380] + Array(repeating: 0, count: 14) + [24]
        abc.withUnsafeBufferPointer { state.compressSoftware($0.baseAddress!) }
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBytes { state.store(into: $0.baseAddress!) }
        #expect(digest == Array(Crypto.SHA256.hash(data: Array("abc".utf8))))
    }

    /// On x86-64 CPUs with the SHA extensions (the machines CI runs on), the fast path is the one used.
    @Test func hardwareCompressionIsUsedWhereAvailable() throws {
        #if arch(x86_64)
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpuHasSHA = flags.split(separator: "\n").first { $0.hasPrefix("flags") }?
            .split(separator: " ").contains("sha_ni") ?? false
        #expect(SHA256Midstate.usesHardware == cpuHasSHA)
        #else
        #expect(!SHA256Midstate.usesHardware)
        #endif
    }

    @Test func hmacMatchesSwiftCryptoOnRandomKeysAndMessages() {
        var generator = SystemRandomNumberGenerator()
        var mismatches = 0
        for _ in 0..<10_000 {
            let key = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let message = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
            if Pseudonymizer(key: key).authenticationCode(ofRaw: message) != expected {
                mismatches += 1
                Issue.record("mismatch: key \(hex(key)), message \(hex(message))")
                if mismatches > 5 { break }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func keyFilesAreCreatedOnceWithMode0600() throws {
        let dir = "/tmp/migstat-keytest-\(getpid())-\(Int.random(in: 0..<1_000_000))/nested"
        let store = KeyStore(directory: dir)
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e"
        let first = try store.key(forKeyID: id)
        let second = try store.key(forKeyID: id)
        #expect(first == second)
        #expect(first.count == 32)
        var info = stat()
        #expect(stat(store.path(forKeyID: id), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(dir, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(try store.key(forKeyID: "1f8fad5b-d9cb-469f-a165-70867728950e") != first)
        chmod(store.path(forKeyID: id), 0o644)
        #expect(throws: MigstatError.self) { try store.key(forKeyID: id) }
        #expect(try store.destroyKey(forKeyID: id))
        #expect(try !store.destroyKey(forKeyID: id))
        #expect(throws: MigstatError.self) { try store.key(forKeyID: "../etc/passwd") }
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
}
