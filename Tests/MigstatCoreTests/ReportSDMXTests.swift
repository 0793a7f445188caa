import Testing
import MigstatCore

/// SDMX-CSV 2.0 output rules.
@Suite struct ReportSDMXTests {
    /// Parses CSV text with the project's RFC 4180 reader.
    static func parse(_ text: String) throws -> [[String]] {
        let reader = CSVReader(bytes: Array(text.utf8))
        var record = CSVRecord()
        var rows: [[String]] = []
        while try reader.next(into: &record) { rows.append(record.strings) }
        return rows
    }

    @Test func headerHasTheFixedColumnsThenDimensionsThenMeasureAndAttributes() throws {
        let rows = try Self.parse(ReportSDMXRenderer.render(ReportTestTables.nationalityPeriod()))
        #expect(rows[0] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "NATIONALITY", "TIME_PERIOD", "OBS_VALUE",
                            "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND"])
        let sexAge = try Self.parse(ReportSDMXRenderer.render(ReportTestTables.sexAge()))
        #expect(Array(sexAge[0].prefix(5)) == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "SEX", "AGE"])
        #expect(ReportLabels.sdmxID("migration_status") == "MIGRATION_STATUS")
        #expect(ReportLabels.sdmxID("period") == "TIME_PERIOD")
    }

    @Test func everyRowStartsWithTheDataflowAndHasTheHeadersFieldCount() throws {
        let text = ReportSDMXRenderer.render(ReportTestTables.sexAge())
        let rows = try Self.parse(text)
        #expect(rows.count == 1 + 13)
        for row in rows { #expect(row.count == rows[0].count) }
        for row in rows.dropFirst() {
            #expect(Array(row.prefix(3)) == ["dataflow", "MIGSTAT:MIGRATION_FLOWS(1.0)", "I"])
        }
        #expect(text.hasPrefix("STRUCTURE,STRUCTURE_ID,ACTION,SEX,AGE,OBS_VALUE,"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func suppressedCellsHaveNoValueAndTheirConfidentialityStatus() throws {
        let rows = try Self.parse(ReportSDMXRenderer.render(ReportTestTables.sexAge()))
        let header = rows[0]
        let value = try #require(header.firstIndex(of: "OBS_VALUE"))
        let conf = try #require(header.firstIndex(of: "CONF_STATUS"))
        let status = try #require(header.firstIndex(of: "OBS_STATUS"))
        let primary = try #require(rows.first { $0[3] == "F" && $0[4] == "Y5-9" })
        #expect(primary[value] == "" && primary[conf] == "A" && primary[status] == "A")
        let secondary = try #require(rows.first { $0[3] == "F" && $0[4] == "_T" })
        #expect(secondary[value] == "" && secondary[conf] == "D")
        let free = try #require(rows.first { $0[3] == "_T" && $0[4] == "_T" && $0[status] == "A" })
        #expect(free[value] == "44" && free[conf] == "F")
        let estimate = try #require(rows.first { $0[status] == "E" })
        #expect(estimate[value] == "5000" && estimate[header.firstIndex(of: "LOWER_BOUND")!] == "3000"
                && estimate[header.firstIndex(of: "UPPER_BOUND")!] == "7000.5")
        for row in rows.dropFirst() where row[value].isEmpty { #expect(["A", "D"].contains(row[conf])) }
    }

    @Test func fieldsAreQuotedPerRFC4180() throws {
        let table = ReportTable(dimensions: ["source"], cells: [
            ReportCell(codes: ["a,\"b\"\nc"], value: 7),
        ])
        let text = ReportSDMXRenderer.render(table, structureID: "X:Y(1.0)")
        #expect(text.contains("I,\"a,\"\"b\"\"\nc\",7,A,F,,\n"))
        let rows = try Self.parse(text)
        #expect(rows[1] == ["dataflow", "X:Y(1.0)", "I", "a,\"b\"\nc", "7", "A", "F", "", ""])
    }
}
