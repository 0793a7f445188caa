import ArgumentParser
import MigstatCore
import MigstatPQ

struct EstimatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimates",
        abstract: "Estimates from studies and other sources (shown in reports flagged E, never added to counts).",
        subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CSV of estimates for a purpose (loaders of its compartment); all rows or none.",
            discussion: """
                Columns: period_from, period_to (YYYY-MM-DD), value and method are required; lower_bound,
                upper_bound and source_reference are optional; any other column is a dimension (direction,
                sex, age, nationality, country, region, reason, occupation, worker_category, ethnicity,
                migration_status, disability) whose empty cell means the total over it. Errors name the
                line and column, never a value.
                """)

        @Argument(help: "The estimates file (CSV).") var file: String
        @Option(help: "Where the estimates come from (a source name, e.g. survey-irr-2024).") var source: String
        @Option(help: "The purpose the estimates belong to.") var purpose: String
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Show the database's detail and hint with errors.") var verbose = false

        func run() throws {
            try ExitStatus.run(verbose: verbose) {
                let estimates = try EstimatesFile(path: file)
                let db = try connection.connect()
                let stored = try estimates.importRows(into: db, source: source, purpose: purpose)
                print("imported \(stored) estimate\(stored == 1 ? "" : "s") from \(file) "
                      + "(source \(source), purpose \(purpose))")
            }
        }
    }
}
