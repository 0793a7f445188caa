import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pseudonymisation keys, one per purpose, kept in files OUTSIDE the database.
///
/// A key is 32 random bytes, stored as 64 hex digits in `<directory>/<key_id>.key` with mode 0600,
/// in a directory of mode 0700. It is created when its purpose is declared (`purpose add`), and the
/// database keeps its fingerprint (`fingerprint(of:)`), never the key. Whoever holds the database alone
/// cannot recompute a pseudonym from a passport number; deleting a purpose's key file (on purge)
/// makes its pseudonyms unlinkable forever.
package struct KeyStore: Sendable {
    /// The directory holding the key files.
    package let directory: String

    /// Creates a key store over a directory (created with mode 0700 on first use).
    package init(directory: String) {
        self.directory = directory
    }

    /// The key store named by `override`, else `MIGSTAT_KEY_DIR`, else `~/.migstat/keys`.
    package static func resolve(override: String?) -> KeyStore {
        if let override, !override.isEmpty { return KeyStore(directory: override) }
        if let env = getenv("MIGSTAT_KEY_DIR"), let value = String(validatingCString: env), !value.isEmpty {
            return KeyStore(directory: value)
        }
        let home = getenv("HOME").flatMap { String(validatingCString: $0) } ?? "."
        return KeyStore(directory: home + "/.migstat/keys")
    }

    /// The path of a purpose's key file.
    package func path(forKeyID keyID: String) -> String {
        directory + "/" + keyID + ".key"
    }

    /// Returns the key for `keyID`, creating it (32 random bytes, mode 0600) if it does not exist yet.
    /// - Throws: `MigstatError(.keyStore)` if the directory or file cannot be created or read, or if
    ///   the file is readable by group or others.
    package func key(forKeyID keyID: String) throws -> [UInt8] {
        guard keyID.allSatisfy({ $0.isHexDigit || $0 == "-" }), !keyID.isEmpty else {
            throw MigstatError(.keyStore, "invalid key id")
        }
        try ensureDirectory()
        let path = path(forKeyID: keyID)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Array((hexString(key) + "\n").utf8)
            let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd)
            close(fd)
            guard written == text.count, synced == 0 else {
                unlink(path)
                throw MigstatError(.keyStore, "cannot write key file \(path)")
            }
            return key
        }
        guard errno == EEXIST else { throw MigstatError(.keyStore, "cannot create key file \(path)") }
        return try readKey(at: path)
    }

    /// The constant a key fingerprint is the HMAC of.
    package static let fingerprintMessage = "migstat key fingerprint v1"

    /// HMAC-SHA256(key, "migstat key fingerprint v1") as 64 lower-case hex digits: tells one key from
    /// another (`migstat.purpose.key_fingerprint`) without revealing it.
    package static func fingerprint(of key: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(fingerprintMessage.utf8), using: SymmetricKey(data: key))
        return hexString(Array(mac))
    }

    /// Whether the key file of `keyID` exists (without creating it).
    package func hasKey(forKeyID keyID: String) -> Bool {
        var info = stat()
        return stat(path(forKeyID: keyID), &info) == 0
    }

    /// The key of `keyID` if its file exists (never creates one).
    /// - Throws: `MigstatError(.keyStore)` if the file exists but cannot be read or is readable by others.
    package func existingKey(forKeyID keyID: String) throws -> [UInt8]? {
        guard hasKey(forKeyID: keyID) else { return nil }
        return try readKey(at: path(forKeyID: keyID))
    }

    /// The key ids of the key files in the directory (`<key_id>.key`), sorted; empty when there is no directory.
    package func keyIDs() -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var ids: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(".key") else { continue }
            let id = String(name.dropLast(4))
            if id.count == 36, id.allSatisfy({ $0.isHexDigit || $0 == "-" }) { ids.append(id.lowercased()) }
        }
        return ids.sorted()
    }

    /// The key file's path made absolute (for receipts: which file on which machine).
    package func absolutePath(forKeyID keyID: String) -> String {
        let path = path(forKeyID: keyID)
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// Deletes a purpose's key file (used when the purpose is purged). Deleting a missing key is not an error.
    /// - Returns: true when a file was deleted.
    @discardableResult
    package func destroyKey(forKeyID keyID: String) throws -> Bool {
        let path = path(forKeyID: keyID)
        if unlink(path) == 0 {
            // Make the deletion durable (the directory entry) before it is reported as done.
            let dirFD = open(directory, O_RDONLY)
            if dirFD >= 0 {
                _ = fsync(dirFD)
                close(dirFD)
            }
            return true
        }
        if errno == ENOENT { return false }
        throw MigstatError(.keyStore, "cannot delete key file \(path)")
    }

    private func ensureDirectory() throws {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw MigstatError(.keyStore, "\(directory) is not a directory")
            }
            return
        }
        // Create parents as needed (mode 0700 for each one we create).
        var partial = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                throw MigstatError(.keyStore, "cannot create key directory \(directory)")
            }
        }
    }

    private func readKey(at path: String) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw MigstatError(.keyStore, "cannot read key file \(path)") }
        guard info.st_mode & 0o077 == 0 else {
            throw MigstatError(.keyStore, "key file \(path) is readable by others; chmod 600 it")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw MigstatError(.keyStore, "cannot read key file \(path)") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 64 else { throw MigstatError(.keyStore, "key file \(path) is damaged") }
        var key: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = hexValue(buffer[i]), let low = hexValue(buffer[i + 1]) else {
                throw MigstatError(.keyStore, "key file \(path) is damaged")
            }
            key.append(high << 4 | low)
        }
        return key
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x61...0x66: byte - 0x61 + 10
    case 0x41...0x46: byte - 0x41 + 10
    default: nil
    }
}
