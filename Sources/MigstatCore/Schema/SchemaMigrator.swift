import Crypto
package import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates or upgrades a migstat database from a schemas directory (`Schemas/README.md`), in one transaction:
///
/// 1. **Migrations** (`migrations/NNNN_name.sql`): forward-only, applied once each in version order and
///    recorded in `migstat.schema_migrations` with their SHA-256; an applied migration whose file has changed
///    is an error. A migration whose first line is `-- migstat:squashes V V ...` replaces those older
///    versions: a database that applied all of them records the squashing migration as applied instead.
/// 2. **Declarative objects** (`functions/**/*.sql`, then `views/**/*.sql`): one `CREATE OR REPLACE` per
///    file, run as `migstat_owner`; a file is re-applied when its SHA-256 differs from the one recorded in
///    `migstat.schema_objects`.
/// 3. **`privileges.sql`**: revoke everything, then grant; applied whenever anything above was applied or the
///    file changed.
/// 4. The dimension catalogue (`DimensionCatalog`) into `migstat.dimension`, and the shipped code lists
///    (`codes/*.csv`) into lists that are still empty.
/// 5. The cell-key perturbation table (`ptable/ptable.csv`, `PTableInstaller`) into `migstat.ptable`, when its
///    SHA-256 differs from setting `ptable_sha256`.
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
        let marker = "/migrations/0001_baseline.sql"
        if access("Schemas" + marker, R_OK) == 0 { return "Schemas" }
        var parts = executablePath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for _ in 0..<4 {
            let candidate = parts.joined(separator: "/") + "/Schemas"
            if access(candidate + marker, R_OK) == 0 { return candidate }
            parts = parts.dropLast()
        }
        return "Schemas"
    }

    /// What `apply` did.
    package struct Outcome: Sendable {
        /// Migrations applied by this run (file names).
        package var applied: [String] = []
        /// Migrations that were already applied.
        package var alreadyApplied = 0
        /// Older migrations that a squashing migration replaced in this database's record (versions).
        package var squashed: [Int] = []
        /// Declarative files (re-)applied by this run, relative to the schemas directory.
        package var objectsApplied: [String] = []
        /// Recorded declarative files that no longer exist (their objects stay until a migration drops them).
        package var objectsMissing: [String] = []
        /// Code lists loaded, by dimension.
        package var codesLoaded: [String: Int] = [:]
        /// Whether the p-table (`ptable/ptable.csv`) was (re)loaded because its SHA-256 changed.
        package var ptableLoaded = false
    }

    /// Applies pending migrations and changed declarative files, the catalogue and missing code lists, in one
    /// transaction.
    /// - Throws: `MigstatError` for a missing directory, a changed migration or a database that cannot be
    ///   upgraded; `PQError` from the server (nothing is then changed).
    package func apply() throws -> Outcome {
        let migrations = try migrationFiles()
        guard !migrations.isEmpty else {
            throw MigstatError(.notFound, "no migrations in \(directory)/migrations")
        }
        let objects = try declarativeFiles()
        return try connection.transaction {
            var outcome = Outcome()
            try applyMigrations(migrations, into: &outcome)
            try applyObjects(objects, into: &outcome)
            try DimensionCatalogInstaller(connection: connection).install()
            outcome.codesLoaded = try loadShippedCodes()
            outcome.ptableLoaded = try PTableInstaller(connection: connection, directory: directory).install()
            return outcome
        }
    }

    // MARK: - Migrations

    private struct Migration {
        var version: Int
        var name: String
        var text: String
        var digest: String
        var squashes: Set<Int>
    }

    private func applyMigrations(_ migrations: [Migration], into outcome: inout Outcome) throws {
        var applied: [Int: (name: String, digest: String)] = [:]
        let exists = try connection.execute("SELECT to_regclass('migstat.schema_migrations') IS NOT NULL")
        if try exists.bool(0, 0) {
            let rows = try connection.execute("SELECT version, name, sha256 FROM migstat.schema_migrations")
            for row in 0..<rows.rowCount {
                applied[try rows.int(row, 0)] = (try rows.string(row, 1), try rows.string(row, 2))
            }
        }
        for migration in migrations {
            if let known = applied[migration.version], known.name == migration.name {
                guard known.digest == migration.digest else {
                    throw MigstatError(.invalidArgument, """
                        migration \(migration.name) was changed after it was applied; add a new migration instead
                        """)
                }
                outcome.alreadyApplied += 1
                continue
            }
            let replaced = applied.keys.filter { migration.squashes.contains($0) }.sorted()
            if !replaced.isEmpty {
                // A database made before the squash: it must have applied every migration this one replaces.
                let required = migration.squashes.subtracting([9])  // 0009 was removed before any release
                guard required.isSubset(of: Set(replaced)) else {
                    throw MigstatError(.invalidArgument, """
                        the database's schema (migrations \(applied.keys.sorted())) predates \(migration.name); \
                        upgrade it with the migstat that created it first, or create a new database
                        """)
                }
                try connection.execute("DELETE FROM migstat.schema_migrations WHERE version = ANY (\(replaced, as: .integerArray))")
                for version in replaced { applied[version] = nil }
                outcome.squashed = replaced
            } else if let known = applied[migration.version] {
                throw MigstatError(.invalidArgument, """
                    migration version \(migration.version) is \(known.name) in the database but \(migration.name) here
                    """)
            } else {
                try connection.executeScript(migration.text)
                _ = try connection.execute("RESET ROLE")
                outcome.applied.append(migration.name)
            }
            try record(migration)
            applied[migration.version] = (migration.name, migration.digest)
        }
    }

    private func record(_ migration: Migration) throws {
        try connection.execute("""
            INSERT INTO migstat.schema_migrations (version, name, sha256)
            VALUES (\(migration.version), \(migration.name), \(migration.digest))
            """)
    }

    private func migrationFiles() throws -> [Migration] {
        let folder = directory + "/migrations"
        return try listDirectory(folder).compactMap { name -> Migration? in
            guard name.hasSuffix(".sql"), let version = Int(name.prefix(4)), name.count > 5,
                name[name.index(name.startIndex, offsetBy: 4)] == "_"
            else { return nil }
            let text = try readFile(folder + "/" + name)
            var squashes: Set<Int> = []
            let firstLine = text.prefix { $0 != "\n" }
            let marker = "-- migstat:squashes "
            if firstLine.hasPrefix(marker) {
                squashes = Set(firstLine.dropFirst(marker.count).split(separator: " ").compactMap { Int($0) })
            }
            return Migration(version: version, name: name, text: text, digest: sha256Hex(text), squashes: squashes)
        }.sorted { $0.version < $1.version }
    }

    // MARK: - Declarative objects

    private struct ObjectFile {
        var path: String
        var text: String
        var digest: String
    }

    private static let privilegesFile = "privileges.sql"

    private func applyObjects(_ files: [ObjectFile], into outcome: inout Outcome) throws {
        var recorded: [String: String] = [:]
        let rows = try connection.execute("SELECT path, sha256 FROM migstat.schema_objects")
        for row in 0..<rows.rowCount { recorded[try rows.string(row, 0)] = try rows.string(row, 1) }

        let changed = files.filter { recorded[$0.path] != $0.digest }
        let somethingChanged = !outcome.applied.isEmpty || !outcome.squashed.isEmpty
            || changed.contains { $0.path != Self.privilegesFile }
        // Bodies are checked when they run, so files can be applied in path order whatever they call.
        _ = try connection.execute("SET LOCAL check_function_bodies = off")
        _ = try connection.execute("SET LOCAL ROLE migstat_owner")
        for file in files {
            let isPrivileges = file.path == Self.privilegesFile
            guard recorded[file.path] != file.digest || (isPrivileges && somethingChanged) else { continue }
            try connection.executeScript(file.text)
            outcome.objectsApplied.append(file.path)
        }
        _ = try connection.execute("RESET ROLE")
        _ = try connection.execute("RESET check_function_bodies")
        for file in files where recorded[file.path] != file.digest {
            try connection.execute("""
                INSERT INTO migstat.schema_objects (path, sha256) VALUES (\(file.path), \(file.digest))
                ON CONFLICT (path) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now(),
                                                 applied_by = session_user
                """)
        }
        let present = Set(files.map(\.path))
        outcome.objectsMissing = recorded.keys.filter { !present.contains($0) }.sorted()
        if !outcome.objectsMissing.isEmpty {
            try connection.execute("DELETE FROM migstat.schema_objects WHERE path = ANY (\(outcome.objectsMissing, as: .textArray))")
        }
    }

    /// functions/**, then views/**, each in path order, then privileges.sql.
    private func declarativeFiles() throws -> [ObjectFile] {
        var paths: [String] = []
        for folder in ["functions", "views"] {
            paths += try sqlFiles(under: folder).sorted()
        }
        paths.append(Self.privilegesFile)
        return try paths.map { path in
            let text = try readFile(directory + "/" + path)
            return ObjectFile(path: path, text: text, digest: sha256Hex(text))
        }
    }

    private func sqlFiles(under relative: String) throws -> [String] {
        guard access(directory + "/" + relative, R_OK) == 0 else { return [] }
        var found: [String] = []
        for name in try listDirectory(directory + "/" + relative) {
            let path = relative + "/" + name
            if name.hasSuffix(".sql") {
                found.append(path)
            } else if isDirectory(directory + "/" + path) {
                found += try sqlFiles(under: path)
            }
        }
        return found
    }

    // MARK: - Code lists

    private func loadShippedCodes() throws -> [String: Int] {
        var loaded: [String: Int] = [:]
        let codesDirectory = directory + "/codes"
        let present = try connection.execute("SELECT DISTINCT dimension FROM migstat.code")
        let existing = Set((0..<present.rowCount).compactMap { present[$0, 0] })
        for file in try listDirectory(codesDirectory).filter({ $0.hasSuffix(".csv") }).sorted() {
            let lists = try CodeListFile.read(path: codesDirectory + "/" + file)
            for list in lists where !existing.contains(list.dimension) {
                try CodeStore(connection: connection).load(list, replace: false)
                loaded[list.dimension] = list.codes.count
            }
        }
        try CodeStore(connection: connection).loadShippedLabels(directory: codesDirectory + "/labels")
        return loaded
    }
}

private func sha256Hex(_ text: String) -> String {
    hexString(SHA256.hash(data: Array(text.utf8)))
}

private func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
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
