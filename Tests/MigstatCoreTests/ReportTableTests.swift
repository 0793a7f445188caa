import Testing
import MigstatCore
import MigstatPQ

/// Small report tables shared by the report tests (no database).
enum ReportTestTables {
    /// Sex × age with totals, not stated, withheld cells (C, as the database sends them: never A or D), and
    /// one estimate.
    static func sexAge(femaleLabel: String = "Female") -> ReportTable {
        let rows: [(String, String, Int?, String)] = [
            ("_T", "_T", 44, "F"), ("_T", "Y_LT5", 32, "F"), ("_T", "Y5-9", 10, "F"), ("_T", "_Z", nil, "C"),
            ("F", "_T", nil, "C"), ("F", "Y_LT5", 12, "F"), ("F", "Y5-9", nil, "C"), ("F", "_Z", 0, "F"),
            ("M", "_T", 29, "F"), ("M", "Y_LT5", 20, "F"), ("M", "Y5-9", nil, "C"), ("M", "_Z", nil, "C"),
        ]
        var cells = rows.map { ReportCell(codes: [$0.0, $0.1], value: $0.2, confStatus: $0.3) }
        cells.append(ReportCell(codes: ["_T", "_T"], value: 5000, obsStatus: "E", confStatus: "F", lower: "3000",
                                upper: "7000.5", isEstimate: true))
        return ReportTable(dimensions: ["sex", "age"], cells: cells,
                           labels: ["sex": ["F": femaleLabel, "M": "Male"]],
                           parameters: [.init("Dimensions", "Sex \u{00D7} Age group"), .init("Count", "records")],
                           disclosure: .declared(purpose: "labour_2024", name: "sex_age"))
    }

    /// Nationality × period (quarters), no age or sex.
    static func nationalityPeriod() -> ReportTable {
        var cells: [ReportCell] = []
        let values = ["_T": 100, "KGZ": 70, "UZB": 27, "_Z": 3]
        for nationality in ["_T", "KGZ", "UZB", "_Z"] {
            for period in ["_T", "2024-Q1", "2024-Q2"] {
                let base = values[nationality]!
                let value = period == "_T" ? base : period == "2024-Q1" ? base / 2 : base - base / 2
                let suppressed = nationality == "_Z" && period != "_T"
                cells.append(ReportCell(codes: [nationality, period], value: suppressed ? nil : value,
                                        confStatus: suppressed ? "C" : "F"))
            }
        }
        return ReportTable(dimensions: ["nationality", "period"], cells: cells,
                           labels: ["nationality": ["KGZ": "Kyrgyzstan", "UZB": "Uzbekistan"]],
                           disclosure: .flexible)
    }
}

@Suite struct ReportTableTests {
    @Test func categoriesAreInTableOrderWithTotalsFirst() {
        let table = ReportTestTables.sexAge()
        #expect(table.categories(0) == ["_T", "F", "M"])
        #expect(table.categories(1) == ["_T", "Y_LT5", "Y5-9", "_Z"])
        #expect(table.counted.count == 12)
        #expect(table.estimates.count == 1)
    }

    @Test func marginsHoldTheOtherDimensionsAtTheirTotals() {
        let table = ReportTestTables.sexAge()
        #expect(table.margin(0).map(\.codes) == [["F", "_T"], ["M", "_T"]])
        #expect(table.margin(1).map { $0.codes[1] } == ["Y_LT5", "Y5-9", "_Z"])
    }

    @Test func labelsFallBackToBuiltInsThenTheCode() {
        let table = ReportTestTables.sexAge()
        #expect(table.label("sex", "F") == "Female")
        #expect(table.label("sex", "_T") == "Total")
        #expect(table.label("sex", "_Z") == "Not stated")
        #expect(table.label("sex", "_O") == "_O")
        #expect(table.label("age", "Y_LT5") == "Under 5")
        #expect(table.label("age", "Y15-19") == "15\u{2013}19")
        #expect(table.label("age", "Y_GE85") == "85 and over")
        #expect(table.label("age", "65+") == "65 and over")
        #expect(table.label("age", "14") == "14")
        #expect(table.label("period", "2024-Q3") == "2024 Q3")
        #expect(table.label("period", "2024-02") == "Feb 2024")
        #expect(table.label("period", "2024") == "2024")
        #expect(table.title == "Migration statistics by sex and age group")
    }

    @Test func tableIsReadFromTheReportResult() throws {
        let result = PQResult(
            columnNames: ["array_to_string", "obs_value", "obs_status", "conf_status", "lower_bound", "upper_bound",
                          "is_estimate"],
            rows: [["_T\u{1F}_T", "44", "A", "F", nil, nil, "f"],
                   ["F\u{1F}Y5-9", nil, "A", "A", nil, nil, "f"],
                   ["_T\u{1F}_T", "5000", "E", "F", "3000", "7000.5", "t"]])
        let table = try ReportTable(result: result, dimensions: ["sex", "age"])
        #expect(table.cells == [
            ReportCell(codes: ["_T", "_T"], value: 44),
            ReportCell(codes: ["F", "Y5-9"], value: nil, confStatus: "A"),
            ReportCell(codes: ["_T", "_T"], value: 5000, obsStatus: "E", lower: "3000", upper: "7000.5",
                       isEstimate: true),
        ])
        #expect(table.cells[1].isSuppressed && !table.cells[0].isSuppressed && !table.cells[2].isSuppressed)
    }

    @Test func aRowWithTheWrongNumberOfCodesIsAnError() {
        let result = PQResult(columnNames: ["d", "v", "s", "c", "l", "u", "e"],
                              rows: [["_T", "1", "A", "F", nil, nil, "f"]])
        #expect(throws: PQError.self) { try ReportTable(result: result, dimensions: ["sex", "age"]) }
    }

    @Test func theTextTableMarksSuppressedCellsAndEstimates() {
        let text = ReportTextRenderer.render(ReportTestTables.sexAge())
        let lines = text.split(separator: "\n").map(String.init)
        // sex (3 categories) across, age down; codes and labels; totals first.
        #expect(lines[0] == "Migration statistics by sex and age group")
        #expect(lines.contains { $0.hasPrefix("Age group") && $0.hasSuffix("_T       F      M") }, "\(text)")
        #expect(lines.contains { $0.hasSuffix("Total  Female   Male") })
        #expect(lines.contains { $0.hasPrefix("_T     Total") && $0.hasSuffix("44       x     29") })
        #expect(lines.contains { $0.hasPrefix("Y5-9   5\u{2013}9") && $0.hasSuffix("10       x      x") })
        #expect(lines.contains { $0.hasPrefix("_T   _T") && $0.contains("5000 E") && $0.contains("3000")
                                 && $0.contains("7000.5") })
        #expect(lines.contains("(12 cells)"))
        #expect(text.contains("  x   withheld (confidential, CONF_STATUS C)"))
        #expect(text.contains("Declared table sex_age of purpose labour_2024: exact counts"))
        // Nothing tells a primary from a secondary cell.
        #expect(!text.contains("(A)") && !text.contains("(D)") && !text.contains("primary")
                && !text.contains("secondary") && !text.contains("small count (1"))
    }

    @Test func aFlexibleTableSaysThatItsValuesArePerturbed() {
        var table = ReportTestTables.nationalityPeriod()
        table.presentation.width = 200
        let notes = ReportTextRenderer.render(table).split(separator: "\n").filter { $0.contains("perturbed") }
        #expect(notes == ["Values are perturbed (cell-key method): each differs from the true count by at most 3, "
                          + "and no 1s or 2s are published."])
        let plain = ReportTable(dimensions: ["sex"], cells: [ReportCell(codes: ["_T"], value: 3)])
        #expect(!ReportTextRenderer.render(plain).contains("perturbed"))
    }

    /// Defence in depth: should a database ever send a primary (A) or secondary (D) flag, every renderer
    /// publishes C, with no value.
    @Test func primaryAndSecondaryFlagsAreNeverPublished() throws {
        let table = ReportTable(dimensions: ["sex"], cells: [
            ReportCell(codes: ["_T"], value: 30), ReportCell(codes: ["F"], value: nil, confStatus: "D"),
            ReportCell(codes: ["M"], value: 2, confStatus: "A"), ReportCell(codes: ["_Z"], value: nil, confStatus: "C"),
        ])
        #expect(table.cells.map(\.publishedConfStatus) == ["F", "C", "C", "C"])
        for format in [ReportFormat.table, .html] {
            let text = try format.render(table)
            #expect(!text.contains("(A)") && !text.contains("(D)"), "\(format)")
            #expect(!text.contains("<sup>A") && !text.contains("<sup>D"), "\(format)")
        }
        let json = ReportJSONRenderer.render(table)
        #expect(!json.contains("\"conf_status\": \"A\"") && !json.contains("\"conf_status\": \"D\""))
        let csv = ReportCSVRenderer.render(table).split(separator: "\n").map(String.init)
        #expect(csv == ["sex,obs_value,obs_status,conf_status,lower_bound,upper_bound", "_T,30,A,F,,", "F,,A,C,,",
                        "M,,A,C,,", "_Z,,A,C,,"])
        let sdmx = try ReportSDMXTests.parse(try ReportSDMXRenderer.render(table, context: ReportSDMXTests.year2024))
        let conf = try #require(sdmx[0].firstIndex(of: "CONF_STATUS"))
        let value = try #require(sdmx[0].firstIndex(of: "OBS_VALUE"))
        #expect(sdmx.dropFirst().map { $0[conf] } == ["F", "C", "C", "C"])
        #expect(sdmx.dropFirst().map { $0[value] } == ["30", "", "", ""])
        #expect(ReportJSONRenderer.render(table).contains("{\"sex\": \"M\", \"obs_value\": null, \"obs_status\": \"A\", \"conf_status\": \"C\""))
    }
}
