import Foundation
import MigstatCore
import MigstatPQ
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Acceptance 7: an import killed mid-COPY (client SIGKILL, or the server stopped like a crash)
/// leaves nothing behind, and the same command then imports every row.
///
/// The million-row file is generated once by Scripts/generate-batch.py and kept in the temporary
/// folder, named after the generator's hash, for later runs.
@Suite(.serialized, .timeLimit(.minutes(15)))
struct ImportCrashTests {
    static let rows = 1_000_000

    static func bigFile() throws -> String {
        let script = TestPaths.scriptsDirectory + "/generate-batch.py"
        let digest = try BatchImporter.sha256(ofFile: script).prefix(12)
        let folder = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        let path = folder + "migstat-it-\(digest)-\(rows).csv"
        if FileManager.default.fileExists(atPath: path) { return path }
        let partial = path + ".partial-" + randomToken()
        let result = try CommandRunner.run(
            "/usr/bin/env", ["python3", script, "--rows", String(rows), partial], directory: NSTemporaryDirectory())
        guard result.status == 0, !result.signaled else {
            unlink(partial)
            throw IntegrationFailure("generate-batch.py failed: \(result)")
        }
        guard rename(partial, path) == 0 else { throw IntegrationFailure("cannot rename \(partial)") }
        return path
    }

    static func importArguments(_ file: String, _ db: TestDatabase) -> [String] {
        [
            "import", file, "--source", "border", "--purpose", db.purpose, "--json", "--rejects",
            db.workDir + "/big.rejects.csv",
        ]
    }

    /// Waits until the server shows the loader's COPY with rows arriving; returns its backend pid.
    static func waitForCopy(_ db: TestDatabase, _ command: RunningCommand, minimumTuples: Int = 20_000) throws -> Int {
        var backend: Int?
        let seen = try waitUntil(timeout: 240, interval: 0.1) {
            guard command.isRunning else { return true }
            let progress = try db.query(
                """
                SELECT a.pid, p.tuples_processed FROM pg_stat_progress_copy p JOIN pg_stat_activity a ON a.pid = p.pid
                 WHERE a.datname = $1 AND a.usename = $2 AND p.type = 'PIPE' AND p.command = 'COPY FROM'
                """, [db.name, db.loader])
            guard progress.rowCount == 1, try progress.int(0, 1) >= minimumTuples else { return false }
            backend = try progress.int(0, 0)
            return true
        }
        guard seen, let backend else {
            command.signal(SIGKILL)
            let result = db.finish(command)
            throw IntegrationFailure("the COPY never showed up in pg_stat_progress_copy: \(result)")
        }
        return backend
    }

    /// After the interruption: nothing of the batch, no lock, no session left.
    static func expectCleanAfterInterruption(_ db: TestDatabase, backend: Int) throws {
        let ended = try waitUntil(timeout: 60) {
            try db.int("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [String(backend)]) == 0
        }
        #expect(ended, "the killed import's backend should end")
        #expect(try db.int("SELECT count(*) FROM migstat.batch WHERE status = 'loaded'") == 0)
        try expectNothingStored(db)
        #expect(
            try db.int(
                """
                SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                 WHERE d.datname = $1 AND l.locktype = 'advisory'
                """, [db.name]) == 0)
        #expect(try db.int("SELECT count(*) FROM pg_prepared_xacts") == 0)
        #expect(try db.sessions(of: db.loader) == 0)
    }

    /// The same command again imports every row.
    static func expectCompleteImport(_ db: TestDatabase, _ arguments: [String]) throws {
        let again = try db.run(arguments, as: db.loader)
        #expect(again.status == 0, "\(again)")
        let summary = try again.summary()
        #expect(summary.outcome == "committed")
        #expect(summary.rows == rows && summary.accepted == rows && summary.rejected == 0)
        let batch = try #require(summary.batch)
        let batches = try db.batches()
        #expect(batches.count == 1)
        #expect(batches.first?.id == batch && batches.first?.status == "loaded")
        #expect(batches.first?.rowsRead == rows && batches.first?.accepted == rows)
        #expect(try db.int("SELECT count(*) FROM migstat.records WHERE batch_id = $1", [String(batch)]) == rows)
        #expect(try db.batchTables() == ["batch_\(batch)"])
    }

    @Test func aClientKilledMidCopyLeavesNothingAndTheSameImportThenSucceeds() throws {
        let big = try Self.bigFile()
        try withTestDatabase { db in
            let arguments = Self.importArguments(big, db)
            let running = try db.start(arguments, as: db.loader)
            let backend = try Self.waitForCopy(db, running)
            running.signal(SIGKILL)
            let killed = db.finish(running)
            #expect(killed.signaled && killed.status == SIGKILL, "\(killed)")
            try Self.expectCleanAfterInterruption(db, backend: backend)
            try Self.expectCompleteImport(db, arguments)
        }
    }

    /// On a private cluster of its own (started with Scripts/pg.sh under a temporary MIGSTAT_PG_DIR),
    /// so the immediate stop disturbs no other test or engineer.
    @Test func aServerRestartMidCopyLeavesNothingAndTheSameImportThenSucceeds() throws {
        let big = try Self.bigFile()
        let cluster = try PrivateCluster.start()
        defer { cluster.stop() }
        try withTestDatabase(server: cluster.server) { db in
            let arguments = Self.importArguments(big, db)
            let running = try db.start(arguments, as: db.loader)
            _ = try Self.waitForCopy(db, running)
            db.reconnect()
            let restart = try cluster.restart()
            #expect(restart.status == 0, "\(restart)")
            let interrupted = db.finish(running)
            #expect(!interrupted.signaled, "the client must not crash: \(interrupted)")
            #expect(interrupted.status == 69, "a lost server is 'database unavailable': \(interrupted)")
            #expect(!interrupted.stdout.contains("committed"))
            // Crash recovery has run; the aborted transaction left nothing.
            #expect(try db.int("SELECT count(*) FROM migstat.batch WHERE status = 'loaded'") == 0)
            try expectNothingStored(db)
            #expect(try db.sessions(of: db.loader) == 0)
            try Self.expectCompleteImport(db, arguments)
        }
    }
}

/// A PostgreSQL cluster of the test's own, run by Scripts/pg.sh with MIGSTAT_PG_DIR and
/// MIGSTAT_PG_PORT pointing to a temporary folder (socket only, no TCP).
final class PrivateCluster {
    let directory: String
    let port: String

    private init(directory: String, port: String) {
        self.directory = directory
        self.port = port
    }

    var server: TestServer {
        TestServer(host: directory + "/run", port: port, logPath: directory + "/server.log")
    }

    private var environment: [String: String] { ["MIGSTAT_PG_DIR": directory, "MIGSTAT_PG_PORT": port] }

    private func script(_ command: String) throws -> CommandResult {
        try CommandRunner.run(
            TestPaths.scriptsDirectory + "/pg.sh", [command], directory: directory,
            environment: environment)
    }

    static func start() throws -> PrivateCluster {
        guard getuid() == 0 else {
            throw IntegrationFailure("the server-restart test runs Scripts/pg.sh, which needs root (runuser postgres)")
        }
        let directory = try makeTemporaryDirectory("migstat-it-pg-")
        let cluster = PrivateCluster(directory: directory, port: String(Int.random(in: 20_000..<60_000)))
        let started = try cluster.script("start")
        guard started.status == 0 else {
            cluster.stop()
            throw IntegrationFailure("cannot start a private cluster: \(started)")
        }
        try cluster.server.checkReachable()
        return cluster
    }

    /// `Scripts/pg.sh restart`: an immediate stop (like a crash) and a start.
    func restart() throws -> CommandResult {
        try script("restart")
    }

    func stop() {
        if let stopped = try? script("stop"), stopped.status != 0 {
            Issue.record("cannot stop the private cluster in \(directory): \(stopped)")
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
