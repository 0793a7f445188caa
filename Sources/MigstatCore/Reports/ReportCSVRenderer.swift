/// The `csv` format (RFC 4180, CRLF-free `\n` line ends): a header, then one row per cell with the dimension
/// codes, `obs_value` (empty when withheld), `obs_status`, `conf_status` (`F`, or `C` when withheld), `lower_bound`,
/// `upper_bound`.
package enum ReportCSVRenderer {
    /// The value columns after the dimension codes.
    package static let valueColumns = ["obs_value", "obs_status", "conf_status", "lower_bound", "upper_bound"]

    /// Renders `table`; with `presentation.withLabels` (`--labels`), a column `DIM_label` (the code's label in
    /// `presentation.language`) follows each dimension's code column.
    package static func render(_ table: ReportTable) -> String {
        ReportStream.render(table, stream(dimensions: table.dimensions,
                                          label: table.presentation.withLabels ? { table.label($0, $1) } : nil))
    }

    /// The format as header, one line per cell, footer (for `migstat report` to write as cells arrive).
    /// - Parameter label: the label of a code of a dimension; given, a label column follows each code column.
    package static func stream(dimensions: [String], label: ((String, String) -> String)? = nil) -> ReportStream {
        let names = label == nil ? dimensions : dimensions.flatMap { [$0, $0 + "_label"] }
        return ReportStream(header: (names + valueColumns).map(ReportEscape.csv).joined(separator: ",") + "\n") { cell, _ in
            // One string, appended in place (no arrays of fields per cell).
            var line = ""
            line.reserveCapacity(64)
            for (i, code) in cell.codes.enumerated() {
                line += ReportEscape.csv(code)
                line += ","
                if let label, i < dimensions.count {
                    line += ReportEscape.csv(label(dimensions[i], code))
                    line += ","
                }
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
