import Crypto
package import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies `Schemas/NNNN_name.sql` in order, each in its own transaction, recording each in
/// `migstat.schema_migrations` with its SHA-256. Re-running applies only what is new; an applied
/// file that has changed since is an error (migrations are forward-only). Then loads the shipped
/// code lists (`Schemas/codes/*.csv`) into lists that are still empty.
///
/// Must run as a superuser (it creates cluster-wide roles and sets logging options on the database).
package struct SchemaMigrator {
    private let connection: PQConnection
    private let directory: String

    /// Creates a migrator for a schemas directory.
    package init(connection: PQConnection, directory: String) {
        self.connection = connection
        self.directory = directory
    }

    /// The default schemas directory: `$MIGSTAT_SCHEMAS_DIR`, `./Schemas`, or the repository's
    /// `Schemas/` next to the executable's build folder.
    package static func defaultDirectory(executablePath: String) -> String {
        if let env = getenv("MIGSTAT_SCHEMAS_DIR").flatMap({ String(validatingCString: $0) }), !env.isEmpty {
            return env
        }
        if access("Schemas/0001_roles.sql", R_OK) == 0 { return "Schemas" }
        var parts = executablePath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for _ in 0..<4 {
            let candidate = parts.joined(separator: "/") + "/Schemas"
            if access(candidate + "/0001_roles.sql", R_OK) == 0 { return candidate }
            parts = parts.dropLast()
        }
        return "Schemas"
    }

    /// What `apply` did.
    package struct Outcome: Sendable {
        package var applied: [String] = []
        package var alreadyApplied = 0
        package var codesLoaded: [String: Int] = [:]
    }

    /// Applies pending migrations and loads missing code lists.
    /// - Throws: `MigstatError` for a missing directory or a changed migration; `PQError` from the server.
    package func apply() throws -> Outcome {
        var outcome = Outcome()
        let files = try sqlFiles()
        guard !files.isEmpty else { throw MigstatError(.notFound, "no migrations in \(directory)") }
        var applied: [Int: String] = [:]
        let exists = try connection.execute("SELECT to_regclass('migstat.schema_migrations') IS NOT NULL")
        if try exists.bool(0, 0) {
            let rows = try connection.execute("SELECT version, sha256 FROM migstat.schema_migrations")
            for row in 0..<rows.rowCount { applied[try rows.int(row, 0)] = try rows.string(row, 1) }
        }
        for (version, name) in files {
            let text = try readFile(directory + "/" + name)
            let digest = hexString(SHA256.hash(data: Array(text.utf8)))
            if let known = applied[version] {
                guard known == digest else {
                    throw MigstatError(.invalidArgument,
                                       "migration \(name) was changed after it was applied; add a new migration instead")
                }
                outcome.alreadyApplied += 1
                continue
            }
            try connection.transaction {
                try connection.executeScript(text)
                _ = try connection.execute(
                    "INSERT INTO migstat.schema_migrations (version, name, sha256) VALUES ($1, $2, $3)",
                    [String(version), name, digest])
            }
            outcome.applied.append(name)
        }
        outcome.codesLoaded = try loadShippedCodes()
        return outcome
    }

    private func loadShippedCodes() throws -> [String: Int] {
        var loaded: [String: Int] = [:]
        let codesDirectory = directory + "/codes"
        let present = try connection.execute("SELECT DISTINCT dimension FROM migstat.code")
        let existing = Set((0..<present.rowCount).compactMap { present[$0, 0] })
        for file in try listDirectory(codesDirectory).filter({ $0.hasSuffix(".csv") }).sorted() {
            let lists = try CodeListFile.read(path: codesDirectory + "/" + file)
            for list in lists where !existing.contains(list.dimension) {
                try CodeListFile.load(list, into: connection, replace: false)
                loaded[list.dimension] = list.codes.count
            }
        }
        return loaded
    }

    private func sqlFiles() throws -> [(Int, String)] {
        try listDirectory(directory).compactMap { name -> (Int, String)? in
            guard name.hasSuffix(".sql"), let version = Int(name.prefix(4)), name.count > 5,
                  name[name.index(name.startIndex, offsetBy: 4)] == "_"
            else { return nil }
            return (version, name)
        }.sorted { $0.0 < $1.0 }
    }
}

/// The names in a directory.
func listDirectory(_ path: String) throws -> [String] {
    guard let dir = opendir(path) else { throw MigstatError(.notFound, "cannot read directory \(path)") }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// A whole (small) file as UTF-8 text.
func readFile(_ path: String) throws -> String {
    guard let handle = fopen(path, "rb") else { throw MigstatError(.fileUnreadable, "cannot open", file: path) }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, handle)
        if n == 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
