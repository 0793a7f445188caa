/// The `csv` format (RFC 4180, CRLF-free `\n` line ends): a header, then one row per cell with the dimension
/// codes, `obs_value` (empty when withheld), `obs_status`, `conf_status` (`F`, or `C` when withheld), `lower_bound`,
/// `upper_bound`.
package enum ReportCSVRenderer {
    /// The value columns after the dimension codes.
    package static let valueColumns = ["obs_value", "obs_status", "conf_status", "lower_bound", "upper_bound"]

    /// Renders `table`.
    package static func render(_ table: ReportTable) -> String {
        ReportStream.render(table, stream(dimensions: table.dimensions))
    }

    /// The format as header, one line per cell, footer (for `migstat report` to write as cells arrive).
    package static func stream(dimensions: [String]) -> ReportStream {
        ReportStream(header: (dimensions + valueColumns).map(ReportEscape.csv).joined(separator: ",") + "\n") { cell, _ in
            // One string, appended in place (no arrays of fields per cell).
            var line = ""
            line.reserveCapacity(64)
            for code in cell.codes {
                line += ReportEscape.csv(code)
                line += ","
            }
            if !cell.isSuppressed, let value = cell.value { line += String(value) }
            line += ","
            line += ReportEscape.csv(cell.obsStatus)
            line += ","
            line += cell.publishedConfStatus
            line += ","
            if let lower = cell.lower { line += ReportEscape.csv(lower) }
            line += ","
            if let upper = cell.upper { line += ReportEscape.csv(upper) }
            line += "\n"
            return line
        }
    }
}
