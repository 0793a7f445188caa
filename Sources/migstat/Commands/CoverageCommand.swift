import ArgumentParser
import MigstatCore

struct CoverageCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "How many records state each dimension of the Committee's paragraph 20(a), per source and year.",
        discussion: """
            Dimensions: \(DimensionCatalog.record.filter(\.isParagraph20).map(\.name).joined(separator: ", ")). \
            records: records of the source and year; stated: how many state a value (not NULL and not an \
            explicit unknown code); share = stated / records. Counts below the threshold are suppressed \
            (empty) by the database.

            Example:
              migstat coverage --period 2024 --source border
            """)

    @Option(help: "2024, 2024-Q1, 2024-01, 2024-01-15, or FROM..TO of those.") var period: String?
    @Option(help: "Only this source.") var source: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let period { guard ReportPeriod(period) != nil else { throw ValidationError("bad --period \(period)") } }
    }

    func run(in session: CommandSession) throws {
        let rows = try CoverageStore(connection: session.database())
            .coverage(period: period.flatMap(ReportPeriod.init), source: source)
        ResultPrinter.print(TextTable(coverage: rows), format: output.format)
    }
}
