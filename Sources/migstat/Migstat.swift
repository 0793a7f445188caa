import ArgumentParser
import Logging

@main
struct Migstat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migstat",
        abstract: "Migration-flow statistics for the UN Committee on Migrant Workers, with privacy enforced by PostgreSQL.",
        discussion: """
            Connection: --dsn, or libpq's PG* environment variables and ~/.pgpass.
            Pseudonymisation keys: --key-dir or MIGSTAT_KEY_DIR (outside the database).
            Exit codes: 0 ok, 64 usage, 65 data rejected, 69 database unavailable, 70 internal,
            74 output cannot be written, 75 retry (serialization), 77 permission denied;
            1 a check failed (purge status, a purge's verification).
            """,
        version: "0.1.0",
        subcommands: [
            DBCommand.self, PurposeCommand.self, ImportCommand.self, BatchesCommand.self, ReportCommand.self,
            TablesCommand.self, ExtractCommand.self, CodesCommand.self, EstimatesCommand.self, CoverageCommand.self,
            AccessCommand.self, AuditCommand.self, ProfileCommand.self, PurgeCommand.self, KeysCommand.self,
        ]
    )

    /// Parses the arguments, bootstraps logging (stderr; `.debug` with `--verbose`, else `.notice`) and runs
    /// the command. The only place logging is bootstrapped.
    static func main() {
        do {
            var command = try parseAsRoot()
            let verbose = (command as? any DatabaseCommand)?.connection.verbose ?? false
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = verbose ? .debug : .notice
                return handler
            }
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
