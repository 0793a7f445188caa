/// The `table` format: aligned text for a terminal, one line per cell.
///
/// Codes are shown as they are (`_T` total, `_Z` not stated); a withheld cell's value is `x (C)`, whatever the
/// reason it is withheld; an estimate's is `1200 (E)` with its bounds in the last columns.
package enum ReportTextRenderer {
    /// The mark of a withheld cell.
    package static let withheldMark = "x (C)"

    /// Renders `table`, ending with a line count, a legend of the flags that occur and the table's disclosure
    /// note (perturbed, or declared).
    package static func render(_ table: ReportTable) -> String {
        let hasBounds = table.cells.contains { $0.lower != nil || $0.upper != nil }
        let names = table.dimensions + ["value"] + (hasBounds ? ["lower", "upper"] : [])
        let rows: [[String]] = table.cells.map { cell in
            cell.codes + [valueText(cell)] + (hasBounds ? [cell.lower ?? "", cell.upper ?? ""] : [])
        }
        var widths = names.map(\.count)
        for row in rows {
            for (i, text) in row.enumerated() { widths[i] = max(widths[i], text.count) }
        }
        let numeric = Set(table.dimensions.count..<names.count)
        func line(_ texts: [String]) -> String {
            var out = ""
            for (i, text) in texts.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - text.count)
                out += (i > 0 ? "  " : "") + (numeric.contains(i) ? pad + text : text + pad)
            }
            return out.trimmingTrailingSpaces() + "\n"
        }
        var out = line(names) + line(widths.map { String(repeating: "-", count: $0) })
        for row in rows { out += line(row) }
        out += "(\(rows.count) cell\(rows.count == 1 ? "" : "s"))\n"
        var legend: [String] = []
        if table.cells.contains(where: \.isSuppressed) { legend.append("\(withheldMark) withheld (confidential)") }
        if table.cells.contains(where: \.isEstimate) { legend.append("(E) estimate, not added into counted cells") }
        if !legend.isEmpty { out += legend.joined(separator: "; ") + "\n" }
        if let disclosure = table.disclosure { out += disclosure.note + "\n" }
        return out
    }

    /// `2803`, `x (C)`, `1200 (E)`.
    package static func valueText(_ cell: ReportCell) -> String {
        if cell.isSuppressed { return withheldMark }
        let value = cell.value.map(String.init) ?? ""
        return cell.isEstimate || cell.obsStatus == "E" ? "\(value) (E)" : value
    }
}

extension String {
    /// The string without trailing spaces.
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
