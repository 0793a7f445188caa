import ArgumentParser
import MigstatCore

struct EstimatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimates",
        abstract: "Estimates from studies and other sources (shown in reports flagged E, never added to counts).",
        subcommands: [Import.self])

    struct Import: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CSV of estimates for a purpose (loaders of its compartment); all rows or none.",
            discussion: """
                Columns: \(EstimatesFile.required.joined(separator: ", ")) are required \
                (period_from and period_to as YYYY-MM-DD); \(EstimatesFile.optional.joined(separator: ", ")) \
                are optional; any other column is a dimension (\(EstimatesFile.dimensions.joined(separator: ", "))) \
                whose empty cell means the total over it. Errors name the line and column, never a value.
                """)

        @Argument(help: "The estimates file (CSV).") var file: String
        @Option(help: "Where the estimates come from (a source name, e.g. survey-irr-2024).") var source: String
        @Option(help: "The purpose the estimates belong to.") var purpose: String
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let estimates = try EstimatesFile(path: file)
            let stored = try EstimateStore(connection: session.database())
                .store(estimates, source: source, purpose: purpose)
            print("imported \(stored) estimate\(stored == 1 ? "" : "s") from \(file) "
                  + "(source \(source), purpose \(purpose))")
        }
    }
}
