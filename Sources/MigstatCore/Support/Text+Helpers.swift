#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes as lower-case hexadecimal (SHA-256 digests, pseudonyms, key files).
package func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Seconds on the monotonic clock (for durations and rates, never for dates).
package func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    package func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}

/// A `--filter KEY=VALUE` argument split at its first `=`: the key without surrounding spaces, and the value.
/// - Throws: `MigstatError` `invalidArgument` when there is no `=` or nothing before it.
package func splitFilterArgument(_ argument: String) throws -> (key: String, value: Substring) {
    guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
        throw MigstatError(.invalidArgument, "--filter takes DIM=CODE[,CODE...]")
    }
    return (String(argument[..<eq]).trimmingSpaces(), argument[argument.index(after: eq)...])
}
