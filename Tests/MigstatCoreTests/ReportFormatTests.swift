import Foundation
import Testing
import MigstatCore

/// CSV and JSON output: one row / object per cell, read back to the same cells.
@Suite struct ReportFormatTests {
    @Test func csvRoundTrips() throws {
        let table = ReportTestTables.sexAge()
        let rows = try ReportSDMXTests.parse(ReportCSVRenderer.render(table))
        #expect(rows[0] == ["sex", "age", "obs_value", "obs_status", "conf_status", "lower_bound", "upper_bound"])
        let cells = rows.dropFirst().map { row in
            ReportCell(codes: Array(row[0..<2]), value: Int(row[2]), obsStatus: row[3], confStatus: row[4],
                       lower: row[5].isEmpty ? nil : row[5], upper: row[6].isEmpty ? nil : row[6],
                       isEstimate: row[3] == "E")
        }
        #expect(cells == table.cells)
    }

    @Test func csvQuotesEveryFieldThatNeedsIt() {
        #expect(ReportEscape.csv("plain") == "plain")
        #expect(ReportEscape.csv("a,b") == "\"a,b\"")
        #expect(ReportEscape.csv("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportEscape.csv("line\nbreak") == "\"line\nbreak\"")
        #expect(ReportEscape.csv("cr\rlf") == "\"cr\rlf\"")
        #expect(ReportEscape.csv("crlf\r\nend") == "\"crlf\r\nend\"")   // "\r\n" is one Character in Swift
        #expect(ReportEscape.csv("Кыргызстан") == "Кыргызстан")
        #expect(ReportEscape.csv("a\"\u{301}") == "\"a\"\"\u{301}\"")           // a quote joined to a mark
    }

    @Test func jsonRoundTrips() throws {
        let table = ReportTestTables.sexAge(femaleLabel: "F\u{E9}minin \"quoted\"")
        let text = ReportJSONRenderer.render(table)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == table.cells.count)
        for (object, cell) in zip(parsed, table.cells) {
            #expect(Set(object.keys) == ["sex", "age", "obs_value", "obs_status", "conf_status", "lower_bound",
                                         "upper_bound"])
            #expect(object["sex"] as? String == cell.codes[0] && object["age"] as? String == cell.codes[1])
            #expect((object["obs_value"] as? NSNumber)?.intValue == cell.value)
            #expect(cell.value != nil || object["obs_value"] is NSNull)
            #expect(object["obs_status"] as? String == cell.obsStatus)
            #expect(object["conf_status"] as? String == cell.confStatus)
            #expect((object["lower_bound"] as? NSNumber)?.stringValue == cell.lower)
            #expect((object["upper_bound"] as? NSNumber)?.doubleValue == cell.upper.flatMap(Double.init))
        }
    }

    @Test func jsonEscapesEverythingItMustAndEmptyTablesAreEmptyArrays() throws {
        #expect(ReportEscape.json("a\"b\\c\n\u{1}") == "\"a\\\"b\\\\c\\n\\u0001\"")
        #expect(ReportJSONRenderer.render(ReportTable(dimensions: ["sex"], cells: [])) == "[]\n")
        let odd = ReportTable(dimensions: ["x\"y"], cells: [ReportCell(codes: ["<&>"], value: 1)])
        let text = ReportJSONRenderer.render(odd)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["x\"y"] as? String == "<&>")
    }

    @Test func everyFormatHasARenderer() throws {
        let table = ReportTestTables.nationalityPeriod()
        for format in ReportFormat.allCases where !format.isBinary {
            #expect(try !format.render(table, sdmx: SDMXContext()).isEmpty)
        }
        #expect(throws: MigstatError.self) { try ReportFormat.xlsx.render(table) }
        #expect(throws: MigstatError.self) { try ReportFormat.sdmxCSV.render(table) }
        #expect(ReportFormat(rawValue: "sdmx-csv") == .sdmxCSV)
    }

    @Test func numbersAreGrouped() {
        #expect(ReportEscape.grouped(0) == "0")
        #expect(ReportEscape.grouped(999) == "999")
        #expect(ReportEscape.grouped(1000) == "1,000")
        #expect(ReportEscape.grouped(1234567) == "1,234,567")
        func ticks(_ value: Int) -> [Int] { let t = ReportChart.ticks(for: value); return [t.max, t.step] }
        #expect(ticks(478) == [500, 100])
        #expect(ticks(0) == [1, 1])
        #expect(ticks(7) == [8, 2])
        #expect(ticks(1769) == [2000, 500])
    }
}
