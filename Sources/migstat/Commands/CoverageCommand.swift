import ArgumentParser
import MigstatCore
import MigstatPQ

struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "How many records state each dimension of the Committee's paragraph 20(a), per source and year.",
        discussion: """
            records: records of the source and year; stated: how many state a value (not NULL and not an
            explicit unknown code); share = stated / records. Counts below the threshold are suppressed
            (empty) by the database.
            """)

    @Option(help: "2024, 2024-Q1, 2024-01, 2024-01-15, or FROM..TO of those.") var period: String?
    @Option(help: "Only this source.") var source: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let period { guard ReportPeriod(period) != nil else { throw ValidationError("bad --period \(period)") } }
    }

    func run() throws {
        try ExitStatus.run(verbose: output.verbose) {
            let range = period.flatMap(ReportPeriod.init)
            let db = try connection.connect()
            let result = try db.execute(
                """
                SELECT source, period, dimension, records, stated, share
                  FROM migstat.coverage($1::date, $2::date, $3)
                """,
                [range?.from, range?.to, source])
            ResultPrinter.print(result, format: output.format)
        }
    }
}
