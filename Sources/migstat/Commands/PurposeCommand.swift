import ArgumentParser
import MigstatCore
import MigstatPQ

struct PurposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purpose", abstract: "Declare and list statistical purposes (compartments).",
        subcommands: [Add.self, List.self], defaultSubcommand: List.self)

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a purpose with its retention rule (administrators).")
        @Argument(help: "Name: a-z first, then a-z, 0-9, _ (at most 30).") var name: String
        @Option(help: "What the data is collected for.") var description: String
        @Option(help: "Date (YYYY-MM-DD) after which its record-level data is purged, or a duration from today (\"5 years\").")
        var retainUntil: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !description.trimmingSpaces().isEmpty else { throw ValidationError("--description must not be empty") }
        }

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                let result = try db.execute(
                    "SELECT name, description, retain_until, retention_rule, key_id FROM migstat.purpose_add($1, $2, $3)",
                    [name, description, retainUntil])
                ResultPrinter.print(result, format: output.format)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List purposes with their retention rules.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                let result = try db.execute("""
                    SELECT p.name, p.description, p.retain_until, p.retention_rule, p.status, p.created_at::date AS created,
                           (SELECT count(*) FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status = 'loaded') AS batches
                      FROM migstat.purpose p ORDER BY p.name
                    """)
                ResultPrinter.print(result, format: output.format)
            }
        }
    }
}
