internal import CXLSXWriter
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The `xlsx` format: an Excel workbook written by libxlsxwriter (Debian `libxlsxwriter-dev`, a maintained C
/// library that writes Office Open XML; no hand-made ZIP or XML here).
///
/// Sheets: one per table (named after the declared table, else `Table`, then `Table 2`, …), and `Metadata`.
/// A table sheet has the columns of `--format csv` (the dimension codes, `obs_value`, `obs_status`,
/// `conf_status`, `lower_bound`, `upper_bound`: values and bounds as numbers, a withheld value as an empty cell),
/// then a label column per dimension (`DIM_label`) and `flag`: `x` for a withheld cell (CONF_STATUS C), `E` for
/// an estimate, empty otherwise. Withheld cells and estimates also carry a cell note on their `obs_value`.
/// The metadata sheet has the title, every parameter (period, filters, bands, count, generated), how the values
/// were protected (perturbation or suppression), the legend of the flags and the source.
package enum ReportXLSXRenderer {
    /// The most data rows a sheet can hold (Excel: 1,048,576 rows, one of them the header).
    package static let maxRows = 1_048_575

    /// The flag of a cell: `x` withheld, `E` estimate, empty otherwise.
    package static func flag(_ cell: ReportCell) -> String {
        cell.isSuppressed ? "x" : cell.isEstimate || cell.obsStatus == "E" ? "E" : ""
    }

    /// The header of a table's sheet.
    package static func header(_ table: ReportTable) -> [String] {
        table.dimensions + ReportCSVRenderer.valueColumns + table.dimensions.map { $0 + "_label" } + ["flag"]
    }

    /// Writes `tables` to the workbook `path` (replaced if it exists): as `PATH.partial`, renamed to `PATH` when
    /// complete, so `PATH` never holds half a workbook.
    /// - Throws: `MigstatError` `invalidArgument` when a table has more rows than a sheet holds, `writeFailed`
    ///   when the file cannot be written (libxlsxwriter's reason, with the path).
    package static func write(_ tables: [ReportTable], to path: String) throws {
        for table in tables where table.cells.count > maxRows {
            throw MigstatError(.invalidArgument, "xlsx: the table has \(table.cells.count) cells, more than the "
                + "\(maxRows) rows of an Excel sheet", hint: "use --format csv or sdmx-csv, or fewer dimensions")
        }
        let partial = path + ".partial"
        guard let workbook = workbook_new(partial) else {
            throw MigstatError(.writeFailed, "xlsx: cannot create \(path)")
        }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        let wrap = workbook_add_format(workbook)
        format_set_text_wrap(wrap)
        format_set_align(wrap, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))

        var used: Set<String> = ["Metadata"]
        for (number, table) in tables.enumerated() {
            var name = sheetName(declaredName(table) ?? "Table")
            if used.contains(name) { name = sheetName("Table \(number + 1)") }
            used.insert(name)
            guard let sheet = workbook_add_worksheet(workbook, name) else {
                workbook_close(workbook)
                unlink(partial)
                throw MigstatError(.writeFailed, "xlsx: cannot add the sheet \(name)")
            }
            writeTable(table, sheet: sheet, bold: bold)
        }
        if let sheet = workbook_add_worksheet(workbook, "Metadata") {
            writeMetadata(tables, sheet: sheet, bold: bold, wrap: wrap)
        }
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else {
            unlink(partial)
            let reason = lxw_strerror(status).map { String(cString: $0) } ?? "error \(status.rawValue)"
            throw MigstatError(.writeFailed, "xlsx: cannot write \(path): \(reason)")
        }
        guard rename(partial, path) == 0 else {
            unlink(partial)
            throw MigstatError(.writeFailed, "xlsx: cannot rename \(partial) to \(path)")
        }
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
    package static func sheetName(_ text: String) -> String {
        let cleaned = String(text.map { "[]:*?/\\".contains($0) ? "_" : $0 })
        let trimmed = String(cleaned.prefix(31))
        return trimmed.isEmpty ? "Table" : trimmed
    }

    /// The declared table's name from its parameters (`name (purpose P)`), if any.
    private static func declaredName(_ table: ReportTable) -> String? {
        if case .declared(_, let name) = table.disclosure { return name }
        return nil
    }

    private static func writeTable(_ table: ReportTable, sheet: UnsafeMutablePointer<lxw_worksheet>,
                                   bold: UnsafeMutablePointer<lxw_format>?) {
        let header = header(table)
        for (column, name) in header.enumerated() {
            worksheet_write_string(sheet, 0, lxw_col_t(column), name, bold)
        }
        worksheet_freeze_panes(sheet, 1, 0)
        let d = table.dimensions.count
        worksheet_set_column(sheet, 0, lxw_col_t(max(d - 1, 0)), 12, nil)
        worksheet_set_column(sheet, lxw_col_t(d + 5), lxw_col_t(d + 5 + max(d - 1, 0)), 24, nil)
        for (index, cell) in table.cells.enumerated() {
            let row = lxw_row_t(index + 1)
            var column: lxw_col_t = 0
            func string(_ text: String) {
                if !text.isEmpty { worksheet_write_string(sheet, row, column, text, nil) }
                column += 1
            }
            func number(_ text: String?) {
                if let text, let value = Double(text) {
                    worksheet_write_number(sheet, row, column, value, nil)
                } else if let text, !text.isEmpty {
                    worksheet_write_string(sheet, row, column, text, nil)
                }
                column += 1
            }
            for code in cell.codes { string(code) }
            let valueColumn = column
            number(cell.isSuppressed ? nil : cell.value.map(String.init))
            string(cell.obsStatus)
            string(cell.publishedConfStatus)
            number(cell.lower)
            number(cell.upper)
            for (i, code) in cell.codes.enumerated() where i < d { string(table.label(table.dimensions[i], code)) }
            string(flag(cell))
            if cell.isSuppressed {
                worksheet_write_comment(sheet, row, valueColumn, "x: withheld (CONF_STATUS C) so that no small count "
                                            + "can be read or derived")
            } else if cell.isEstimate || cell.obsStatus == "E" {
                var note = "E: estimate (OBS_STATUS E), not included in the counted cells"
                if let lower = cell.lower, let upper = cell.upper { note += "; bounds \(lower) to \(upper)" }
                worksheet_write_comment(sheet, row, valueColumn, note)
            }
        }
    }

    private static func writeMetadata(_ tables: [ReportTable], sheet: UnsafeMutablePointer<lxw_worksheet>,
                                      bold: UnsafeMutablePointer<lxw_format>?, wrap: UnsafeMutablePointer<lxw_format>?) {
        worksheet_set_column(sheet, 0, 0, 24, nil)
        worksheet_set_column(sheet, 1, 1, 100, wrap)
        var row: lxw_row_t = 0
        func line(_ name: String, _ value: String, _ format: UnsafeMutablePointer<lxw_format>? = nil) {
            worksheet_write_string(sheet, row, 0, name, format ?? bold)
            if !value.isEmpty { worksheet_write_string(sheet, row, 1, value, nil) }
            row += 1
        }
        for table in tables {
            line("Title", table.title)
            for parameter in table.parameters { line(parameter.name, parameter.value) }
            if let note = table.disclosure?.note { line("Protection", note) }
            row += 1
        }
        line("Flags", "x = withheld (CONF_STATUS C, no value); E = estimate (OBS_STATUS E), never added into counted "
                + "cells; _T = total; _Z = not stated")
        line("Source", "migstat: counted and protected in PostgreSQL from the loaded batches of migration-flow "
                + "records (UN CMW, CMW/C/KGZ/CO/2 para. 20)")
    }
}
