/// Windows-1251 → UTF-8 transcoding, one byte at a time through a 256-entry table.
///
/// Every structural CSV byte (delimiters, quote, CR, LF) is ASCII and maps to itself, so whole chunks can be
/// transcoded before parsing. The undefined byte 0x98 becomes 0xFF, a byte that can never occur in UTF-8, so the
/// reader's UTF-8 validation reports it as `invalidEncoding` with the right line and field.
enum Windows1251 {
    /// The byte written for 0x98, which Windows-1251 leaves undefined. Never valid in UTF-8.
    static let invalidMarker: UInt8 = 0xFF

    /// Unicode scalars for 0x80–0xBF; 0 marks the undefined 0x98. 0xC0–0xFF map to U+0410–U+044F.
    private static let upperScalars: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ]

    /// For each byte: its UTF-8 encoding packed little-endian in the low 24 bits, the length (1–3) in the top 8.
    static let table: [UInt32] = (0..<256).map { byte -> UInt32 in
        let scalar: UInt32
        switch byte {
        case 0..<0x80:
            return UInt32(byte) | 1 << 24
        case 0x80..<0xC0:
            scalar = UInt32(upperScalars[byte - 0x80])
        default:
            scalar = 0x0410 + UInt32(byte - 0xC0)
        }
        if scalar == 0 {
            return UInt32(invalidMarker) | 1 << 24
        }
        if scalar < 0x800 {
            let b0 = 0xC0 | scalar >> 6
            let b1 = 0x80 | scalar & 0x3F
            return b0 | b1 << 8 | 2 << 24
        }
        let b0 = 0xE0 | scalar >> 12
        let b1 = 0x80 | scalar >> 6 & 0x3F
        let b2 = 0x80 | scalar & 0x3F
        return b0 | b1 << 8 | b2 << 16 | 3 << 24
    }

    /// The most bytes one input byte can become.
    static let maxExpansion = 3

    /// Transcodes `count` bytes at `source` into `destination`, which must have room for
    /// `count * maxExpansion + 1` bytes (one byte of scratch past the end). Returns the number of bytes written.
    static func transcode(
        _ source: UnsafePointer<UInt8>,
        count: Int,
        into destination: UnsafeMutablePointer<UInt8>
    ) -> Int {
        table.withUnsafeBufferPointer { table in
            var read = 0
            var written = 0
            while read < count {
                // ASCII fast path: eight bytes at a time while none has the high bit set.
                while count - read >= 8 {
                    let word = UnsafeRawPointer(source + read).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 != 0 {
                        break
                    }
                    UnsafeMutableRawPointer(destination + written).storeBytes(of: word, as: UInt64.self)
                    read += 8
                    written += 8
                }
                if read == count {
                    break
                }
                // Store all four bytes of the entry (the fourth is garbage, overwritten next or past the end),
                // then advance by the encoded length: no branch on the length.
                let entry = table[Int(source[read])]
                UnsafeMutableRawPointer(destination + written).storeBytes(of: entry.littleEndian, as: UInt32.self)
                written &+= Int(entry &>> 24)
                read &+= 1
            }
            return written
        }
    }
}
