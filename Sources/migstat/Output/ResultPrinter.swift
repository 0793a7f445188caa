import MigstatCore

/// Prints a list as an aligned table, CSV or JSON (to stdout: data only).
enum ResultPrinter {
    private static func emit(_ line: String) {
        Swift.print(line)
    }

    /// Prints `table` in `format`.
    static func print(_ table: TextTable, format: OutputOptions.Format) {
        print(names: table.names, rows: table.rows, format: format)
    }

    /// Prints rows of text values (nil: NULL, empty in a table or CSV, `null` in JSON) under `names`.
    static func print(names: [String], rows: [[String?]], format: OutputOptions.Format) {
        switch format {
        case .csv:
            emit(names.map(ReportEscape.csv).joined(separator: ","))
            for row in rows { emit(row.map { ReportEscape.csv($0 ?? "") }.joined(separator: ",")) }
        case .json:
            let objects = rows.map { row in
                "{" + zip(names, row).map { "\(ReportEscape.json($0)): \($1.map(ReportEscape.json) ?? "null")" }
                    .joined(separator: ", ") + "}"
            }
            emit("[" + objects.joined(separator: ",\n ") + "]")
        case .table:
            var widths = names.map(\.count)
            for row in rows {
                for (i, cell) in row.enumerated() { widths[i] = max(widths[i], (cell ?? "").count) }
            }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                    .joined(separator: "  ").trimmingTrailingSpaces()
            }
            emit(line(names))
            emit(line(widths.map { String(repeating: "-", count: $0) }))
            for row in rows { emit(line(row.map { $0 ?? "" })) }
            emit("(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
