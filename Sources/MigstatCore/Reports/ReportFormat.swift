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
}
