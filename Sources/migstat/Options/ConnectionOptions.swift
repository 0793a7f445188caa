import ArgumentParser
import MigstatPQ

/// How to reach the database, and how much to say when something goes wrong: every command that connects
/// takes these (`DatabaseCommand`).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "libpq connection string or postgresql:// URI. Empty: libpq's PG* environment variables and ~/.pgpass.",
        valueName: "conninfo"))
    var dsn: String = ""

    @Flag(help: "Show the database's detail and hint with errors, and debug logs (timings, row counts) on stderr.")
    var verbose = false

    /// Opens the connection.
    func connect() throws -> PQConnection {
        try PQConnection(conninfo: dsn)
    }
}

/// How to print results.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @Option(help: "Output format.")
    var format: Format = .table
}
