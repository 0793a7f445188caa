import ArgumentParser
import Foundation
import MigstatPQ

/// How to reach the database, and how much to say when something goes wrong: every command that connects
/// takes these (`DatabaseCommand`).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "libpq connection string or postgresql:// URI. Empty: libpq's PG* environment variables and ~/.pgpass.",
        valueName: "conninfo"))
    var dsn: String = ""

    @Flag(help: "Add the SQLSTATE to error messages, and debug logs (timings, row counts) on stderr.")
    var verbose = false

    /// Opens the connection, and tells the server the OS user running migstat (setting `migstat.os_user`,
    /// recorded in audit entries as reported by the client) and, unless the DSN named one, the application.
    func connect() throws -> PQConnection {
        let connection = try PQConnection(conninfo: dsn)
        let osUser = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? ""
        _ = try connection.execute(sql: """
            SELECT set_config('migstat.os_user', $1, false),
                   CASE WHEN current_setting('application_name') = '' THEN set_config('application_name', 'migstat', false) END
            """, [osUser])
        return connection
    }
}

/// How to print results.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @Option(help: "Output format.")
    var format: Format = .table

    @Flag(help: "Tables: every value whole (full hashes and times, no cut text); by default a table fits $COLUMNS (else 100).")
    var wide = false

    func validate() throws {
        ResultPrinter.wide = wide
    }
}
