/// An output format of `migstat report`.
package enum ReportFormat: String, Sendable, CaseIterable {
    /// Aligned text (`ReportTextRenderer`).
    case table
    /// CSV, one row per cell (`ReportCSVRenderer`).
    case csv
    /// JSON, one object per cell (`ReportJSONRenderer`).
    case json
    /// SDMX-CSV 2.0 (`ReportSDMXRenderer`).
    case sdmxCSV = "sdmx-csv"
    /// One self-contained HTML page with charts (`ReportHTMLRenderer`).
    case html

    /// Renders `table` in this format.
    package func render(_ table: ReportTable) -> String {
        switch self {
        case .table: ReportTextRenderer.render(table)
        case .csv: ReportCSVRenderer.render(table)
        case .json: ReportJSONRenderer.render(table)
        case .sdmxCSV: ReportSDMXRenderer.render(table)
        case .html: ReportHTMLRenderer.render(table)
        }
    }

    /// The format as a stream of text (header, one piece per cell, footer) for formats that need no
    /// look at the whole table first (csv, json, sdmx-csv); nil for table and html, which do.
    package func stream(dimensions: [String]) -> ReportStream? {
        switch self {
        case .csv: ReportCSVRenderer.stream(dimensions: dimensions)
        case .json: ReportJSONRenderer.stream(dimensions: dimensions)
        case .sdmxCSV: ReportSDMXRenderer.stream(dimensions: dimensions)
        case .table, .html: nil
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

    /// Creates a stream format.
    package init(header: String, footer: @escaping (Int) -> String = { _ in "" },
                 cell: @escaping (ReportCell, Int) -> String) {
        self.header = header
        self.cell = cell
        self.footer = footer
    }

    /// The whole text of `table` in this format.
    package static func render(_ table: ReportTable, _ stream: ReportStream) -> String {
        var out = stream.header
        for (index, cell) in table.cells.enumerated() { out += stream.cell(cell, index) }
        return out + stream.footer(table.cells.count)
    }
}
