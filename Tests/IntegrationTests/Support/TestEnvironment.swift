import Foundation
import MigstatPQ
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failure of the test machinery itself (no server, no binary, a command that must succeed did not).
/// Thrown from a test it fails that test: integration tests never skip silently.
struct IntegrationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where things are: the repository, the migstat binary, the scripts.
enum TestPaths {
    /// The repository root, found from this file's path (Tests/IntegrationTests/Support/…).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var schemasDirectory: String { repositoryRoot + "/Schemas" }
    static var scriptsDirectory: String { repositoryRoot + "/Scripts" }

    /// `$MIGSTAT_BIN_DIR/migstat`, else `<repo>/.build/debug/migstat`.
    static func migstatBinary() throws -> String {
        let candidates: [String]
        if let dir = environment("MIGSTAT_BIN_DIR") {
            candidates = [dir + "/migstat"]
        } else {
            candidates = [repositoryRoot + "/.build/debug/migstat"]
        }
        for path in candidates where access(path, X_OK) == 0 {
            return path
        }
        throw IntegrationFailure(
            "migstat binary not found at \(candidates.joined(separator: ", ")): build it first "
                + "(swift build --build-tests) or set MIGSTAT_BIN_DIR to the folder holding it")
    }
}

/// The value of an environment variable, nil when unset or empty.
func environment(_ name: String) -> String? {
    guard let value = getenv(name).flatMap({ String(validatingCString: $0) }), !value.isEmpty else { return nil }
    return value
}

/// Whether the run demands a database (`MIGSTAT_REQUIRE_DB=1`, set by Scripts/test.sh).
var databaseRequired: Bool { environment("MIGSTAT_REQUIRE_DB") == "1" }

/// A PostgreSQL server the tests talk to, as a superuser. The default one is described by the PG*
/// variables (`Scripts/pg.sh env`); a private one (started by a test) by its socket folder and port.
struct TestServer: Sendable {
    /// Socket folder, or nil to let libpq use PGHOST.
    var host: String?
    /// Port, or nil to let libpq use PGPORT.
    var port: String?
    /// The server log file, when known.
    var logPath: String?

    /// The server of the PG* environment; fails (never skips) when it is not set or does not answer.
    static func fromEnvironment() throws -> TestServer {
        guard environment("PGHOST") != nil else {
            throw IntegrationFailure(
                (databaseRequired ? "MIGSTAT_REQUIRE_DB=1 but PGHOST is not set. " : "PGHOST is not set. ")
                    + "Run Scripts/test.sh, or: Scripts/pg.sh start; eval \"$(Scripts/pg.sh env)\"")
        }
        let server = TestServer(host: nil, port: nil, logPath: environment("MIGSTAT_PG_LOG"))
        try server.checkReachable()
        return server
    }

    /// Connects as the superuser and checks it is one.
    func checkReachable() throws {
        let connection: PQConnection
        do {
            connection = try PQConnection(conninfo: conninfo(database: "postgres", user: nil))
        } catch {
            throw IntegrationFailure("no PostgreSQL server answers (\(error)); start it with Scripts/pg.sh start")
        }
        let superuser = try connection.execute(sql: "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        guard superuser.rowCount == 1, try superuser.bool(0, 0) else {
            throw IntegrationFailure(
                "the PG* user is not a superuser; the integration tests need one (PGUSER=postgres)")
        }
    }

    /// A libpq keyword/value string: this server, the database and user given (nil: libpq defaults).
    func conninfo(database: String?, user: String?) -> String {
        var parts: [String] = []
        if let host { parts.append("host=" + quoteConninfo(host)) }
        if let port { parts.append("port=" + quoteConninfo(port)) }
        if let database { parts.append("dbname=" + quoteConninfo(database)) }
        if let user { parts.append("user=" + quoteConninfo(user)) }
        return parts.joined(separator: " ")
    }

    /// Environment overrides for client programs (pg_dump, psql) run against this server.
    var clientEnvironment: [String: String] {
        var env: [String: String] = [:]
        if let host { env["PGHOST"] = host }
        if let port { env["PGPORT"] = port }
        return env
    }
}

private func quoteConninfo(_ value: String) -> String {
    let safe = value.allSatisfy { $0.isLetter || $0.isNumber || "_-./".contains($0) }
    if safe && !value.isEmpty { return value }
    return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

/// A random lower-case name part (letters and digits), unique enough for one test run.
func randomToken(_ length: Int = 8) -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
}

/// A new private temporary folder.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    var base = NSTemporaryDirectory()
    while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
    var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
        guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
        return String(cString: result)
    }
    guard let made else { throw IntegrationFailure("mkdtemp failed for \(prefix)") }
    return made
}

/// Waits until `condition` is true, polling; returns false on timeout.
func waitUntil(timeout: Double, interval: Double = 0.2, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}

/// Today (UTC) shifted by `days`, as YYYY-MM-DD.
func utcDate(daysFromToday days: Int) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(byAdding: .day, value: days, to: Date())!
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
}
