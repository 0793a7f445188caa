import Testing
@testable import MigstatCore

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
