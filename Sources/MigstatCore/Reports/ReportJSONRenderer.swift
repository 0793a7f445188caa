/// The `json` format: an array with one object per cell, e.g.
/// `{"sex": "F", "age": "_T", "obs_value": 1026, "obs_status": "A", "conf_status": "F", "lower_bound": null,
/// "upper_bound": null}`; a withheld cell has `"obs_value": null, "conf_status": "C"`. Numbers are JSON numbers.
package enum ReportJSONRenderer {
    /// Renders `table` (one object per line); with `presentation.withLabels` (`--labels`), a member `DIM_label`
    /// follows each dimension's code.
    package static func render(_ table: ReportTable) -> String {
        ReportStream.render(table, stream(dimensions: table.dimensions,
                                          label: table.presentation.withLabels ? { table.label($0, $1) } : nil))
    }

    /// The format as header, one object per cell, footer (for `migstat report` to write as cells arrive).
    /// - Parameter label: the label of a code of a dimension; given, a label member follows each code.
    package static func stream(dimensions: [String], label: ((String, String) -> String)? = nil) -> ReportStream {
        ReportStream(header: "[", footer: { $0 == 0 ? "]\n" : "\n]\n" }) { cell, index in
            var fields: [String] = []
            for (dimension, code) in zip(dimensions, cell.codes) {
                fields.append("\(ReportEscape.json(dimension)): \(ReportEscape.json(code))")
                if let label {
                    fields.append("\(ReportEscape.json(dimension + "_label")): \(ReportEscape.json(label(dimension, code)))")
                }
            }
            fields.append("\"obs_value\": \(cell.isSuppressed ? "null" : cell.value.map(String.init) ?? "null")")
            fields.append("\"obs_status\": \(ReportEscape.json(cell.obsStatus))")
            fields.append("\"conf_status\": \(ReportEscape.json(cell.publishedConfStatus))")
            fields.append("\"lower_bound\": \(number(cell.lower))")
            fields.append("\"upper_bound\": \(number(cell.upper))")
            return (index == 0 ? "\n  {" : ",\n  {") + fields.joined(separator: ", ") + "}"
        }
    }

    /// A numeric as a JSON number; anything unexpected as a string (never invalid JSON).
    private static func number(_ text: String?) -> String {
        guard let text else { return "null" }
        return ReportEscape.isJSONNumber(text) ? text : ReportEscape.json(text)
    }
}
