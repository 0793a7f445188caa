/// Input text encodings the reader accepts.
///
/// Whatever the input encoding, `CSVReader` hands out fields as UTF-8.
package enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, with or without a leading byte-order mark. Invalid sequences are rejected.
    case utf8 = "utf-8"
    /// Windows-1251 (Cyrillic), transcoded to UTF-8 while reading. The one undefined byte, 0x98, is rejected.
    case windows1251 = "windows-1251"

    /// Parses an encoding name given by a user, ignoring case.
    ///
    /// Accepts the canonical names (`utf-8`, `windows-1251`) and the aliases `utf8`, `windows1251` and `cp1251`.
    /// Returns `nil` for anything else.
    package init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8":
            self = .utf8
        case "windows-1251", "windows1251", "cp1251":
            self = .windows1251
        default:
            return nil
        }
    }
}
