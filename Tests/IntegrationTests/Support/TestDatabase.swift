import Foundation
import MigstatPQ
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Serialises `migstat db init` within this test process: the migrations update cluster-wide
/// objects (role comments), and two concurrent runs can collide.
private let setupLock = NSLock()

/// Runs `body` with a fresh migstat database, dropped afterwards (with its login users and its
/// compartment roles) whether `body` succeeds or not.
func withTestDatabase<R>(
    purposes: [String] = ["flows"], server: TestServer? = nil,
    _ body: (TestDatabase) throws -> R
) throws -> R {
    let server = try server ?? TestServer.fromEnvironment()
    let database = try TestDatabase(server: server, purposes: purposes)
    defer { database.tearDown() }
    try database.setUp()
    return try body(database)
}

/// One stored record, read back as the superuser, with code ids turned back into codes.
struct StoredRecord: CustomStringConvertible {
    var batch: Int
    var line: Int
    var recordID: String
    /// Column name → stored value as text (codes for coded columns; nil = NULL).
    var values: [String: String?]

    subscript(column: String) -> String? { values[column] ?? nil }

    var description: String {
        "batch \(batch) line \(line) \(recordID): "
            + values.keys.sorted().map { "\($0)=\(values[$0]!.map { "'\($0)'" } ?? "NULL")" }.joined(separator: " ")
    }
}

/// One row of `migstat.batch` (read as the superuser).
struct BatchRow: Equatable {
    var id: Int
    var status: String
    var fileName: String
    var source: String
    var purpose: String
    var rowsRead: Int?
    var accepted: Int?
    var rejected: Int?
    var importedBy: String
    var withdrawnBy: String?
    var withdrawReason: String?
}

/// A fresh migstat database for one test: `mt_<random>`, initialised with the real binary, with
/// login users `mt_<random>_admin`, `_loader` (all purposes' compartments), `_outsider` (loader
/// role, no compartment) and `_auditor`, and the declared purposes.
final class TestDatabase {
    let server: TestServer
    let name: String
    /// Per-database folder for batch files, rejects files and command output.
    let workDir: String
    /// `MIGSTAT_KEY_DIR` of every command run against this database.
    let keyDir: String
    let admin: String
    let loader: String
    let outsider: String
    let auditor: String
    let purposes: [String]
    /// The first purpose.
    var purpose: String { purposes[0] }
    /// Every command run through `run`, for the canary search.
    private(set) var transcript: [CommandResult] = []

    private let binary: String
    private var connection: PQConnection?
    private var databaseCreated = false
    private var createdUsers: [String] = []

    init(server: TestServer, purposes: [String]) throws {
        self.server = server
        self.binary = try TestPaths.migstatBinary()
        let token = randomToken()
        name = "mt_" + token
        admin = name + "_admin"
        loader = name + "_loader"
        outsider = name + "_outsider"
        auditor = name + "_auditor"
        self.purposes = purposes
        workDir = try makeTemporaryDirectory("migstat-it-\(token)-")
        keyDir = workDir + "/keys"
    }

    var loginUsers: [String] { [admin, loader, outsider, auditor] }

    // MARK: - Life cycle

    func setUp() throws {
        let maintenance = try PQConnection(conninfo: server.conninfo(database: "postgres", user: nil))
        try maintenance.execute(sql: "CREATE DATABASE \(PQConnection.quoteIdentifier(name))")
        databaseCreated = true
        for user in loginUsers {
            try maintenance.execute(sql: "CREATE ROLE \(PQConnection.quoteIdentifier(user)) LOGIN")
            createdUsers.append(user)
        }
        try initialise()
        // The first administrator is made with SQL (as in Scripts/demo.sh); everything else goes
        // through the CLI as that administrator.
        try query("GRANT migstat_admin TO \(PQConnection.quoteIdentifier(admin))")
        try query(
            "GRANT CONNECT ON DATABASE \(PQConnection.quoteIdentifier(name)) TO \(PQConnection.quoteIdentifier(admin))")
        for purpose in purposes {
            try mustSucceed(
                [
                    "purpose", "add", purpose, "--description", "integration test purpose \(purpose)",
                    "--retain-until", "5 years",
                ], as: admin)
        }
        var grant = ["access", "grant", loader, "loader"]
        for purpose in purposes { grant += ["--purpose", purpose] }
        try mustSucceed(grant, as: admin)
        try mustSucceed(["access", "grant", outsider, "loader"], as: admin)
        try mustSucceed(["access", "grant", auditor, "auditor"], as: admin)
    }

    /// `migstat db init` as the superuser, retried: another process may be running the cluster-wide
    /// part of the migrations at the same moment.
    private func initialise() throws {
        setupLock.lock()
        defer { setupLock.unlock() }
        var last: CommandResult?
        for attempt in 0..<5 {
            let result = try run(["db", "init", "--schemas-dir", TestPaths.schemasDirectory], as: nil)
            if result.status == 0 && !result.signaled { return }
            last = result
            Thread.sleep(forTimeInterval: 0.3 * Double(attempt + 1))
        }
        throw IntegrationFailure("migstat db init failed: \(last!)")
    }

    func tearDown() {
        connection = nil
        do {
            let maintenance = try PQConnection(conninfo: server.conninfo(database: "postgres", user: nil))
            var tag: String?
            if databaseCreated {
                if let db = try? PQConnection(conninfo: server.conninfo(database: name, user: nil)),
                    let result = try? db.execute(
                        sql: "SELECT value FROM migstat.setting WHERE key = 'instance_tag'"), result.rowCount == 1
                {
                    tag = result[0, 0]
                }
                try maintenance.execute(sql: "DROP DATABASE IF EXISTS \(PQConnection.quoteIdentifier(name)) WITH (FORCE)")
            }
            var roles = createdUsers
            if let tag {
                let compartments = try maintenance.execute(
                    sql: "SELECT rolname FROM pg_roles WHERE rolname LIKE 'migstat\\_' || $1 || '\\_%' ORDER BY rolname",
                    [tag])
                roles += (0..<compartments.rowCount).compactMap { compartments[$0, 0] }
            }
            for role in roles {
                try maintenance.execute(sql: "DROP ROLE IF EXISTS \(PQConnection.quoteIdentifier(role))")
            }
        } catch {
            Issue.record("cleanup of test database \(name) failed: \(error)")
        }
        try? FileManager.default.removeItem(atPath: workDir)
    }

    // MARK: - Running migstat

    /// Runs the migstat binary with `--dsn "dbname=<db> user=<user>"` (nil user: the superuser) and
    /// `MIGSTAT_KEY_DIR` set to this database's key folder, in `workDir`.
    @discardableResult
    func run(_ arguments: [String], as user: String?, environment: [String: String] = [:]) throws -> CommandResult {
        try start(arguments, as: user, environment: environment).wait().recorded(in: self)
    }

    /// Starts the binary in the background (same arguments as `run`); call `finish` with its result.
    func start(_ arguments: [String], as user: String?, environment: [String: String] = [:]) throws -> RunningCommand {
        var env = ["MIGSTAT_KEY_DIR": keyDir]
        for (key, value) in environment { env[key] = value }
        return try CommandRunner.start(
            binary, arguments + ["--dsn", server.conninfo(database: name, user: user)], user: user,
            directory: workDir, environment: env)
    }

    /// Records a background command's result in the transcript.
    func finish(_ command: RunningCommand) -> CommandResult {
        command.wait().recorded(in: self)
    }

    fileprivate func record(_ result: CommandResult) {
        transcript.append(result)
    }

    @discardableResult
    func mustSucceed(_ arguments: [String], as user: String?) throws -> CommandResult {
        let result = try run(arguments, as: user)
        guard result.status == 0, !result.signaled else { throw IntegrationFailure("command failed: \(result)") }
        return result
    }

    /// `migstat import FILE --source S --purpose P --format json [extra]` as the loader (by default).
    @discardableResult
    func importFile(
        _ path: String, source: String = "border", purpose: String? = nil, as user: String? = nil,
        _ extra: [String] = []
    ) throws -> CommandResult {
        try run(
            ["import", path, "--source", source, "--purpose", purpose ?? self.purpose, "--format", "json"] + extra,
            as: user ?? loader)
    }

    // MARK: - Files

    /// Writes `text` (UTF-8) to `workDir/name` and returns the path.
    @discardableResult
    func write(_ fileName: String, _ text: String) throws -> String {
        try write(fileName, bytes: Array(text.utf8))
    }

    /// Writes raw bytes to `workDir/name` and returns the path.
    @discardableResult
    func write(_ fileName: String, bytes: [UInt8]) throws -> String {
        let path = workDir + "/" + fileName
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IntegrationFailure("cannot create \(path)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw IntegrationFailure("cannot write \(path)") }
            offset += written
        }
        return path
    }

    // MARK: - Reading back as the superuser

    /// A superuser connection to this database (kept open for the test).
    func superuser() throws -> PQConnection {
        if let connection, connection.isConnected { return connection }
        let fresh = try PQConnection(conninfo: server.conninfo(database: name, user: nil))
        connection = fresh
        return fresh
    }

    /// Drops the kept superuser connection (e.g. after a server restart).
    func reconnect() { connection = nil }

    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PQResult {
        try superuser().execute(sql: sql, parameters)
    }

    func int(_ sql: String, _ parameters: [String?] = []) throws -> Int {
        try query(sql, parameters).int(0, 0)
    }

    /// Rows of `migstat.batch`, by id.
    func batches() throws -> [BatchRow] {
        let result = try query(
            """
            SELECT b.id, b.status, b.file_name, s.name, p.name, b.rows_read, b.accepted, b.rejected, b.imported_by,
                   b.withdrawn_by, b.withdraw_reason
              FROM migstat.batch b JOIN migstat.source s ON s.id = b.source_id JOIN migstat.purpose p ON p.id = b.purpose_id
             ORDER BY b.id
            """)
        return try (0..<result.rowCount).map { row in
            BatchRow(
                id: try result.int(row, 0), status: try result.string(row, 1), fileName: try result.string(row, 2),
                source: try result.string(row, 3), purpose: try result.string(row, 4),
                rowsRead: result[row, 5].flatMap { Int($0) }, accepted: result[row, 6].flatMap { Int($0) },
                rejected: result[row, 7].flatMap { Int($0) }, importedBy: try result.string(row, 8),
                withdrawnBy: result[row, 9], withdrawReason: result[row, 10])
        }
    }

    /// The tables in `migstat_data` named `batch_*` (a batch's table before and after it is attached).
    func batchTables() throws -> [String] {
        let result = try query(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'migstat_data' AND c.relname LIKE 'batch\\_%' AND c.relkind IN ('r', 'p')
             ORDER BY c.relname
            """)
        return (0..<result.rowCount).compactMap { result[$0, 0] }
    }

    /// Number of stored records (all purposes and batches).
    func recordCount() throws -> Int {
        try int("SELECT count(*) FROM migstat.records")
    }

    /// Stored records with their codes, ordered by batch and line.
    func storedRecords(batch: Int? = nil) throws -> [StoredRecord] {
        let coded: [(column: String, dimension: String)] = [
            ("direction", "direction"), ("sex", "sex"), ("nationality", "country"), ("country", "country"),
            ("region", "region"), ("reason", "reason"), ("occupation", "occupation"),
            ("worker_category", "worker_category"), ("ethnicity", "ethnicity"),
            ("migration_status", "migration_status"), ("disability", "disability"),
        ]
        let joins = coded.enumerated().map { index, item in
            "LEFT JOIN migstat.code c\(index) ON c\(index).dimension = '\(item.dimension)' AND c\(index).id = r.\(item.column)"
        }.joined(separator: "\n")
        let codeColumns = coded.indices.map { ", c\($0).code" }.joined()
        let result = try query(
            """
            SELECT r.batch_id, r.line_no, r.record_id, r.event_date::text, r.age::text,
                   encode(r.person_pseudonym, 'hex'), p.name\(codeColumns)
              FROM migstat.records r JOIN migstat.purpose p ON p.id = r.purpose_id
            \(joins)
             WHERE $1::integer IS NULL OR r.batch_id = $1::integer
             ORDER BY r.batch_id, r.line_no
            """, [batch.map(String.init)])
        return try (0..<result.rowCount).map { row in
            var values: [String: String?] = [
                "event_date": result[row, 3], "age": result[row, 4], "person_pseudonym": result[row, 5],
                "purpose": result[row, 6],
            ]
            for (index, item) in coded.enumerated() { values[item.column] = result[row, 7 + index] }
            return StoredRecord(
                batch: try result.int(row, 0), line: try result.int(row, 1),
                recordID: try result.string(row, 2), values: values)
        }
    }

    /// The key file of a purpose: `<keyDir>/<key_id>.key`.
    func keyFilePath(purpose: String) throws -> String {
        let keyID = try query("SELECT key_id::text FROM migstat.purpose WHERE name = $1", [purpose]).string(0, 0)
        return keyDir + "/" + keyID + ".key"
    }

    /// The 32-byte key of a purpose, read from its key file (64 hex digits).
    func key(purpose: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: try keyFilePath(purpose: purpose), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count == 64 else { throw IntegrationFailure("key file of \(purpose) does not hold 64 hex digits") }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else {
                throw IntegrationFailure("key file of \(purpose) is not hex")
            }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// The `migstat.audit_log` actions, in order.
    func auditActions() throws -> [(action: String, actor: String, batch: Int?)] {
        let result = try query("SELECT action, actor, batch_id FROM migstat.audit_log ORDER BY seq")
        return try (0..<result.rowCount).map {
            (try result.string($0, 0), try result.string($0, 1), result[$0, 2].flatMap { Int($0) })
        }
    }

    /// The number of backends of this database connected as `user`.
    func sessions(of user: String) throws -> Int {
        try int("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = $2", [name, user])
    }
}

extension CommandResult {
    fileprivate func recorded(in database: TestDatabase) -> CommandResult {
        database.record(self)
        return self
    }
}

/// Asserts the database holds nothing of any batch: no batch row, no batch table, no record.
func expectNothingStored(_ db: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try db.batches() == [], "no batch row expected", sourceLocation: sourceLocation)
    #expect(try db.batchTables() == [], "no migstat_data.batch_* table expected", sourceLocation: sourceLocation)
    #expect(try db.recordCount() == 0, "no record expected", sourceLocation: sourceLocation)
}
