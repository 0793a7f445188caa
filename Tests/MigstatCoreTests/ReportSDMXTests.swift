import Testing
import MigstatCore

/// SDMX-CSV 2.0 of the shipped dataflow (Schemas/sdmx/MIGSTAT_MIGRATION_FLOWS.xml): every row has every
/// dimension of the DSD, TIME_PERIOD is a period, keys never repeat.
@Suite struct ReportSDMXTests {
    /// Parses CSV text with the project's RFC 4180 reader.
    static func parse(_ text: String) throws -> [[String]] {
        let reader = CSVReader(bytes: Array(text.utf8))
        var record = CSVRecord()
        var rows: [[String]] = []
        while try reader.next(into: &record) { rows.append(record.strings) }
        return rows
    }

    /// A flexible context over 2024 (records).
    static let year2024 = SDMXContext(period: ReportPeriod("2024"))

    /// The rendered rows of `table` as header name → value, one dictionary per data row.
    static func records(_ table: ReportTable, _ context: SDMXContext = year2024) throws -> [[String: String]] {
        let rows = try parse(ReportSDMXRenderer.render(table, context: context))
        let header = try #require(rows.first)
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// The key of every data row: the fields of the dimension columns, i.e. between ACTION and OBS_VALUE.
    static func keys(_ text: String) throws -> [[String]] {
        let rows = try parse(text)
        let header = try #require(rows.first)
        let first = try #require(header.firstIndex(of: "ACTION")) + 1
        let end = try #require(header.firstIndex(of: "OBS_VALUE"))
        return rows.dropFirst().map { Array($0[first..<end]) }
    }

    static let dsdDimensions = ["DIRECTION", "SEX", "AGE", "NATIONALITY", "COUNTRY", "REGION", "REASON", "OCCUPATION",
                                "WORKER_CATEGORY", "ETHNICITY", "MIGRATION_STATUS", "DISABILITY", "SOURCE", "PURPOSE",
                                "UNIT_MEASURE", "TABLE_TYPE", "DATA_SOURCE_TYPE", "TIME_PERIOD"]

    /// A counted cell and an estimate with the same codes (the total and Kyrgyzstan in 2024).
    static func countedAndEstimatedAlike() -> ReportTable {
        ReportTable(dimensions: ["nationality", "period"], cells: [
            ReportCell(codes: ["_T", "_T"], value: 100),
            ReportCell(codes: ["_T", "2024"], value: 100),
            ReportCell(codes: ["KGZ", "_T"], value: 70),
            ReportCell(codes: ["KGZ", "2024"], value: 70),
            ReportCell(codes: ["_T", "2024"], value: 5000, obsStatus: "E", lower: "3000", upper: "7000",
                       isEstimate: true),
            ReportCell(codes: ["KGZ", "2024"], value: 1200, obsStatus: "E", lower: "800", upper: "1500",
                       isEstimate: true),
        ])
    }

    // MARK: Header and rows

    @Test func theHeaderIsTheWholeDSDWhateverTheReport() throws {
        for table in [ReportTestTables.sexAge(), ReportTestTables.nationalityPeriod(),
                      ReportTable(dimensions: [], cells: [ReportCell(codes: [], value: 3)])] {
            let header = try #require(try Self.parse(ReportSDMXRenderer.render(table, context: Self.year2024)).first)
            #expect(header == ["STRUCTURE", "STRUCTURE_ID", "ACTION"] + Self.dsdDimensions
                    + ["OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND", "COMMENT_OBS"])
        }
        #expect(ReportSDMXRenderer.dimensionIDs == Self.dsdDimensions)
    }

    @Test func everyRowHasEveryDimensionTotalsWhereNotBrokenDown() throws {
        let text = try ReportSDMXRenderer.render(ReportTestTables.sexAge(), context: Self.year2024)
        let rows = try Self.parse(text)
        #expect(rows.count == 1 + 13)
        for row in rows { #expect(row.count == rows[0].count) }
        for record in try Self.records(ReportTestTables.sexAge()) {
            #expect(record["STRUCTURE"] == "dataflow" && record["STRUCTURE_ID"] == "MIGSTAT:MIGRATION_FLOWS(1.0)"
                    && record["ACTION"] == "I")
            for id in ["DIRECTION", "NATIONALITY", "COUNTRY", "REGION", "REASON", "OCCUPATION", "WORKER_CATEGORY",
                       "ETHNICITY", "MIGRATION_STATUS", "DISABILITY", "SOURCE", "PURPOSE"] {
                #expect(record[id] == "_T", "\(id)")
            }
            #expect(record["UNIT_MEASURE"] == "EVT" && record["TABLE_TYPE"] == "FLEX")
            #expect(record["TIME_PERIOD"] == "2024")
            for (id, value) in record where Self.dsdDimensions.contains(id) { #expect(!value.isEmpty, "\(id)") }
        }
    }

    @Test func agencyDataflowAndVersionAreConfigurable() throws {
        let context = SDMXContext(agency: "NSC_KG", dataflow: "MIG_FLOWS", version: "2.1", period: ReportPeriod("2024"))
        let record = try #require(try Self.records(ReportTestTables.sexAge(), context).first)
        #expect(record["STRUCTURE_ID"] == "NSC_KG:MIG_FLOWS(2.1)")
        #expect(throws: MigstatError.self) {
            try SDMXContext(agency: "NSC.KG", period: ReportPeriod("2024")).check(dimensions: [])
        }
        #expect(throws: MigstatError.self) {
            try SDMXContext(version: "v1", period: ReportPeriod("2024")).check(dimensions: [])
        }
    }

    @Test func suppressedCellsHaveNoValueAndConfidentialStatus() throws {
        let records = try Self.records(ReportTestTables.sexAge())
        let primary = try #require(records.first { $0["SEX"] == "F" && $0["AGE"] == "Y5T9" })
        #expect(primary["OBS_VALUE"] == "" && primary["CONF_STATUS"] == "C" && primary["OBS_STATUS"] == "A")
        let free = try #require(records.first { $0["SEX"] == "_T" && $0["AGE"] == "_T" && $0["OBS_STATUS"] == "A" })
        #expect(free["OBS_VALUE"] == "44" && free["CONF_STATUS"] == "F" && free["COMMENT_OBS"] == "")
        let estimate = try #require(records.first { $0["OBS_STATUS"] == "E" })
        #expect(estimate["OBS_VALUE"] == "5000" && estimate["LOWER_BOUND"] == "3000"
                && estimate["UPPER_BOUND"] == "7000.5" && estimate["DATA_SOURCE_TYPE"] == "EST")
        #expect(estimate["COMMENT_OBS"]?.isEmpty == false)
        for record in records where record["OBS_VALUE"] == "" { #expect(record["CONF_STATUS"] == "C") }
    }

    @Test func fieldsAreQuotedPerRFC4180() throws {
        let table = ReportTable(dimensions: ["source"], cells: [ReportCell(codes: ["a,\"b\"\nc"], value: 7)])
        let records = try Self.records(table)
        #expect(records.first?["SOURCE"] == "a,\"b\"\nc")
    }

    // MARK: Codes

    @Test func notStatedIsUnknownNeverNotApplicable() throws {
        let records = try Self.records(ReportTestTables.sexAge())
        #expect(records.contains { $0["AGE"] == "_U" })
        for record in records { for (_, value) in record { #expect(value != "_Z") } }
        #expect(ReportSDMXRenderer.code(dimension: "reason", "_Z", occupationLevel: 1) == "_U")
        // Explicit unknown codes of the national lists stay codes of their lists.
        #expect(ReportSDMXRenderer.code(dimension: "reason", "UNK", occupationLevel: 1) == "UNK")
        #expect(ReportSDMXRenderer.code(dimension: "sex", "_U", occupationLevel: 1) == "_U")
    }

    @Test func occupationResidualHasOneCodePerLevel() {
        #expect(ReportSDMXRenderer.code(dimension: "occupation", "_X", occupationLevel: 2) == "_XL2")
        #expect(ReportSDMXRenderer.code(dimension: "occupation", "_X", occupationLevel: 3) == "_XL3")
        #expect(ReportSDMXRenderer.code(dimension: "occupation", "21", occupationLevel: 2) == "21")
    }

    /// Report age labels (Eurostat bands, custom bands, not stated, total) and their CL_AGE codes.
    static let ageCodes: [(label: String, code: String)] = [
        ("_T", "_T"), ("Y_LT5", "Y_LT5"), ("Y5-9", "Y5T9"), ("Y15-19", "Y15T19"), ("Y_GE85", "Y_GE85"),
        ("0-14", "Y_LT15"), ("0-5", "Y_LT6"), ("0", "Y_LT1"), ("6-13", "Y6T13"), ("14", "Y14"), ("65+", "Y_GE65"),
        ("_Z", "_U"),
    ]

    @Test(arguments: ReportSDMXTests.ageCodes)
    func ageLabelBecomesItsCLAGECode(_ pair: (label: String, code: String)) throws {
        #expect(ReportSDMXRenderer.code(dimension: "age", pair.label, occupationLevel: 1) == pair.code)
        let table = ReportTable(dimensions: ["age"], cells: [ReportCell(codes: [pair.label], value: 1)])
        #expect(try Self.records(table).first?["AGE"] == pair.code)
    }

    @Test func onlyTheAgeDimensionIsConverted() throws {
        let table = ReportTable(dimensions: ["source", "occupation", "age", "purpose"], cells: [
            ReportCell(codes: ["5-9", "14", "5-9", "65+"], value: 12),
        ])
        let record = try #require(try Self.records(table).first)
        #expect(record["SOURCE"] == "5-9" && record["OCCUPATION"] == "14" && record["AGE"] == "Y5T9"
                && record["PURPOSE"] == "65+")
    }

    @Test func countModeAndTableTypeAreDimensions() throws {
        var persons = ReportQuery(dimensions: ["sex"], period: ReportPeriod("2024"), count: .persons)
        persons.filters = [:]
        let p = try #require(try Self.records(ReportTestTables.sexAge(), SDMXContext(query: persons)).first)
        #expect(p["UNIT_MEASURE"] == "PS" && p["TABLE_TYPE"] == "FLEX")
        let declared = SDMXContext(tableType: .declared, filters: ["purpose": ["labour_2024"]])
        let table = ReportTable(dimensions: ["sex", "period"], cells: [ReportCell(codes: ["F", "2024"], value: 9)])
        let d = try #require(try Self.records(table, declared).first)
        #expect(d["UNIT_MEASURE"] == "EVT" && d["TABLE_TYPE"] == "DECL" && d["PURPOSE"] == "labour_2024")
    }

    // MARK: Time

    @Test(arguments: [
        ("2024-01-01", "2024-12-31", "2024"), ("2024-04-01", "2024-06-30", "2024-Q2"),
        ("2024-02-01", "2024-02-29", "2024-M02"), ("2024-02-01", "2024-03-31", "2024-02-01/P2M"),
        ("2023-01-01", "2024-12-31", "2023-01-01/P2Y"), ("2024-02-03", "2024-03-13", "2024-02-03/P40D"),
        ("2024-03-05", "2024-03-05", "2024-03-05"), ("2023-12-31", "2024-01-01", "2023-12-31/P2D"),
        ("2024-11-01", "2025-01-31", "2024-11-01/P3M"),
    ])
    func periodsAreSDMXTimePeriodsOrRanges(from: String, to: String, expected: String) {
        #expect(ReportSDMXRenderer.timePeriod(from: from, to: to) == expected)
    }

    @Test func aPeriodCutByTheReportRangeIsARange() throws {
        let table = ReportTable(dimensions: ["period"], cells: [
            ReportCell(codes: ["_T"], value: 50), ReportCell(codes: ["2024-Q1"], value: 20),
            ReportCell(codes: ["2024-Q2"], value: 30),
        ])
        let context = SDMXContext(period: ReportPeriod("2024-02..2024-05"))
        // The period total comes last (written when the table ends).
        #expect(try Self.records(table, context).map { $0["TIME_PERIOD"] }
                == ["2024-02-01/P2M", "2024-04-01/P2M", "2024-02-01/P4M"])
        let whole = SDMXContext(period: ReportPeriod("2024-Q1..2024-Q2"))
        #expect(try Self.records(table, whole).map { $0["TIME_PERIOD"] } == ["2024-Q1", "2024-Q2", "2024-01-01/P6M"])
    }

    @Test func withoutARangeThePeriodTotalSpansTheTablesPeriods() throws {
        let table = ReportTestTables.nationalityPeriod()
        let records = try Self.records(table, SDMXContext())
        #expect(records.count == table.cells.count)
        #expect(Set(records.map { $0["TIME_PERIOD"]! }) == ["2024-Q1", "2024-Q2", "2024-01-01/P6M"])
        for record in records { #expect(record["TIME_PERIOD"] != "_T") }
    }

    @Test func aTableOfOnePeriodWritesItsPeriodTotalOnce() throws {
        let table = Self.countedAndEstimatedAlike()
        let records = try Self.records(table, SDMXContext(withEstimates: true))
        #expect(records.count == table.cells.count - 2)
        #expect(records.allSatisfy { $0["TIME_PERIOD"] == "2024" })
        let keyed = try Self.keys(ReportSDMXRenderer.render(table, context: SDMXContext(period: ReportPeriod("2024"),
                                                                                          withEstimates: true)))
        #expect(keyed.count == table.cells.count - 2 && Set(keyed).count == keyed.count)
    }

    @Test func aReportWithoutAPeriodIsRefused() throws {
        let table = ReportTestTables.sexAge()
        #expect(throws: MigstatError.self) { try ReportSDMXRenderer.render(table, context: SDMXContext()) }
        #expect(throws: MigstatError.self) {
            try SDMXContext(tableType: .declared).check(dimensions: ["sex"])
        }
        try SDMXContext(tableType: .declared).check(dimensions: ["sex", "period"])
        // Estimates need the period dimension (an estimate's own period is its period category).
        #expect(throws: MigstatError.self) {
            try SDMXContext(period: ReportPeriod("2024"), withEstimates: true).check(dimensions: ["sex"])
        }
        try SDMXContext(withEstimates: true).check(dimensions: ["sex", "period"])
    }

    // MARK: Filters

    @Test func aFilterOnOneCodeIsItsDimensionsCode() throws {
        let context = SDMXContext(filters: ["nationality": ["KGZ"], "age": ["0-14"], "reason": ["_Z"]],
                                  period: ReportPeriod("2024"))
        for record in try Self.records(ReportTestTables.sexAge(), context) {
            #expect(record["NATIONALITY"] == "KGZ" && record["AGE"] != "_T" && record["REASON"] == "_U")
        }
        let byNationality = SDMXContext(filters: ["age": ["0-14"]], period: ReportPeriod("2024"))
        let table = ReportTable(dimensions: ["nationality"], cells: [ReportCell(codes: ["_T"], value: 5)])
        #expect(try Self.records(table, byNationality).first?["AGE"] == "Y_LT15")
    }

    @Test func aFilterOnSeveralCodesOfAnUnlistedDimensionIsRefused() throws {
        let context = SDMXContext(filters: ["nationality": ["TJK", "UZB"]], period: ReportPeriod("2024"))
        do {
            try context.check(dimensions: ["sex"])
            Issue.record("a two-code filter was accepted")
        } catch let error as MigstatError {
            #expect(error.message.contains("--filter nationality=TJK,UZB"))
            #expect(error.hint?.contains("add nationality to --by") == true)
        }
        try context.check(dimensions: ["sex", "nationality"])
    }

    @Test func theTotalOfAFilteredBreakdownIsLeftOut() throws {
        let table = ReportTable(dimensions: ["nationality", "sex"], cells: [
            ReportCell(codes: ["_T", "_T"], value: 90), ReportCell(codes: ["_T", "F"], value: 40),
            ReportCell(codes: ["TJK", "_T"], value: 50), ReportCell(codes: ["TJK", "F"], value: 20),
            ReportCell(codes: ["UZB", "_T"], value: 40), ReportCell(codes: ["UZB", "F"], value: 20),
        ])
        let context = SDMXContext(filters: ["nationality": ["TJK", "UZB"]], period: ReportPeriod("2024"))
        let records = try Self.records(table, context)
        #expect(records.count == 4)
        #expect(!records.contains { $0["NATIONALITY"] == "_T" })
        #expect(Set(records.map { $0["NATIONALITY"]! }) == ["TJK", "UZB"])
    }

    // MARK: Keys

    @Test func aCountedCellAndAnEstimateWithTheSameCodesAreTwoObservations() throws {
        let table = Self.countedAndEstimatedAlike()
        let records = try Self.records(table, SDMXContext(withEstimates: true))
        #expect(records.count == table.cells.count - 2)   // one period: its total is not written twice
        let alike = records.filter { $0["NATIONALITY"] == "KGZ" && $0["TIME_PERIOD"] == "2024" }
        #expect(Set(alike.map { $0["DATA_SOURCE_TYPE"]! }) == ["COUNT", "EST"])
    }

    @Test func twoEstimatesWithOneKeyAreRefused() throws {
        var table = Self.countedAndEstimatedAlike()
        table.cells.append(ReportCell(codes: ["KGZ", "2024"], value: 900, obsStatus: "E", isEstimate: true))
        #expect(throws: MigstatError.self) {
            try ReportSDMXRenderer.render(table, context: SDMXContext(withEstimates: true))
        }
    }

    @Test(arguments: [ReportTestTables.sexAge(), ReportTestTables.nationalityPeriod(),
                      ReportSDMXTests.countedAndEstimatedAlike()])
    func noTwoRowsShareAKey(table: ReportTable) throws {
        let context = table.dimensions.contains("period") ? SDMXContext() : Self.year2024
        let keys = try Self.keys(ReportSDMXRenderer.render(table, context: context))
        #expect(keys.count >= table.cells.count - table.counted.filter { $0.codes.last == "_T" }.count)
        #expect(Set(keys).count == keys.count)
        #expect(keys.allSatisfy { $0.count == Self.dsdDimensions.count })
    }

    /// The key test above can fail: without DATA_SOURCE_TYPE the fixtures with estimates do repeat a key.
    @Test func withoutTheDataSourceTypeTheEstimatesWouldRepeatAKey() throws {
        let index = try #require(Self.dsdDimensions.firstIndex(of: "DATA_SOURCE_TYPE"))
        let keys = try Self.keys(ReportSDMXRenderer.render(Self.countedAndEstimatedAlike(), context: SDMXContext()))
            .map { key in key.enumerated().filter { $0.offset != index }.map(\.element) }
        #expect(Set(keys).count < keys.count)
    }

    @Test func declaredFiltersAreRead() {
        #expect(SDMXContext.parseFilters(#"{"sex": ["F"], "age": ["15-19"]}"#) == ["sex": ["F"], "age": ["15-19"]])
        #expect(SDMXContext.parseFilters(#"{"nationality":"KGZ"}"#) == ["nationality": ["KGZ"]])
        #expect(SDMXContext.parseFilters("{}") == [:])
        #expect(SDMXContext.parseFilters(#"{"a\"b": ["x\u0041"]}"#) == ["a\"b": ["xA"]])
    }
}
