import ArgumentParser
import MigstatCore

struct ExtractCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Audited extract of record-level data of one purpose (stewards of that compartment).",
        discussion: """
            The only way to record-level data. The database checks the compartment (and the \
            special-category clearance for \(specialCategories)), requires a reason, and writes an audit \
            row with who, purpose, reason, columns, filters and row count in the same transaction. \
            Columns: \(ExtractStore.columns.joined(separator: ", ")).

            Example:
              migstat extract --purpose labour_2024 --filter sex=_U \\
                --reason \"quality check of the border batch\" --columns record_id,sex
            """)

    private static var specialCategories: String {
        DimensionCatalog.record.filter(\.isSpecialCategory).map(\.name).joined(separator: ", ")
    }

    @Option(help: "The purpose (compartment).") var purpose: String
    @Option(help: "Why the records are needed (recorded in the audit log).") var reason: String
    @Option(help: "Comma-separated columns (default: all non-special-category columns).") var columns: String?
    @Option(help: "DIM=CODE[,CODE...], or event_date_from=/event_date_to=/age_from=/age_to=; repeatable.")
    var filter: [String] = []
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    /// The requested columns, as given.
    var columnList: [String]? { columns.map { $0.split(separator: ",").map { String($0).trimmingSpaces() } } }

    func validate() throws {
        _ = try request()
    }

    /// The extract's parameters.
    func request() throws -> ExtractRequest {
        var request = ExtractRequest(purpose: purpose, reason: reason, columns: columnList)
        do {
            for argument in filter { try request.addFilter(argument) }
        } catch let error as MigstatError {
            throw ValidationError(error.message)
        }
        return request
    }

    func run(in session: CommandSession) throws {
        let records = try ExtractStore(connection: session.database()).extract(try request())
        let shown = columnList.map { wanted in ExtractStore.columns.filter(Set(wanted).contains) } ?? ExtractStore.columns
        ResultPrinter.print(TextTable(records: records, columns: shown), format: output.format)
    }
}
