import ArgumentParser
import MigstatCore
import MigstatPQ
import Foundation

struct ReportCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A disaggregated table with all margins and disclosure control, computed in PostgreSQL.",
        discussion: """
            Two kinds of table, and only these two.

            --by DIMS: a flexible table, with any dimensions, filters, period and age bands within the \
            database's bounds. Every cell, margins included, is perturbed by the cell-key method: each value \
            is within 3 of the true count, and no 1s or 2s are published (Docs/PTABLE.md); the same records \
            give the same value in every table. A table outside the bounds is refused with the reason and a hint.

            --table NAME --purpose P: a declared table of the purpose's output programme (migstat tables), \
            with exact counts. Cells are withheld (CONF_STATUS C) jointly over every declared table of the \
            purpose, so that no small count can be read or derived from any of them.

            Dimensions: \(dimensionList). Totals are _T, "not stated" is _Z. The database does the counting \
            and the protecting, so no role obtains an unprotected small count by any path.

            Formats: table (terminal), csv and json (one row per cell), sdmx-csv (SDMX-CSV 2.0 of the dataflow \
            in Schemas/sdmx/: every dimension in every row, "not stated" as _U; needs --period or a period \
            dimension), html (one self-contained page with an age-sex pyramid or bar charts, for printing or \
            sharing), xlsx (an Excel workbook with the table and a metadata sheet; needs --output).

            Examples:
              migstat report --by sex,age --period 2024
              migstat report --by nationality,sex --filter direction=IN --format csv
              migstat report --table sex_age --purpose labour_2024 --format html \\
                --output sex-age.html
            """)

    /// The report dimensions of the catalogue, for the help.
    private static var dimensionList: String {
        DimensionCatalog.reportNames.map { $0 == "age" ? "age (banded)" : $0 }.joined(separator: ", ")
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
        case sdmxCSV = "sdmx-csv"
        case html, xlsx

        var reportFormat: ReportFormat { ReportFormat(rawValue: rawValue)! }
    }

    @Option(help: "Comma-separated dimensions of a flexible (perturbed) table.") var by: String?
    @Option(help: "Run this declared table of --purpose (exact counts; see migstat tables list); with --format xlsx also A,B,... or all (a sheet each).") var table: String?
    @Option(help: "The purpose whose declared table --table is.") var purpose: String?
    @Option(help: "DIM=CODE[,CODE...]; repeatable (flexible tables).") var filter: [String] = []
    @Option(help: "2024, 2024-Q1, 2024-01, or FROM..TO of those (flexible tables).") var period: String?
    @Option(help: "Unit of the period dimension: year, quarter or month (flexible tables; default year).")
    var periodUnit: String?
    @Option(help: "Age bands, e.g. 0-14,15-17,18-24,...,65+ (flexible tables; default: Eurostat 5-year bands).")
    var ageBands: String?
    @Option(help: "records or persons (distinct pseudonymised persons; flexible tables).") var count: String?
    @Option(help: "ISCO-08 level for occupation (1-4; flexible tables).") var occupationLevel: Int?
    @Flag(help: "Add estimates (OBS_STATUS E), never added into counted cells (flexible tables).")
    var withEstimates = false
    @Option(help: "Output format: table, csv, json, sdmx-csv, html or xlsx.") var format: Format = .table
    @Option(help: "Write to this file instead of stdout (required for xlsx).") var output: String?
    @Option(help: "SDMX agency of the dataflow (sdmx-csv; default $MIGSTAT_SDMX_AGENCY, else MIGSTAT).")
    var sdmxAgency: String?
    @Option(help: "SDMX dataflow id (sdmx-csv; default $MIGSTAT_SDMX_DATAFLOW, else MIGRATION_FLOWS).")
    var sdmxDataflow: String?
    @Option(help: "SDMX dataflow version (sdmx-csv; default 1.0).") var sdmxVersion: String?
    @OptionGroup var presentation: ReportPresentationOptions
    @OptionGroup var connection: ConnectionOptions

    var dimensions: [String] {
        (by ?? "").split(separator: ",").map { String($0).trimmingSpaces().lowercased() }
    }

    /// The flexible-table options given on the command line (refused with --table).
    var flexibleOptions: [String] {
        var given: [String] = []
        if !filter.isEmpty { given.append("--filter") }
        if period != nil { given.append("--period") }
        if periodUnit != nil { given.append("--period-unit") }
        if ageBands != nil { given.append("--age-bands") }
        if count != nil { given.append("--count") }
        if occupationLevel != nil { given.append("--occupation-level") }
        if withEstimates { given.append("--with-estimates") }
        return given
    }

    func validate() throws {
        if format == .xlsx && output == nil { throw ValidationError("--format xlsx needs --output FILE.xlsx") }
        switch (by, table) {
        case (nil, nil): throw ValidationError("give --by DIMS (a flexible table) or --table NAME --purpose P")
        case (.some, .some): throw ValidationError("--by and --table exclude each other")
        case (nil, .some(let table)):
            guard purpose != nil else { throw ValidationError("--table needs --purpose") }
            if Self.namesSeveralTables(table) && format != .xlsx {
                throw ValidationError("--table \(table) names several tables: that is for --format xlsx (one sheet each)")
            }
            if let option = flexibleOptions.first {
                throw ValidationError("\(option) is for flexible tables (--by); a declared table has its own")
            }
        case (.some, nil):
            guard purpose == nil else { throw ValidationError("--purpose goes with --table") }
            guard !dimensions.isEmpty else { throw ValidationError("--by needs at least one dimension") }
            if let count { guard ["records", "persons"].contains(count) else {
                throw ValidationError("--count is records or persons")
            } }
            if let occupationLevel { guard (1...4).contains(occupationLevel) else {
                throw ValidationError("--occupation-level is 1 to 4")
            } }
            if let period { guard ReportPeriod(period) != nil else {
                throw ValidationError("unknown period \"\(period)\" in --period; allowed: 2024, 2024-Q1, 2024-01, "
                                      + "or FROM..TO of those (2024-01..2024-06)")
            } }
            let known = DimensionCatalog.reportNames
            if let unknown = dimensions.first(where: { !known.contains($0) }) {
                throw ValidationError("unknown dimension \"\(unknown)\" in --by; allowed: \(known.joined(separator: ", "))")
            }
            let query = try query()
            let filterable = known.filter { $0 != "period" }
            if let unknown = query.filters.keys.sorted().first(where: { !filterable.contains($0) }) {
                throw ValidationError("unknown dimension \"\(unknown)\" in --filter; allowed: "
                                      + filterable.joined(separator: ", ") + " (the period: --period)")
            }
            do {
                try presentation.check(dimensions: query.resultDimensions)
            } catch let error as MigstatError {
                throw ValidationError(error.message)
            }
        }
    }

    /// The parameters of the flexible table.
    func query() throws -> ReportQuery {
        var query = ReportQuery(
            dimensions: dimensions, period: period.flatMap(ReportPeriod.init),
            periodUnit: dimensions.contains("period") ? periodUnit ?? "year" : nil,
            ageBands: ageBands, count: count.flatMap(ReportQuery.CountMode.init(rawValue:)) ?? .records,
            occupationLevel: occupationLevel ?? 1, withEstimates: withEstimates)
        do {
            for argument in filter { try query.addFilter(argument) }
        } catch let error as MigstatError {
            throw ValidationError(error.message)
        }
        return query
    }

    func run(in session: CommandSession) throws {
        let connection = try session.database()
        let store = ReportStore(connection: connection)
        if let table, let purpose {
            if format == .xlsx, let output, Self.namesSeveralTables(table) {
                try writeWorkbook(purpose: purpose, tables: table, connection: connection, to: output)
                return
            }
            guard let declared = try DeclaredTableStore(connection: connection).table(purpose: purpose, name: table)
            else {
                throw MigstatError(.notFound, "purpose \(purpose) has no declared table \(table) "
                                       + "(migstat tables list --purpose \(purpose))")
            }
            // A purged purpose's declared tables are preserved: say so (the records are gone).
            let purged = try connection.execute(
                "SELECT purged_at::date::text FROM migstat.purpose WHERE name = \(purpose) AND status = 'purged'")
            var preserved: String?
            if purged.rowCount > 0 {
                let day = try purged.string(0, 0)
                preserved = "purpose \(purpose) was purged on \(day): its records are gone; this table is preserved "
                    + "from its last release"
            }
            if let preserved { printError("preserved: " + preserved) }
            let note = preserved
            let sdmx = format == .sdmxCSV ? sdmxContext(declared: declared) : nil
            try sdmx?.check(dimensions: declared.resultDimensions)
            try presentation.check(dimensions: declared.resultDimensions)
            try emit(dimensions: declared.resultDimensions, connection: connection, sdmx: sdmx,
                     whole: {
                         var whole = try store.table(declared: declared)
                         if let note { whole.parameters.append(.init("Preserved", note)) }
                         return whole
                     },
                     stream: { try store.stream(declared: declared, cell: $0) })
        } else {
            let query = try query()
            let sdmx = format == .sdmxCSV ? sdmxContext(query: query) : nil
            try sdmx?.check(dimensions: query.resultDimensions)
            // The database says which estimates it left out (bands, period, level): a NOTICE, shown as a
            // parameter of a whole table and on stderr.
            let notes = EstimateNotes()
            connection.noticeHandler = { notes.receive($0) }
            defer { connection.noticeHandler = nil }
            try emit(dimensions: query.resultDimensions, connection: connection, sdmx: sdmx,
                     whole: { var whole = try store.table(for: query)
                              whole.parameters += notes.lines.map { .init("Estimates left out", $0) }
                              return whole },
                     stream: { try store.stream(query, cell: $0) })
            for line in notes.lines { printError("note: estimates left out: " + line) }
        }
    }

    /// Writes the table in `--format`: table and html are built whole (column widths, charts); csv, json and
    /// sdmx-csv are written cell by cell as the database sends them, the header with the first cell (or at the
    /// end), so a refused report writes nothing.
    private func emit(dimensions: [String], connection: PQConnection, sdmx: SDMXContext?,
                      whole wholeTable: () throws -> ReportTable,
                      stream run: ((ReportCell) throws -> Void) throws -> Int) throws {
        // --rows/--cols/--labels/--lang, and the terminal's width.
        func whole() throws -> ReportTable {
            var table = try wholeTable()
            presentation.apply(to: &table, connection: connection)
            return table
        }
        if format.reportFormat.isBinary, let output {
            try ReportXLSXRenderer.write([try whole()], to: output)
            return
        }
        let streamsLabels = format.reportFormat == .csv || format.reportFormat == .json
        let label = streamsLabels ? try presentation.labeler(dimensions: dimensions, connection: connection) : nil
        guard let stream = format.reportFormat.stream(dimensions: dimensions, sdmx: sdmx, label: label) else {
            let text = try format.reportFormat.render(try whole(), sdmx: sdmx)
            let sink = OutputSink(path: output)
            try sink.write(text)
            try sink.close()
            return
        }
        let sink = OutputSink(path: output)
        var index = 0
        _ = try run { cell in
            try stream.check(cell)
            if index == 0 { try sink.write(stream.header) }
            try sink.write(stream.cell(cell, index))
            index += 1
        }
        if index == 0 { try sink.write(stream.header) }
        try sink.write(stream.footer(index))
        try sink.close()
    }
}

extension ReportCommand {
    /// The SDMX agency, dataflow and version: the options, else `MIGSTAT_SDMX_AGENCY` / `MIGSTAT_SDMX_DATAFLOW`,
    /// else the shipped structure's (`Schemas/sdmx/`, `Scripts/make-sdmx-structure.py`).
    private var sdmxIDs: (agency: String, dataflow: String, version: String) {
        func env(_ name: String) -> String? {
            ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        return (sdmxAgency ?? env("MIGSTAT_SDMX_AGENCY") ?? SDMXContext.defaultAgency,
                sdmxDataflow ?? env("MIGSTAT_SDMX_DATAFLOW") ?? SDMXContext.defaultDataflow,
                sdmxVersion ?? SDMXContext.defaultVersion)
    }

    /// Whether `--table` names several declared tables (`A,B` or `all`): one workbook, a sheet per table.
    static func namesSeveralTables(_ table: String) -> Bool { table == "all" || table.contains(",") }

    /// Writes the declared tables `tables` (`A,B,...` or `all`, the purpose's active tables) of `purpose` to one
    /// workbook, a sheet per table and a metadata sheet.
    func writeWorkbook(purpose: String, tables: String, connection: PQConnection, to output: String) throws {
        let declared = try DeclaredTableStore(connection: connection).list(purpose: purpose).filter { $0.retiredAt == nil }
        let names = tables == "all" ? declared.map(\.name)
            : tables.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        let store = ReportStore(connection: connection)
        var whole: [ReportTable] = []
        for name in names {
            guard let table = declared.first(where: { $0.name == name }) else {
                throw MigstatError(.notFound, "purpose \(purpose) has no declared table \(name) "
                                       + "(migstat tables list --purpose \(purpose))")
            }
            whole.append(try store.table(declared: table))
        }
        guard !whole.isEmpty else {
            throw MigstatError(.notFound, "purpose \(purpose) has no declared tables (migstat tables list --purpose \(purpose))")
        }
        try ReportXLSXRenderer.write(whole, to: output)
    }

    func sdmxContext(query: ReportQuery) -> SDMXContext {
        let ids = sdmxIDs
        return SDMXContext(query: query, agency: ids.agency, dataflow: ids.dataflow, version: ids.version)
    }

    func sdmxContext(declared: DeclaredTable) -> SDMXContext {
        let ids = sdmxIDs
        return SDMXContext(declared: declared, agency: ids.agency, dataflow: ids.dataflow, version: ids.version)
    }
}
