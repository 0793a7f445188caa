import ArgumentParser
import Foundation
import Logging

@main
struct Migstat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migstat",
        abstract: "Migration-flow statistics for the UN Committee on Migrant Workers, with privacy enforced by PostgreSQL.",
        discussion: """
            Connection: --dsn, or libpq's PG* environment variables and ~/.pgpass (for the demo's database: \
            eval "$(Scripts/pg.sh env --demo)"). Pseudonymisation keys: --key-dir or MIGSTAT_KEY_DIR (outside \
            the database).

            Exit codes: 0 ok, 1 a check failed (purge status, a purge's verification), 64 the command line is \
            wrong, 65 refused (the input, or the database refused the request), 69 database unavailable, 70 \
            internal error, 74 an output cannot be written, 75 temporary (run again), 77 permission denied. \
            Errors say what was typed, what is allowed and, for a missing role, the access grant that gives it.

            Examples:
              migstat report --by sex,age --period 2024 --dsn user=demo_analyst
              migstat import border-2024.csv --source border --purpose labour_2024
              migstat report --help
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
            let code = exitCode(for: error)
            guard code != .success, !(error is ExitCode) else { exit(withError: error) }  // --help, --version
            printError(restyled(fullMessage(for: error)))
            exit(withError: ExitCode(code.rawValue))
        }
    }

    /// ArgumentParser's message in migstat's one style: `error: …` and indented `usage:`, `hint:` lines.
    static func restyled(_ message: String) -> String {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return "error: invalid command line" }
        lines[0] = lines[0].hasPrefix("Error: ") ? String(lines[0].dropFirst(7)) : lines[0]
        // "The value 'xml' is invalid for '--format <format>'. Please provide one of the following:" and the
        // values as "- x" lines (or inline: "one of 'a', 'b' and 'c'."): the value typed, and what is allowed.
        if lines[0].hasPrefix("The value '"), let invalid = lines[0].range(of: "' is invalid for '") {
            let value = lines[0][lines[0].index(lines[0].startIndex, offsetBy: 11)..<invalid.lowerBound]
            let option = lines[0][invalid.upperBound...].prefix { $0 != " " && $0 != "'" }
            var allowed = lines.dropFirst().compactMap { line -> String? in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix("- ") ? String(t.dropFirst(2)) : nil
            }
            if allowed.isEmpty, let inline = lines[0].range(of: "Please provide one of ") {
                allowed = lines[0][inline.upperBound...].split(separator: "'", omittingEmptySubsequences: false).enumerated()
                    .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            }
            lines[0] = "unknown value \"\(value)\" in \(option)" + (allowed.isEmpty ? "" : "; allowed: "
                + allowed.joined(separator: ", "))
            lines = [lines[0]] + lines.dropFirst().filter {
                let t = $0.trimmingCharacters(in: .whitespaces)
                return !t.hasPrefix("- ") && !t.hasPrefix("Help: ")
            }
        }
        lines[0] = "error: " + lines[0]
        for i in lines.indices.dropFirst() {
            var line = lines[i].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Usage: ") { line = "usage: " + line.dropFirst(7) }
            else if line.hasPrefix("Help: ") { line = "help: " + line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
            else if line.hasPrefix("See '") { line = "hint: see" + line.dropFirst(3) }
            lines[i] = "  " + line
        }
        return lines.joined(separator: "\n")
    }
}
