/// The `table` format: a cross-table for a terminal.
///
/// The row dimensions go down the side (code, then label), one dimension goes across the top (codes, with their
/// labels under them), totals (`_T`) are the first row and column. A withheld cell is `x` (CONF_STATUS C,
/// whatever the reason it is withheld), a missing combination `-`. Estimates (OBS_STATUS E) are listed after the
/// table with their bounds, never inside it. The table fits `presentation.width` by wrapping groups of columns,
/// each group repeating the row headers. The table ends with a legend of the marks that occur, the table's
/// disclosure note (perturbed, or declared) and, for a purged purpose's declared table, that it is preserved.
///
/// Layout (`layout(of:)`): `presentation.rows` / `presentation.columns` when given (a dimension in neither is
/// shown at its total); otherwise, among the dimensions with at most `maxColumns` categories, the last of sex,
/// direction, migration status and disability goes across the top (else the last small one that is not age or
/// period), the others down the side in their order (age bands in order, totals first).
package enum ReportTextRenderer {
    /// The mark of a withheld cell.
    package static let withheldMark = "x"
    /// The mark of a combination the table has no cell for.
    package static let missingMark = "-"
    /// The most categories (with `_T`) a dimension may have to go across the top by default.
    package static let maxColumns = 8
    /// Dimensions that go across the top by default when small enough (the last of them given).
    package static let preferredColumns: Set<String> = ["sex", "direction", "migration_status", "disability"]
    /// The widest a row label may be before it is cut with `…`.
    package static let maxRowLabel = 34
    /// The widest a column label line may be (longer labels wrap over up to three lines).
    package static let maxColumnLabel = 14

    /// Where each dimension goes: indexes into `table.dimensions`.
    package struct Layout: Equatable, Sendable {
        /// Down the side, outermost first.
        package var rows: [Int]
        /// Across the top; nil: one value column.
        package var column: Int?
        /// Shown at their total (`_T`).
        package var fixed: [Int]
    }

    /// Checks `--rows` / `--cols` against the report's dimensions before the report runs.
    /// - Returns: nil when fine, else a message naming what was typed and what is allowed.
    package static func layoutProblem(dimensions: [String], rows: [String]?, columns: String?) -> String? {
        let allowed = dimensions.isEmpty ? "none (the report has no dimensions)" : dimensions.joined(separator: ", ")
        for name in (rows ?? []) + (columns.map { [$0] } ?? []) where !dimensions.contains(name) {
            return "\(rows?.contains(name) == true ? "--rows" : "--cols") \(name) is not a dimension of this report; "
                + "allowed: \(allowed)"
        }
        if let rows {
            if Set(rows).count != rows.count { return "--rows names a dimension twice: \(rows.joined(separator: ","))" }
            if let columns, rows.contains(columns) { return "\(columns) is in both --rows and --cols" }
            if columns == nil, dimensions.filter({ !rows.contains($0) }).count > 1 {
                return "--rows \(rows.joined(separator: ",")) leaves "
                    + dimensions.filter { !rows.contains($0) }.joined(separator: ", ")
                    + " unplaced: give one of them as --cols (and the others in --rows, or they are shown at their total)"
            }
        }
        return nil
    }

    /// The layout of `table` (see the type's description). Names not in the table are ignored (checked earlier
    /// by `layoutProblem`).
    package static func layout(of table: ReportTable) -> Layout {
        let dims = table.dimensions
        let p = table.presentation
        let index = { (name: String) in dims.firstIndex(of: name) }
        if p.rows != nil || p.columns != nil {
            var rows = (p.rows ?? []).compactMap(index)
            var column = p.columns.flatMap(index)
            let placed = Set(rows + (column.map { [$0] } ?? []))
            let rest = dims.indices.filter { !placed.contains($0) }
            if p.rows == nil {
                rows = rest
            } else if column == nil, rest.count == 1 {
                column = rest[0]
            }
            let placedNow = Set(rows + (column.map { [$0] } ?? []))
            return Layout(rows: rows, column: column, fixed: dims.indices.filter { !placedNow.contains($0) })
        }
        guard dims.count >= 2 else { return Layout(rows: Array(dims.indices), column: nil, fixed: []) }
        let counts = dims.indices.map { table.categories($0).count }
        let small = dims.indices.filter { counts[$0] <= maxColumns }
        let column = small.last { preferredColumns.contains(dims[$0]) }
            ?? small.last { dims[$0] != "age" && dims[$0] != "period" }
            ?? small.last
            ?? dims.indices.min { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 > $1 }!
        return Layout(rows: dims.indices.filter { $0 != column }, column: column, fixed: [])
    }

    /// Renders `table`: title, parameters, the cross-table, estimates, legend and notes.
    package static func render(_ table: ReportTable) -> String {
        let dims = table.dimensions
        let layout = layout(of: table)
        let width = max(40, table.presentation.width)
        let counted = table.countedByCodes()

        var out = table.title + "\n"
        for parameter in table.parameters where parameter.name != "Preserved" {
            out += wrap(table.text(parameter.name) + ": " + table.text(parameter.value), width: width, indent: 2) + "\n"
        }
        if !layout.fixed.isEmpty {
            out += wrap(table.text("Shown at their total") + ": "
                        + layout.fixed.map { table.dimensionName(dims[$0]) }.joined(separator: ", "),
                        width: width, indent: 2) + "\n"
        }
        out += "\n"

        // Row keys: the categories of the row dimensions that occur with every fixed dimension at its total,
        // in category order (totals first, not stated last).
        let order = dims.indices.map { i in
            Dictionary(uniqueKeysWithValues: table.categories(i).enumerated().map { ($1, $0) })
        }
        let columnCodes = layout.column.map { table.categories($0) } ?? [""]
        var keys: Set<[String]> = []
        for cell in table.counted where layout.fixed.allSatisfy({ cell.codes[$0] == ReportLabels.total }) {
            keys.insert(layout.rows.map { cell.codes[$0] })
        }
        let rowKeys = keys.sorted { a, b in
            for (position, i) in layout.rows.enumerated() where a[position] != b[position] {
                return order[i][a[position]] ?? Int.max < order[i][b[position]] ?? Int.max
            }
            return false
        }
        func cell(_ key: [String], _ columnCode: String) -> ReportCell? {
            var codes = [String](repeating: ReportLabels.total, count: dims.count)
            for (position, i) in layout.rows.enumerated() { codes[i] = key[position] }
            if let column = layout.column { codes[column] = columnCode }
            return counted[codes]
        }

        // Row header: per row dimension a code column and, unless every label is the code, a label column.
        struct HeaderPart { var texts: [String]; var title: String; var width: Int }
        var parts: [HeaderPart] = []
        for (position, i) in layout.rows.enumerated() {
            var previous: [String]? = nil
            var codes: [String] = []
            var labels: [String] = []
            for key in rowKeys {
                // An outer dimension's code is shown on the first row of its group only.
                let outer = Array(key[...position])
                let repeated = position < layout.rows.count - 1 && previous == outer
                previous = outer
                codes.append(repeated ? "" : key[position])
                labels.append(repeated ? "" : cut(table.label(dims[i], key[position]), maxRowLabel))
            }
            let name = table.dimensionName(dims[i])
            let needsLabels = zip(codes, labels).contains { $0 != $1 }
            if needsLabels {
                parts.append(HeaderPart(texts: codes, title: name, width: codes.map(\.count).max() ?? 0))
                parts.append(HeaderPart(texts: labels, title: "", width: labels.map(\.count).max() ?? 0))
            } else {
                parts.append(HeaderPart(texts: codes, title: name, width: codes.map(\.count).max() ?? 0))
            }
        }
        // A dimension name wider than its code column spills over the label column.
        var i = 0
        while i < parts.count {
            let span = i + 1 < parts.count && parts[i + 1].title.isEmpty ? 2 : 1
            let room = span == 2 ? parts[i].width + 2 + parts[i + 1].width : parts[i].width
            if parts[i].title.count > room { parts[i + span - 1].width += parts[i].title.count - room }
            i += span
        }
        if parts.isEmpty { parts = [HeaderPart(texts: rowKeys.map { _ in table.text("Total") }, title: "", width: 0)] }
        for p in parts.indices { parts[p].width = max(parts[p].width, parts[p].texts.map(\.count).max() ?? 0) }

        // Value columns: code line, label lines (wrapped), values.
        struct ValueColumn { var code: String; var label: [String]; var values: [String]; var width: Int }
        var columns: [ValueColumn] = columnCodes.map { code in
            let values = rowKeys.map { valueText(cell($0, code)) }
            guard let column = layout.column else {
                let title = table.text("Value")
                return ValueColumn(code: title, label: [], values: values,
                                   width: max(title.count, values.map(\.count).max() ?? 0))
            }
            let label = table.label(dims[column], code)
            let valueWidth = max(code.count, values.map(\.count).max() ?? 0, 5)
            let lines = label == code ? [] : wrapWords(label, width: max(valueWidth, min(label.count, maxColumnLabel)),
                                                       maxLines: 3)
            return ValueColumn(code: code, label: lines, values: values,
                               width: max(valueWidth, lines.map(\.count).max() ?? 0))
        }
        let labelLines = columns.map(\.label.count).max() ?? 0
        for c in columns.indices {
            columns[c].label += Array(repeating: "", count: labelLines - columns[c].label.count)
        }

        // Groups of columns that fit the width, each with the row header.
        let headerWidth = parts.reduce(0) { $0 + $1.width } + 2 * max(parts.count - 1, 0)
        var groups: [[Int]] = [[]]
        var used = headerWidth
        for (c, column) in columns.enumerated() {
            if !groups[groups.count - 1].isEmpty && used + 2 + column.width > width {
                groups.append([])
                used = headerWidth
            }
            groups[groups.count - 1].append(c)
            used += 2 + column.width
        }

        func pad(_ text: String, _ width: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
        func line(_ header: [String], _ values: [String], _ group: [Int], titles: Bool = false) -> String {
            var text = ""
            var p = 0
            while p < parts.count {
                // A dimension's name spans its code and label columns.
                let span = titles && p + 1 < parts.count && parts[p + 1].title.isEmpty && !parts[p].title.isEmpty ? 2 : 1
                let room = span == 2 ? parts[p].width + 2 + parts[p + 1].width : parts[p].width
                text += (p > 0 ? "  " : "") + pad(header[p], room, right: false)
                p += span
            }
            for (value, c) in zip(values, group) { text += "  " + pad(value, columns[c].width, right: true) }
            return text.trimmingTrailingSpaces() + "\n"
        }
        let blank = parts.map { _ in "" }
        for (g, group) in groups.enumerated() {
            if groups.count > 1 {
                let range = group.count == 1 ? "\(group[0] + 1)" : "\(group[0] + 1)\u{2013}\(group.last! + 1)"
                out += "(" + table.text(group.count == 1 ? "column" : "columns") + " \(range) "
                    + table.text("of") + " \(columns.count))\n"
            }
            if let column = layout.column {
                var head = pad("", headerWidth, right: false)
                head += "  " + table.dimensionName(dims[column])
                out += head.trimmingTrailingSpaces() + "\n"
            }
            out += line(parts.map(\.title), group.map { columns[$0].code }, group, titles: true)
            // As many label lines as this group's longest label needs.
            let groupLines = group.map { c in columns[c].label.lastIndex { !$0.isEmpty }.map { $0 + 1 } ?? 0 }.max() ?? 0
            for l in 0..<min(labelLines, groupLines) { out += line(blank, group.map { columns[$0].label[l] }, group) }
            out += line(parts.map { String(repeating: "-", count: $0.width) },
                        group.map { String(repeating: "-", count: columns[$0].width) }, group)
            for (r, _) in rowKeys.enumerated() {
                out += line(parts.map { $0.texts[r] }, group.map { columns[$0].values[r] }, group)
            }
            if rowKeys.isEmpty { out += table.text("No cells.") + "\n" }
            if g < groups.count - 1 { out += "\n" }
        }
        out += "(\(table.counted.count) " + table.text(table.counted.count == 1 ? "cell" : "cells") + ")\n"

        let estimates = table.estimates
        if !estimates.isEmpty {
            out += "\n" + table.text("Estimates (OBS_STATUS E), not added into counted cells") + "\n"
            let names = dims.map { table.dimensionName($0) }
                + [table.text("Estimate"), table.text("Lower"), table.text("Upper")]
            let rows = estimates.map { e in
                e.codes + [(e.value.map(String.init) ?? "") + " E", e.lower ?? "", e.upper ?? ""]
            }
            var widths = names.map(\.count)
            for row in rows { for (k, text) in row.enumerated() { widths[k] = max(widths[k], text.count) } }
            func estimateLine(_ texts: [String]) -> String {
                texts.enumerated().map { k, text in pad(text, widths[k], right: k >= dims.count) }
                    .joined(separator: "  ").trimmingTrailingSpaces() + "\n"
            }
            out += estimateLine(names) + estimateLine(widths.map { String(repeating: "-", count: $0) })
            for row in rows { out += estimateLine(row) }
        }

        out += "\n" + legend(table, hasMissing: columns.contains { $0.values.contains(missingMark) })
        return out
    }

    /// The legend: every mark that occurs, the disclosure note, and the preserved note.
    static func legend(_ table: ReportTable, hasMissing: Bool) -> String {
        var lines: [(String, String)] = []
        if table.cells.contains(where: \.isSuppressed) {
            lines.append((withheldMark, table.text("withheld (confidential, CONF_STATUS C)")))
        }
        if hasMissing { lines.append((missingMark, table.text("no cell for this combination"))) }
        if !table.estimates.isEmpty {
            lines.append(("E", table.text("estimate (OBS_STATUS E), listed separately, never added into counted cells")))
        }
        lines.append((ReportLabels.total, table.text("total (first row and column)")))
        let width = max(40, table.presentation.width)
        var out = table.text("Legend") + ":\n"
        for (mark, text) in lines {
            out += "  " + mark + String(repeating: " ", count: 4 - mark.count)
                + wrap(text, width: width - 6, indent: 0).replacing("\n", with: "\n      ") + "\n"
        }
        if let note = table.disclosureNote { out += wrap(note, width: max(40, table.presentation.width), indent: 0) + "\n" }
        if let preserved = table.parameters.first(where: { $0.name == "Preserved" }) {
            out += wrap(table.text("Preserved") + ": " + preserved.value, width: max(40, table.presentation.width),
                        indent: 2) + "\n"
        }
        return out
    }

    /// `2803`, `x` (withheld), `-` (no cell).
    package static func valueText(_ cell: ReportCell?) -> String {
        guard let cell else { return missingMark }
        if cell.isSuppressed { return withheldMark }
        let value = cell.value.map(String.init) ?? ""
        return cell.isEstimate || cell.obsStatus == "E" ? "\(value) E" : value
    }

    /// `text` cut to `limit` characters with `…`.
    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "\u{2026}"
    }

    /// `text` in lines of at most `width` characters at spaces, at most `maxLines` (the last cut with `…`).
    static func wrapWords(_ text: String, width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] = cut(lines[maxLines - 1] + " …", width)
        }
        return lines.map { cut($0, width) }
    }

    /// A paragraph wrapped at `width`, continuation lines indented by `indent` spaces.
    static func wrap(_ text: String, width: Int, indent: Int) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let limit = lines.isEmpty ? width : width - indent
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.enumerated().map { $0 == 0 ? $1 : String(repeating: " ", count: indent) + $1 }
            .joined(separator: "\n")
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
