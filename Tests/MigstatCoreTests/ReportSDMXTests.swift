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

    /// The rendered rows of `table` as header name → value, one dictionary per data row.
    static func records(_ table: ReportTable) throws -> [[String: String]] {
        let rows = try parse(ReportSDMXRenderer.render(table))
        let header = try #require(rows.first)
        return rows.dropFirst().map { row in
            Dictionary(uniqueKeysWithValues: zip(header, row))
        }
    }

    /// The key of every data row: the fields of the dimension columns, i.e. between ACTION and OBS_VALUE.
    static func keys(_ text: String) throws -> [[String]] {
        let rows = try parse(text)
        let header = try #require(rows.first)
        let first = try #require(header.firstIndex(of: "ACTION")) + 1
        let end = try #require(header.firstIndex(of: "OBS_VALUE"))
        return rows.dropFirst().map { Array($0[first..<end]) }
    }

    /// A counted cell and an estimate with the same codes, twice (the total and Kyrgyzstan in 2024).
    static func countedAndEstimatedAlike() -> ReportTable {
        ReportTable(dimensions: ["nationality", "period"], cells: [
            ReportCell(codes: ["_T", "_T"], value: 100),
            ReportCell(codes: ["_T", "2024"], value: 100),
            ReportCell(codes: ["KGZ", "_T"], value: 70),
            ReportCell(codes: ["KGZ", "2024"], value: 70),
            ReportCell(codes: ["_T", "_T"], value: 5000, obsStatus: "E", lower: "3000", upper: "7000",
                       isEstimate: true),
            ReportCell(codes: ["KGZ", "2024"], value: 1200, obsStatus: "E", lower: "800", upper: "1500",
                       isEstimate: true),
        ])
    }

    // MARK: Header

    @Test func headerHasTheFixedColumnsThenDimensionsThenMeasureAndAttributes() throws {
        let rows = try Self.parse(ReportSDMXRenderer.render(ReportTestTables.nationalityPeriod()))
        #expect(rows[0] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "NATIONALITY", "TIME_PERIOD", "DATA_SOURCE_TYPE",
                            "OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND"])
        let sexAge = try Self.parse(ReportSDMXRenderer.render(ReportTestTables.sexAge()))
        #expect(Array(sexAge[0].prefix(7)) == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "SEX", "AGE",
                                               "DATA_SOURCE_TYPE", "OBS_VALUE"])
        #expect(ReportLabels.sdmxID("migration_status") == "MIGRATION_STATUS")
        #expect(ReportLabels.sdmxID("period") == "TIME_PERIOD")
    }

    /// SDMX-CSV 2.0: the header row is mandatory and starts with STRUCTURE, STRUCTURE_ID (and ACTION); every other
    /// column is a component id (a letter, then letters, digits or `_`), each at most once; OBS_VALUE is there.
    @Test(arguments: [ReportTestTables.sexAge(), ReportTestTables.nationalityPeriod(),
                      ReportSDMXTests.countedAndEstimatedAlike(),
                      ReportTable(dimensions: [], cells: [ReportCell(codes: [], value: 3)])])
    func headerFollowsTheSDMXCSV2Rules(table: ReportTable) throws {
        let header = try #require(try Self.parse(ReportSDMXRenderer.render(table)).first)
        #expect(Array(header.prefix(3)) == ["STRUCTURE", "STRUCTURE_ID", "ACTION"])
        #expect(Set(header).count == header.count, "a column appears twice: \(header)")
        for id in header.dropFirst(3) {
            let first = id.unicodeScalars.first
            #expect(first.map { ("A"..."Z").contains($0) } == true
                    && id.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" },
                    "not an SDMX component id: \(id)")
        }
        let dimensions = table.dimensions.map(ReportLabels.sdmxID) + ["DATA_SOURCE_TYPE"]
        #expect(Array(header[3..<(3 + dimensions.count)]) == dimensions)
        #expect(Array(header.suffix(5)) == ["OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND"])
    }

    @Test func theStructureDoesNotDependOnWhetherEstimatesAreIncluded() throws {
        let with = ReportTestTables.sexAge()
        let without = ReportTable(dimensions: with.dimensions, cells: with.counted)
        #expect(with.estimates.count == 1 && without.estimates.isEmpty)
        let withRows = try Self.parse(ReportSDMXRenderer.render(with))
        let withoutRows = try Self.parse(ReportSDMXRenderer.render(without))
        #expect(withRows[0] == withoutRows[0])
        #expect(withRows[0].contains("DATA_SOURCE_TYPE"))
        #expect(try Self.records(without).allSatisfy { $0["DATA_SOURCE_TYPE"] == "COUNT" })
    }

    // MARK: Rows

    @Test func everyRowStartsWithTheDataflowAndHasTheHeadersFieldCount() throws {
        let text = ReportSDMXRenderer.render(ReportTestTables.sexAge())
        let rows = try Self.parse(text)
        #expect(rows.count == 1 + 13)
        for row in rows { #expect(row.count == rows[0].count) }
        for row in rows.dropFirst() {
            #expect(Array(row.prefix(3)) == ["dataflow", "MIGSTAT:MIGRATION_FLOWS(1.0)", "I"])
        }
        #expect(text.hasPrefix("STRUCTURE,STRUCTURE_ID,ACTION,SEX,AGE,DATA_SOURCE_TYPE,OBS_VALUE,"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func suppressedCellsHaveNoValueAndTheirConfidentialityStatus() throws {
        let rows = try Self.parse(ReportSDMXRenderer.render(ReportTestTables.sexAge()))
        let header = rows[0]
        let value = try #require(header.firstIndex(of: "OBS_VALUE"))
        let conf = try #require(header.firstIndex(of: "CONF_STATUS"))
        let status = try #require(header.firstIndex(of: "OBS_STATUS"))
        let primary = try #require(rows.first { $0[3] == "F" && $0[4] == "Y5T9" })
        #expect(primary[value] == "" && primary[conf] == "C" && primary[status] == "A")
        let secondary = try #require(rows.first { $0[3] == "F" && $0[4] == "_T" })
        #expect(secondary[value] == "" && secondary[conf] == "C")
        let free = try #require(rows.first { $0[3] == "_T" && $0[4] == "_T" && $0[status] == "A" })
        #expect(free[value] == "44" && free[conf] == "F")
        let estimate = try #require(rows.first { $0[status] == "E" })
        #expect(estimate[value] == "5000" && estimate[header.firstIndex(of: "LOWER_BOUND")!] == "3000"
                && estimate[header.firstIndex(of: "UPPER_BOUND")!] == "7000.5")
        for row in rows.dropFirst() where row[value].isEmpty { #expect(row[conf] == "C") }
        for row in rows.dropFirst() { #expect(["F", "C"].contains(row[conf])) }
    }

    @Test func fieldsAreQuotedPerRFC4180() throws {
        let table = ReportTable(dimensions: ["source"], cells: [
            ReportCell(codes: ["a,\"b\"\nc"], value: 7),
        ])
        let text = ReportSDMXRenderer.render(table, structureID: "X:Y(1.0)")
        #expect(text.contains("I,\"a,\"\"b\"\"\nc\",COUNT,7,A,F,,\n"))
        let rows = try Self.parse(text)
        #expect(rows[1] == ["dataflow", "X:Y(1.0)", "I", "a,\"b\"\nc", "COUNT", "7", "A", "F", "", ""])
    }

    // MARK: Age codes (SDMX CL_AGE)

    /// Report age labels (Eurostat bands, custom bands as written, unknown, total) and their CL_AGE codes.
    static let ageCodes: [(label: String, code: String)] = [
        ("_T", "_T"), ("Y_LT5", "Y_LT5"), ("Y5-9", "Y5T9"), ("Y15-19", "Y15T19"), ("Y80-84", "Y80T84"),
        ("Y_GE85", "Y_GE85"), ("0-5", "Y0T5"), ("6-13", "Y6T13"), ("14", "Y14"), ("65+", "Y_GE65"), ("_U", "_U"),
        ("_Z", "_Z"),
    ]

    @Test func theAgeColumnHoldsCLAGECodes() throws {
        let table = ReportTable(dimensions: ["sex", "age"], cells: Self.ageCodes.map {
            ReportCell(codes: ["F", $0.label], value: 10)
        })
        let records = try Self.records(table)
        #expect(records.map { $0["AGE"] } == Self.ageCodes.map(\.code))
        #expect(records.allSatisfy { $0["SEX"] == "F" })
        // Only SDMX-CSV converts: the csv format keeps the labels as reported.
        let csv = try Self.parse(ReportCSVRenderer.render(table))
        #expect(csv.dropFirst().map { $0[1] } == Self.ageCodes.map(\.label))
    }

    @Test(arguments: ReportSDMXTests.ageCodes)
    func ageLabelBecomesItsCLAGECode(_ pair: (label: String, code: String)) throws {
        #expect(ReportLabels.sdmxAgeCode(pair.label) == pair.code)
        let table = ReportTable(dimensions: ["age"], cells: [ReportCell(codes: [pair.label], value: 1)])
        #expect(try Self.records(table).first?["AGE"] == pair.code)
    }

    /// The database's default bands (`migstat.report_age_bands(NULL)`) and the demo's custom bands.
    @Test func wholeBandSetsAreConverted() throws {
        let eurostat = ["Y_LT5"] + stride(from: 5, through: 80, by: 5).map { "Y\($0)-\($0 + 4)" } + ["Y_GE85"]
        let expected = ["Y_LT5"] + stride(from: 5, through: 80, by: 5).map { "Y\($0)T\($0 + 4)" } + ["Y_GE85"]
        #expect(eurostat.map(ReportLabels.sdmxAgeCode) == expected)
        let custom = "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+".split(separator: ",").map(String.init)
        #expect(custom.map(ReportLabels.sdmxAgeCode)
                == ["Y0T14", "Y15T17", "Y18T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65"])
        // Distinct bands stay distinct codes (a key cannot collide because of the conversion).
        #expect(Set(eurostat.map(ReportLabels.sdmxAgeCode)).count == eurostat.count)
        #expect(Set(custom.map(ReportLabels.sdmxAgeCode)).count == custom.count)
    }

    @Test func unrecognisedAgeLabelsPassThroughAndConversionIsIdempotent() {
        for label in ["", "Y", "Y_", "abc", "5-", "-5", "5--9", "9-5", "5-9-14", "+", "Y+", "Y5T9", "Y_GE65", "Y14",
                      "Y_LT5", "_X", "1e3", "\u{0665}-\u{0669}"] {
            #expect(ReportLabels.sdmxAgeCode(label) == label, "\(label)")
        }
        for (label, _) in Self.ageCodes {
            let once = ReportLabels.sdmxAgeCode(label)
            #expect(ReportLabels.sdmxAgeCode(once) == once)
        }
        // Forms the database accepts in --age-bands (spaces around - and before +, a one-year range).
        #expect(ReportLabels.sdmxAgeCode("6 - 13") == "Y6T13")
        #expect(ReportLabels.sdmxAgeCode("65 +") == "Y_GE65")
        #expect(ReportLabels.sdmxAgeCode("5-5") == "Y5")
        #expect(ReportLabels.sdmxAgeCode("Y65+") == "Y_GE65")
    }

    @Test func onlyTheAgeDimensionIsConverted() throws {
        let table = ReportTable(dimensions: ["source", "occupation", "age", "purpose"], cells: [
            ReportCell(codes: ["5-9", "14", "5-9", "65+"], value: 12),
        ])
        let record = try #require(try Self.records(table).first)
        #expect(record["SOURCE"] == "5-9")
        #expect(record["OCCUPATION"] == "14")
        #expect(record["AGE"] == "Y5T9")
        #expect(record["PURPOSE"] == "65+")
        #expect(ReportLabels.sdmxCode(dimension: "source", code: "5-9") == "5-9")
        #expect(ReportLabels.sdmxCode(dimension: "age", code: "5-9") == "Y5T9")
    }

    // MARK: Keys (counts and estimates)

    @Test func aCountedCellAndAnEstimateWithTheSameCodesAreTwoObservations() throws {
        let table = Self.countedAndEstimatedAlike()
        let records = try Self.records(table)
        #expect(records.count == table.cells.count)
        for (nationality, period) in [("_T", "_T"), ("KGZ", "2024")] {
            let alike = records.filter { $0["NATIONALITY"] == nationality && $0["TIME_PERIOD"] == period }
            try #require(alike.count == 2)
            let counted = try #require(alike.first { $0["DATA_SOURCE_TYPE"] == "COUNT" })
            let estimate = try #require(alike.first { $0["DATA_SOURCE_TYPE"] == "EST" })
            #expect(counted["OBS_STATUS"] == "A" && estimate["OBS_STATUS"] == "E")
            #expect(counted["OBS_VALUE"] != estimate["OBS_VALUE"])
        }
        let keys = try Self.keys(ReportSDMXRenderer.render(table))
        #expect(keys.contains(["KGZ", "2024", "COUNT"]) && keys.contains(["KGZ", "2024", "EST"]))
        #expect(keys.contains(["_T", "_T", "COUNT"]) && keys.contains(["_T", "_T", "EST"]))
    }

    @Test(arguments: [ReportTestTables.sexAge(), ReportTestTables.nationalityPeriod(),
                      ReportSDMXTests.countedAndEstimatedAlike()])
    func noTwoRowsShareAKey(table: ReportTable) throws {
        let keys = try Self.keys(ReportSDMXRenderer.render(table))
        #expect(keys.count == table.cells.count)
        var seen: Set<[String]> = []
        for key in keys { #expect(seen.insert(key).inserted, "key repeated: \(key)") }
        let header = try #require(try Self.parse(ReportSDMXRenderer.render(table)).first)
        #expect(keys.allSatisfy { $0.count == table.dimensions.count + 1 }
                && header[3 + table.dimensions.count] == "DATA_SOURCE_TYPE")
    }

    /// The key test above can fail: without DATA_SOURCE_TYPE the fixtures with estimates do repeat a key.
    @Test func withoutTheDataSourceTypeTheEstimatesWouldRepeatAKey() throws {
        for table in [ReportTestTables.sexAge(), Self.countedAndEstimatedAlike()] {
            let keys = try Self.keys(ReportSDMXRenderer.render(table)).map { $0.dropLast() }
            #expect(Set(keys).count < keys.count)
        }
    }
}
