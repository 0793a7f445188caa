/// Turns a direct identifier (passport or personal number) into a pseudonym:
/// HMAC-SHA256 under the purpose's key, over the normalised identifier.
///
/// Normalisation: ASCII letters upper-cased, spaces and hyphens removed (so `ac 123-456` and
/// `AC123456` are the same person). The clear identifier is never stored, logged or echoed.
package struct Pseudonymizer {
    /// The key's inner and outer pads, hashed once here, not per row (see `HMACSHA256Midstates`:
    /// no allocation per pseudonym, unlike copying swift-crypto's `HMAC<SHA256>`).
    private let hmac: HMACSHA256Midstates

    /// Creates a pseudonymiser for one purpose's key.
    package init(key: [UInt8]) {
        self.hmac = HMACSHA256Midstates(key: key)
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
            if output.count != 32 { output = [UInt8](repeating: 0, count: 32) }
            output.withUnsafeMutableBytes { out in
                hmac.authenticationCode(of: UnsafeRawBufferPointer(start: buffer.baseAddress, count: length),
                                        into: out.baseAddress!)
            }
            return true
        }
    }

    /// HMAC-SHA256 of `message` as is (no normalisation): for tests against published vectors.
    func authenticationCode(ofRaw message: [UInt8]) -> [UInt8] {
        hmac.authenticationCode(of: message)
    }

    /// The pseudonym of a string identifier, as 64 lower-case hex digits (for tests and tools).
    package func pseudonymHex(of identifier: String) -> String? {
        var identifier = identifier
        var output: [UInt8] = []
        let ok = identifier.withUTF8 { pseudonym(of: $0, into: &output) }
        guard ok else { return nil }
        return hexString(output)
    }
}
