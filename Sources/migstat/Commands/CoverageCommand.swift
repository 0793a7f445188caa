import ArgumentParser
import MigstatCore

struct CoverageCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "How many records state each dimension of the Committee's paragraph 20(a), per source and year.",
        discussion: """
            Dimensions: \(DimensionCatalog.record.filter(\.isParagraph20).map(\.name).joined(separator: ", ")). \
            The table is a matrix: one row per dimension, one column per source and year, the share of \
            records that state a value (not NULL and not an explicit unknown code) in percent, or "not sent" \
            when no batch of the source and year had the column (a column sent but empty reads 0.0%). csv and \
            json: one row per source, year and dimension with records, stated, share (stated / records) and \
            sent (yes, no, partly, unknown). Counts are perturbed by the cell-key method in the database, as \
            in reports.

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
        if output.format == .table {
            print(CoverageMatrix.render(rows, dimensions: DimensionCatalog.record.filter(\.isParagraph20).map(\.name)),
                  terminator: "")
        } else {
            ResultPrinter.print(TextTable(coverage: rows), format: output.format)
        }
    }
}
