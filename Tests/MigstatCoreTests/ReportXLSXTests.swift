import Foundation
import Testing
import MigstatCore

/// `report --format xlsx` (libxlsxwriter); Scripts/test-sql-sdmx.sh reads real reports' workbooks with openpyxl.
@Suite struct ReportXLSXTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("migstat-xlsx-\(UUID().uuidString)-\(name)").path
    }

    @Test func aWorkbookHasTheTableSheetTheMetadataSheetAndNotes() throws {
        let path = Self.temporaryPath("sex-age.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ReportXLSXRenderer.write([ReportTestTables.sexAge()], to: path)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(bytes.prefix(2) == Data("PK".utf8), "an OOXML file is a ZIP archive")
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"), "written as PATH.partial, then renamed")
        let names = String(decoding: bytes, as: UTF8.self)
        for part in ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                     "xl/comments1.xml", "xl/sharedStrings.xml"] {
            #expect(names.contains(part), "\(part)")
        }
    }

    @Test func headerFlagsAndSheetNames() {
        let table = ReportTestTables.sexAge()
        #expect(ReportXLSXRenderer.header(table) == ["sex", "age", "obs_value", "obs_status", "conf_status",
                                                      "lower_bound", "upper_bound", "sex_label", "age_label", "flag"])
        #expect(table.cells.map(ReportXLSXRenderer.flag).filter { $0 == "x" }.count
                == table.cells.filter(\.isSuppressed).count)
        #expect(ReportXLSXRenderer.flag(table.estimates[0]) == "E")
        #expect(ReportXLSXRenderer.flag(table.cells[0]) == "")
        #expect(ReportXLSXRenderer.sheetName("a/b:c*d?e[f]g\\h") == "a_b_c_d_e_f_g_h")
        #expect(ReportXLSXRenderer.sheetName(String(repeating: "n", count: 40)).count == 31)
        #expect(ReportXLSXRenderer.sheetName("") == "Table")
    }

    @Test func anUnwritablePathIsAWriteError() throws {
        do {
            try ReportXLSXRenderer.write([ReportTestTables.sexAge()], to: "/nonexistent-dir-\(UUID().uuidString)/t.xlsx")
            Issue.record("wrote into a directory that does not exist")
        } catch let error as MigstatError {
            #expect(error.code == .writeFailed && error.message.contains("t.xlsx"))
        }
    }
}
