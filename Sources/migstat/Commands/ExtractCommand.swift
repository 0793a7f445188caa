import ArgumentParser
import MigstatCore
import MigstatPQ

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Audited extract of record-level data of one purpose (stewards of that compartment).",
        discussion: """
            The only way to record-level data. The database checks the compartment (and the
            special-category clearance for ethnicity, disability, migration_status), requires a
            reason, and writes an audit row with who, purpose, reason, columns, filters and row count
            in the same transaction.
            """)

    @Option(help: "The purpose (compartment).") var purpose: String
    @Option(help: "Why the records are needed (recorded in the audit log).") var reason: String
    @Option(help: "Comma-separated columns (default: all non-special-category columns).") var columns: String?
    @Option(help: "DIM=CODE[,CODE...], or event_date_from=/event_date_to=/age_from=/age_to=; repeatable.")
    var filter: [String] = []
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try ExitStatus.run(verbose: output.verbose) {
            let db = try connection.connect()
            let columnList = columns.map { pgArray($0.split(separator: ",").map { String($0).trimmingSpaces() }) }
            let result = try db.execute(
                "SELECT * FROM migstat.extract($1, $2, $3::text[], $4::jsonb)",
                [purpose, reason, columnList, try FilterArgument.json(filter, listValued: true)])
            let keep: [Int]
            if let columns {
                let wanted = Set(columns.split(separator: ",").map { String($0).trimmingSpaces() })
                keep = result.columnNames.indices.filter { wanted.contains(result.columnNames[$0]) }
            } else {
                keep = Array(result.columnNames.indices)
            }
            let rows = (0..<result.rowCount).map { row in keep.map { result[row, $0] } }
            ResultPrinter.print(names: keep.map { result.columnNames[$0] }, rows: rows, format: output.format)
        }
    }
}

/// `--filter DIM=A,B` arguments as a JSON object ({"dim": ["A","B"]}); range keys keep a scalar.
enum FilterArgument {
    static func json(_ filters: [String], listValued: Bool) throws -> String {
        var parts: [String] = []
        for filter in filters {
            guard let eq = filter.firstIndex(of: "="), eq != filter.startIndex else {
                throw ValidationError("--filter takes DIM=CODE[,CODE...]")
            }
            let key = String(filter[..<eq]).trimmingSpaces()
            let value = String(filter[filter.index(after: eq)...])
            let scalar = key.hasSuffix("_from") || key.hasSuffix("_to")
            if scalar {
                parts.append("\(ReportEscape.json(key)): \(Int(value).map(String.init) ?? ReportEscape.json(value))")
            } else {
                let codes = value.split(separator: ",").map { ReportEscape.json(String($0).trimmingSpaces()) }
                parts.append("\(ReportEscape.json(key)): [\(codes.joined(separator: ", "))]")
            }
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
