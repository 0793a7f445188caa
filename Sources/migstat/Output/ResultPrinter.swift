import Foundation
import MigstatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints a list as an aligned table, CSV or JSON (to stdout: data only).
///
/// JSON is typed: a column of counts or ids (`numberColumns`) is written as numbers, a yes/no column
/// (`booleanColumns`, PostgreSQL's `t`/`f`) as booleans, a column holding JSON text (`jsonColumns`) as the
/// object itself; NULL is `null`. A value that does not have its column's type stays a string (never invalid
/// JSON).
///
/// The table fits the terminal (`terminalWidth`: $COLUMNS, else the terminal's width, else 100): hashes and
/// fingerprints are cut to 12 characters, times to the minute, then the widest text columns are cut with `…`
/// until the table fits. `--wide` (`OutputOptions.wide`) prints every value whole. CSV and JSON always have every
/// value whole.
enum ResultPrinter {
    /// Columns written as JSON numbers.
    static let numberColumns: Set<String> = [
        "id", "rows", "rows_read", "accepted", "rejected", "records_removed", "seq", "position", "batch", "codes",
        "records", "stated", "share", "run", "batches", "loaded_batches", "seconds", "cells", "nonzero", "withheld",
        "withheld_interior", "withheld_value", "total", "value", "lower_bound", "upper_bound", "estimates",
        "days_left", "version", "versions", "bytes", "replaced_version", "rows_to_drop", "check_removed",
        "records_percent", "percent", "read",
    ]
    /// Columns written as JSON booleans (`t`/`f`, `true`/`false`, `yes`/`no`).
    static let booleanColumns: Set<String> = ["active", "stale", "ok", "current", "unchanged", "is_estimate",
                                              "dry_run"]
    /// Columns that hold JSON text, written as the JSON value itself.
    static let jsonColumns: Set<String> = ["details", "filters", "filters_json", "parameters"]
    /// Columns cut to 12 characters in a table (hashes, fingerprints).
    static let hashColumns: Set<String> = ["sha256", "fingerprint", "key_fingerprint"]
    /// Columns that may be cut with `…` when the table is too wide, most expendable first.
    static let cuttableColumns = ["details", "description", "file_name", "title", "withdraw_reason", "close_reason",
                                  "filters", "path", "label", "imported_by", "declared_by", "released_by",
                                  "withdrawn_by", "tables", "tables_to_drop", "declared_tables_kept", "age_bands"]

    /// Columns left out of a table too wide for the terminal, first left out first (named under the table).
    static let droppableColumns = ["withdraw_reason", "withdrawn_by", "withdrawn_at", "purge_verified_at",
                                   "purged_at", "close_reason", "closed_at", "retired_at", "declared_by",
                                   "imported_by", "released_by", "application", "client_addr", "os_user_reported",
                                   "period_unit", "age_bands", "title"]

    /// `--wide` was given: tables print every value whole (set while the options are parsed).
    nonisolated(unsafe) static var wide = false

    private static func emit(_ line: String) {
        Swift.print(line)
    }

    /// The width tables fit: $COLUMNS, else the terminal's width when stdout is one, else 100.
    static var terminalWidth: Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return 100
    }

    /// Prints `table` in `format`.
    static func print(_ table: TextTable, format: OutputOptions.Format) {
        if format == .table, table.isRecord {
            for line in self.table(names: table.names, rows: table.rows, width: wide ? nil : terminalWidth,
                                   record: true) { emit(line) }
            return
        }
        print(names: table.names, rows: table.rows, format: format)
    }

    /// Prints rows of text values (nil: NULL, empty in a table or CSV, `null` in JSON) under `names`.
    static func print(names: [String], rows: [[String?]], format: OutputOptions.Format) {
        switch format {
        case .csv:
            emit(names.map(ReportEscape.csv).joined(separator: ","))
            for row in rows { emit(row.map { ReportEscape.csv($0 ?? "") }.joined(separator: ",")) }
        case .json:
            emit(json(names: names, rows: rows))
        case .table:
            for line in table(names: names, rows: rows, width: wide ? nil : terminalWidth) { emit(line) }
        }
    }

    /// The rows as a JSON array of objects, typed by column (see the type's description).
    static func json(names: [String], rows: [[String?]]) -> String {
        let objects = rows.map { row in
            "{" + zip(names, row).map { "\(ReportEscape.json($0)): \(jsonValue(column: $0, $1))" }
                .joined(separator: ", ") + "}"
        }
        return "[" + objects.joined(separator: ",\n ") + "]"
    }

    /// One value as JSON for its column.
    static func jsonValue(column: String, _ value: String?) -> String {
        guard let value else { return "null" }
        if numberColumns.contains(column), ReportEscape.isJSONNumber(value) { return value }
        if booleanColumns.contains(column) {
            switch value {
            case "t", "true", "yes": return "true"
            case "f", "false", "no": return "false"
            default: break
            }
        }
        if jsonColumns.contains(column), let first = value.first, first == "{" || first == "[",
           (try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])) != nil {
            return value
        }
        return ReportEscape.json(value)
    }

    /// The lines of an aligned table; `width` nil: every value whole.
    /// - Parameter record: the rows are one record (`batches show`): one line per field when too wide.
    static func table(names: [String], rows: [[String?]], width: Int?, record: Bool = false) -> [String] {
        var rows = rows.map { $0.map { $0 ?? "" } }
        if width != nil {
            for (c, name) in names.enumerated() {
                if hashColumns.contains(name) {
                    for r in rows.indices where rows[r][c].count > 12 { rows[r][c] = String(rows[r][c].prefix(12)) }
                } else if name == "at" || name == "created" || name.hasSuffix("_at") {
                    for r in rows.indices { rows[r][c] = shortTime(rows[r][c]) }
                }
            }
        }
        var names = names
        var widths = names.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func total() -> Int { widths.reduce(0, +) + 2 * max(widths.count - 1, 0) }
        // One record too wide for a line: one line per field.
        if let width, record, rows.count == 1, total() > width {
            let nameWidth = names.map(\.count).max() ?? 0
            return zip(names, rows[0]).map { name, value in
                (name + String(repeating: " ", count: nameWidth - name.count) + "  " + value).trimmingTrailingSpaces()
            }
        }
        var leftOut: [String] = []
        if let width {
            // Leave out the least needed columns while the table is too wide (they are named under it).
            for name in droppableColumns where total() > width {
                guard let c = names.firstIndex(of: name) else { continue }
                leftOut.append(name)
                names.remove(at: c)
                widths.remove(at: c)
                for r in rows.indices { rows[r].remove(at: c) }
            }
        }
        if let width {
            // Cut the expendable columns, one character at a time from the widest, down to 12 characters.
            let cuttable = cuttableColumns.compactMap { names.firstIndex(of: $0) }
            while total() > width {
                guard let c = cuttable.filter({ widths[$0] > max(12, names[$0].count) })
                    .max(by: { widths[$0] < widths[$1] }) else { break }
                widths[c] -= 1
            }
            for r in rows.indices {
                for c in cuttable where rows[r][c].count > widths[c] {
                    rows[r][c] = String(rows[r][c].prefix(widths[c] - 1)) + "…"
                }
            }
        }
        // Counts are right-aligned.
        let right = names.map { numberColumns.contains($0) }
        func line(_ cells: [String]) -> String {
            zip(cells, zip(widths, right)).map { text, format in
                let fill = String(repeating: " ", count: max(0, format.0 - text.count))
                return format.1 ? fill + text : text + fill
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var lines = [line(names), line(widths.map { String(repeating: "-", count: $0) })]
        for row in rows { lines.append(line(row)) }
        lines.append("(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
        if !leftOut.isEmpty { lines.append("(left out to fit: \(leftOut.joined(separator: ", ")); --wide shows them)") }
        return lines
    }

    /// `2026-12-02 05:55:14.123+00` → `2026-12-02 05:55` (PostgreSQL's timestamptz text); other text unchanged.
    static func shortTime(_ text: String) -> String {
        let chars = Array(text)
        guard chars.count >= 16, chars[4] == "-", chars[7] == "-", chars[10] == " " || chars[10] == "T",
              chars[13] == ":" else { return text }
        return String(chars[0..<16])
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
