import ArgumentParser
import MigstatCore

struct ReportCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Disaggregated table with all margins and disclosure control, computed in PostgreSQL.",
        discussion: """
            Dimensions: \(dimensionList).
            Totals are _T, "not stated" is _Z. Cells 1..K-1 are suppressed (CONF_STATUS A) and enough
            others (D) that none can be recovered by subtraction; the database does it, so no role
            can obtain an unprotected small count by any path.
            Formats: table (terminal), csv and json (one row per cell), sdmx-csv (SDMX-CSV 2.0), html
            (one self-contained page with an age-sex pyramid or bar charts, for printing or sharing).
            """)

    /// The report dimensions of the catalogue, for the help.
    private static var dimensionList: String {
        DimensionCatalog.reportNames.map { $0 == "age" ? "age (banded)" : $0 }.joined(separator: ", ")
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
        case sdmxCSV = "sdmx-csv"
        case html

        var reportFormat: ReportFormat { ReportFormat(rawValue: rawValue)! }
    }

    @Option(help: "Comma-separated dimensions.") var by: String
    @Option(help: "DIM=CODE[,CODE...]; repeatable.") var filter: [String] = []
    @Option(help: "2024, 2024-Q1, 2024-01, 2024-01-15, or FROM..TO of those.") var period: String?
    @Option(help: "Unit of the period dimension: year, quarter or month.") var periodUnit: String = "year"
    @Option(help: "Age bands, e.g. 0-5,6-13,14,15,16,17,18-19,20-24,...,65+ (default: Eurostat 5-year bands).")
    var ageBands: String?
    @Option(help: "Suppression threshold K (can only be raised above the database's setting).") var threshold: Int?
    @Option(help: "records or persons (distinct pseudonymised persons).") var count: String = "records"
    @Option(help: "ISCO-08 level for occupation (1-4).") var occupationLevel: Int = 1
    @Flag(help: "Add estimates (OBS_STATUS E), never added into counted cells.") var withEstimates = false
    @Option(help: "Output format: table, csv, json, sdmx-csv or html.") var format: Format = .table
    @Option(help: "Write to this file instead of stdout.") var output: String?
    @OptionGroup var connection: ConnectionOptions

    var dimensions: [String] { by.split(separator: ",").map { String($0).trimmingSpaces().lowercased() } }

    func validate() throws {
        guard !dimensions.isEmpty else { throw ValidationError("--by needs at least one dimension") }
        guard ["records", "persons"].contains(count) else { throw ValidationError("--count is records or persons") }
        guard (1...4).contains(occupationLevel) else { throw ValidationError("--occupation-level is 1 to 4") }
        if let period { guard ReportPeriod(period) != nil else { throw ValidationError("bad --period \(period)") } }
        _ = try query()
    }

    /// The report's parameters.
    func query() throws -> ReportQuery {
        var query = ReportQuery(
            dimensions: dimensions, period: period.flatMap(ReportPeriod.init),
            periodUnit: dimensions.contains("period") ? periodUnit : nil, ageBands: ageBands, threshold: threshold,
            count: ReportQuery.CountMode(rawValue: count) ?? .records, occupationLevel: occupationLevel,
            withEstimates: withEstimates)
        do {
            for argument in filter { try query.addFilter(argument) }
        } catch let error as MigstatError {
            throw ValidationError(error.message)
        }
        return query
    }

    func run(in session: CommandSession) throws {
        let query = try query()
        let store = ReportStore(connection: try session.database())
        guard let stream = format.reportFormat.stream(dimensions: query.resultDimensions) else {
            // table and html look at the whole table first (column widths, charts).
            try write(format.reportFormat.render(try store.table(for: query)))
            return
        }
        // csv, json, sdmx-csv: written cell by cell as the database sends them.
        // The header goes out with the first cell (or at the end): a refused report writes nothing.
        let sink = OutputSink(path: output)
        var index = 0
        try store.stream(query) { cell in
            if index == 0 { try sink.write(stream.header) }
            try sink.write(stream.cell(cell, index))
            index += 1
        }
        if index == 0 { try sink.write(stream.header) }
        try sink.write(stream.footer(index))
        try sink.close()
    }

    /// Writes `text` to `--output` (created or truncated) or stdout.
    func write(_ text: String) throws {
        let sink = OutputSink(path: output)
        try sink.write(text)
        try sink.close()
    }
}
