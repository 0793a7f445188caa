import Crypto

/// Turns a direct identifier (passport or personal number) into a pseudonym:
/// HMAC-SHA256 under the purpose's key, over the normalised identifier.
///
/// Normalisation: ASCII letters upper-cased, spaces and hyphens removed (so `ac 123-456` and
/// `AC123456` are the same person). The clear identifier is never stored, logged or echoed.
package struct Pseudonymizer {
    /// HMAC keyed once (the key's inner and outer pads are hashed here, not per row); each
    /// pseudonym starts from a copy of it.
    private let keyed: HMAC<SHA256>

    /// Creates a pseudonymiser for one purpose's key.
    package init(key: [UInt8]) {
        self.keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
    }

    /// Writes the 32-byte pseudonym of `identifier` to `output`.
    /// - Returns: false when the identifier is empty after normalisation.
    package func pseudonym(of identifier: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(identifier.count, 1)) { buffer in
            var length = 0
            for byte in identifier where byte != 0x20 && byte != 0x2D && byte != 0x09 {
                buffer[length] = (byte >= 0x61 && byte <= 0x7A) ? byte - 0x20 : byte
                length += 1
            }
            guard length > 0 else { return false }
            var hmac = keyed
            hmac.update(data: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<length])))
            let code = hmac.finalize()
            output.removeAll(keepingCapacity: true)
            code.withUnsafeBytes { output.append(contentsOf: $0) }
            return true
        }
    }

    /// The pseudonym of a string identifier, as 64 lower-case hex digits (for tests and tools).
    package func pseudonymHex(of identifier: String) -> String? {
        var identifier = identifier
        var output: [UInt8] = []
        let ok = identifier.withUTF8 { pseudonym(of: $0, into: &output) }
        guard ok else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: output.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
