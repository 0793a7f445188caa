import Testing
@testable import MigstatCore
import Crypto
import Foundation

/// The file hash of an import (`BatchImporter.sha256(ofFile:)`, on the SHA extensions where the CPU
/// has them) equals swift-crypto's SHA-256 of the same bytes at every length around a block and a
/// read-chunk boundary.
@Suite struct FileHashTests {
    @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (1 << 20) + 63, 3 * (1 << 20) + 17])
    func fileHashEqualsSwiftCrypto(length: Int) throws {
        var bytes = [UInt8](repeating: 0, count: length)
        var x: UInt32 = 2_463_534_242
        for i in 0..<length {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            bytes[i] = UInt8(truncatingIfNeeded: x)
        }
        let path = NSTemporaryDirectory() + "migstat-filehash-\(length)-\(getpid()).bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let expected = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(try BatchImporter.sha256(ofFile: path) == expected)
    }
}
