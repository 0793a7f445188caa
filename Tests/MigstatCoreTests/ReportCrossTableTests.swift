import Foundation
import Testing
@testable import MigstatCore

/// The `table` format's cross-table, compared with expected text files in `Snapshots/` (set
/// `MIGSTAT_UPDATE_SNAPSHOTS=1` to rewrite them after a deliberate change, then review the diff).
@Suite struct ReportCrossTableTests {
    /// A fixed declared table: direction × age × sex, with withheld cells, a missing combination, an
    /// estimate and a preserved note.
    static func table(language: ReportLanguage = .en) -> ReportTable {
        var cells: [ReportCell] = []
        let ages = ["_T", "Y_LT5", "Y5-9", "Y_GE85", "_Z"]
        let sexes = ["_T", "F", "M", "_U"]
        for (d, direction) in ["_T", "IN", "OUT"].enumerated() {
            for (a, age) in ages.enumerated() {
                for (s, sex) in sexes.enumerated() {
                    if direction == "OUT" && age == "Y_GE85" && sex == "_U" { continue } // no cell
                    let value = 1000 / (d + 1) / (a + 1) / (s + 1) + 3
                    let withheld = (sex == "_U" && age != "_T") || (age == "Y_GE85" && sex == "F" && direction != "_T")
                    cells.append(ReportCell(codes: [direction, age, sex], value: withheld ? nil : value,
                                            confStatus: withheld ? "C" : "F"))
                }
            }
        }
        cells.append(ReportCell(codes: ["IN", "_T", "_T"], value: 5000, obsStatus: "E", lower: "3000", upper: "7000",
                                isEstimate: true))
        var table = ReportTable(
            dimensions: ["direction", "age", "sex"], cells: cells,
            labels: ["direction": ["IN": "Entry into the State", "OUT": "Exit from the State"],
                     "sex": ["F": "Female", "M": "Male", "_U": "Unknown"]],
            parameters: [.init("Declared table", "flows (purpose labour_2024)"), .init("Count", "records (events)"),
                         .init("Preserved", "purpose labour_2024 was purged on 2026-01-31")],
            disclosure: .declared(purpose: "labour_2024", name: "flows"), declaredTitle: "Flows by age and sex")
        table.presentation.language = language
        if language == .ru {
            table.labels = ["direction": ["IN": "Въезд в государство", "OUT": "Выезд из государства"],
                            "sex": ["F": "Женщины", "M": "Мужчины", "_U": "Неизвестно"]]
        }
        return table
    }

    static func snapshot(_ name: String, _ text: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Snapshots").appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["MIGSTAT_UPDATE_SNAPSHOTS"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from the snapshot:\n\(text)")
    }

    @Test func theDefaultLayoutPutsTheLastSmallDimensionAcross() throws {
        let table = Self.table()
        let layout = ReportTextRenderer.layout(of: table)
        #expect(layout == .init(rows: [0, 1], column: 2, fixed: []))
        try Self.snapshot("crosstable-default.txt", ReportTextRenderer.render(table))
    }

    @Test func rowsAndColumnsAsAskedAndTheRestAtItsTotal() throws {
        var table = Self.table()
        table.presentation.rows = ["age"]
        table.presentation.columns = "direction"
        #expect(ReportTextRenderer.layout(of: table) == .init(rows: [1], column: 0, fixed: [2]))
        let text = ReportTextRenderer.render(table)
        #expect(text.contains("Shown at their total: Sex"))
        try Self.snapshot("crosstable-age-by-direction.txt", text)
    }

    @Test func aNarrowTerminalWrapsColumnGroups() throws {
        var table = Self.table()
        table.presentation.width = 60
        table.presentation.rows = ["sex", "direction"]
        table.presentation.columns = "age"
        let text = ReportTextRenderer.render(table)
        for line in text.split(separator: "\n") { #expect(line.count <= 60, "\(line)") }
        #expect(text.contains("(columns 1\u{2013}"))
        try Self.snapshot("crosstable-narrow.txt", text)
    }

    @Test func inRussian() throws {
        let text = ReportTextRenderer.render(Self.table(language: .ru))
        #expect(text.contains("Всего") && text.contains("Условные обозначения") && text.contains("Моложе 5"))
        try Self.snapshot("crosstable-ru.txt", text)
    }

    /// In Russian and Kyrgyz a comma is the decimal separator: thousands are grouped with a narrow space.
    @Test func htmlInRussianAndKyrgyz() {
        for language in [ReportLanguage.ru, .ky] {
            let html = ReportHTMLRenderer.render(Self.table(language: language))
            #expect(html.contains("<html lang=\"\(language.rawValue)\">"))
            #expect(html.contains("1\u{202F}003") && !html.contains("1,003"), "\(language)")
            #expect(html.contains(language == .ru ? "Условные обозначения" : "Шарттуу белгилер"))
        }
        #expect(ReportHTMLRenderer.render(Self.table()).contains("1,003"))
    }

    @Test func layoutProblemsNameWhatWasTypedAndWhatIsAllowed() {
        let dims = ["sex", "age", "direction"]
        #expect(ReportTextRenderer.layoutProblem(dimensions: dims, rows: ["gender"], columns: nil)
                == "--rows gender is not a dimension of this report; allowed: sex, age, direction")
        #expect(ReportTextRenderer.layoutProblem(dimensions: dims, rows: nil, columns: "nationality")
                == "--cols nationality is not a dimension of this report; allowed: sex, age, direction")
        #expect(ReportTextRenderer.layoutProblem(dimensions: dims, rows: ["sex"], columns: "sex")
                == "sex is in both --rows and --cols")
        #expect(ReportTextRenderer.layoutProblem(dimensions: dims, rows: ["sex"], columns: nil) != nil)
        #expect(ReportTextRenderer.layoutProblem(dimensions: dims, rows: ["sex", "age"], columns: nil) == nil)
    }

    @Test func labelColumnsInCSVAndJSON() throws {
        var table = Self.table(language: .ru)
        table.presentation.withLabels = true
        let csv = ReportCSVRenderer.render(table).split(separator: "\n")
        #expect(csv[0] == "direction,direction_label,age,age_label,sex,sex_label,obs_value,obs_status,conf_status,"
                + "lower_bound,upper_bound")
        #expect(csv[1] == "_T,Всего,_T,Всего,_T,Всего,1003,A,F,,")
        let json = ReportJSONRenderer.render(table)
        let objects = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        #expect(objects[1]["sex_label"] as? String == "Женщины")
        #expect(objects[1]["obs_value"] as? Int == 503)
    }
}
