/// An output format of `migstat report`.
package enum ReportFormat: String, Sendable, CaseIterable {
    /// Aligned text (`ReportTextRenderer`).
    case table
    /// CSV, one row per cell (`ReportCSVRenderer`).
    case csv
    /// JSON, one object per cell (`ReportJSONRenderer`).
    case json
    /// SDMX-CSV 2.0 of the shipped dataflow (`ReportSDMXRenderer`, `Schemas/sdmx/`).
    case sdmxCSV = "sdmx-csv"
    /// One self-contained HTML page with charts (`ReportHTMLRenderer`).
    case html
    /// An Excel workbook: the table's sheet and a metadata sheet (`ReportXLSXRenderer`, libxlsxwriter).
    case xlsx

    /// Whether the format is a binary file (written only to `--output`), not text.
    package var isBinary: Bool { self == .xlsx }

    /// Renders `table` in this text format.
    /// - Parameter sdmx: the dataflow and key parameters for `sdmx-csv` (required for it).
    /// - Throws: `MigstatError` `invalidArgument` for `sdmx-csv` without a context or with one it refuses
    ///   (`SDMXContext.check`), and for `xlsx` (binary: `ReportXLSXRenderer.write`).
    package func render(_ table: ReportTable, sdmx: SDMXContext? = nil) throws -> String {
        switch self {
        case .table: return ReportTextRenderer.render(table)
        case .csv: return ReportCSVRenderer.render(table)
        case .json: return ReportJSONRenderer.render(table)
        case .sdmxCSV:
            guard let sdmx else { throw MigstatError(.invalidArgument, "sdmx-csv needs the dataflow and period") }
            return try ReportSDMXRenderer.render(table, context: sdmx)
        case .html: return ReportHTMLRenderer.render(table)
        case .xlsx: throw MigstatError(.invalidArgument, "xlsx is a binary format: give --output FILE.xlsx")
        }
    }

    /// The format as a stream of text (header, one piece per cell, footer) for formats that need no
    /// look at the whole table first (csv, json, sdmx-csv); nil for table, html and xlsx, which do.
    /// - Parameters:
    ///   - sdmx: the dataflow and key parameters for `sdmx-csv` (nil: the stream is nil).
    ///   - label: csv and json: the label of a dimension's code (`--labels`); given, a label column follows
    ///     each code column (the labels are read before the report, so the table is still streamed).
    package func stream(dimensions: [String], sdmx: SDMXContext? = nil,
                        label: ((String, String) -> String)? = nil) -> ReportStream? {
        switch self {
        case .csv: ReportCSVRenderer.stream(dimensions: dimensions, label: label)
        case .json: ReportJSONRenderer.stream(dimensions: dimensions, label: label)
        case .sdmxCSV: sdmx.map { ReportSDMXRenderer.stream(dimensions: dimensions, context: $0) }
        case .table, .html, .xlsx: nil
        }
    }
}

/// A format that can be written cell by cell, as the cells arrive from the database: memory stays
/// flat however large the table.
package struct ReportStream {
    /// Written before the first cell.
    package let header: String
    /// The text of one cell; the second argument is the cell's index (0 for the first).
    package let cell: (ReportCell, Int) -> String
    /// Written after the last cell, given the number of cells.
    package let footer: (Int) -> String
    /// Called before `cell` for each cell: throws when the cell cannot be written (e.g. an SDMX key repeated).
    package let check: (ReportCell) throws -> Void

    /// Creates a stream format.
    package init(header: String, footer: @escaping (Int) -> String = { _ in "" },
                 check: @escaping (ReportCell) throws -> Void = { _ in },
                 cell: @escaping (ReportCell, Int) -> String) {
        self.header = header
        self.cell = cell
        self.footer = footer
        self.check = check
    }

    /// The whole text of `table` in this format (without `check`: for formats whose check does nothing).
    package static func render(_ table: ReportTable, _ stream: ReportStream) -> String {
        var out = stream.header
        for (index, cell) in table.cells.enumerated() { out += stream.cell(cell, index) }
        return out + stream.footer(table.cells.count)
    }
}
