import Testing
import MigstatCore
import MigstatPQ

/// Report parameters and how `ReportStore` sends them to migstat.report (no database).
@Suite struct ReportQueryTests {
    @Test func filtersAreParsedMergedAndSentAsJSON() throws {
        var query = ReportQuery(dimensions: [" Sex", "AGE "])
        #expect(query.dimensions == ["sex", "age"])
        try query.addFilter("nationality=UZB, TJK")
        try query.addFilter("sex=F")
        try query.addFilter("nationality=KGZ")
        #expect(query.filters == ["nationality": ["UZB", "TJK", "KGZ"], "sex": ["F"]])
        #expect(query.filtersJSON == "{\"nationality\": [\"UZB\", \"TJK\", \"KGZ\"], \"sex\": [\"F\"]}")
        #expect(throws: MigstatError.self) { try query.addFilter("sex") }
        #expect(throws: MigstatError.self) { try query.addFilter("=F") }
        #expect(throws: MigstatError.self) { try query.addFilter("sex=") }
        #expect(ReportQuery(dimensions: ["sex"]).filtersJSON == "{}")
    }

    /// COPY takes no parameters: each parameter becomes a quoted literal where it was bound, so a value
    /// that itself reads `$1` or holds quotes stays inside its own literal.
    @Test func copyStatementInlinesEachParameterOnceAsAQuotedLiteral() throws {
        var query = ReportQuery(dimensions: ["sex"], ageBands: "$1'; DROP TABLE x; --")
        try query.addFilter("nationality=$1,$10")
        let sql = try PQConnection.copyStatement(selecting: ReportStore.statement(for: query))
        #expect(sql.hasPrefix("COPY (") && sql.hasSuffix(") TO STDOUT"))
        #expect(!sql.contains("$"  + "2") && !sql.contains("$" + "3::date"))
        #expect(sql.contains("migstat.report('{\"sex\"}'::text[], '{\"nationality\": [\"$1\", \"$10\"]}'::jsonb, NULL::date, NULL::date, NULL, '$1''; DROP TABLE x; --', NULL::integer, 'records', '1'::integer, 'false')"), "\(sql)")
    }

    @Test func parametersAreBoundInTheFunctionsOrder() {
        let query = ReportQuery(dimensions: ["sex", "period"], period: ReportPeriod("2024-Q2"), periodUnit: "month",
                                ageBands: "0-17,18+", threshold: 10, count: .persons, occupationLevel: 2,
                                withEstimates: true)
        let statement = ReportStore.statement(for: query)
        #expect(statement.parameters == ["{\"sex\",\"period\"}", "{}", "2024-04-01", "2024-06-30", "month",
                                         "0-17,18+", "10", "persons", "2", "true"])
        let plain = ReportStore.statement(for: ReportQuery(dimensions: ["sex"]))
        #expect(plain.parameters == ["{\"sex\"}", "{}", nil, nil, nil, nil, nil, "records", "1", "false"])
        #expect(statement.sql.contains(
            "migstat.report($1::text[], $2::jsonb, $3::date, $4::date, $5, $6, $7::integer, $8, $9::integer, $10)"),
            "\(statement.sql)")
    }

    @Test func aPeriodUnitAddsThePeriodDimensionLast() {
        #expect(ReportQuery(dimensions: ["sex"], periodUnit: "quarter").resultDimensions == ["sex", "period"])
        #expect(ReportQuery(dimensions: ["period", "sex"], periodUnit: "year").resultDimensions == ["period", "sex"])
        #expect(ReportQuery(dimensions: ["sex"]).resultDimensions == ["sex"])
    }

    @Test func theThresholdIsTheLargestOfSettingSpecialAndRequest() {
        func k(_ query: ReportQuery) -> Int { query.effectiveThreshold(setting: 5, specialSetting: 10) }
        #expect(k(ReportQuery(dimensions: ["sex"])) == 5)
        #expect(k(ReportQuery(dimensions: ["sex", "migration_status"])) == 10)
        #expect(k(ReportQuery(dimensions: ["sex"], filters: ["disability": ["DIS"]])) == 10)
        #expect(k(ReportQuery(dimensions: ["sex"], threshold: 20)) == 20)
        #expect(k(ReportQuery(dimensions: ["sex"], threshold: 2)) == 5)
        #expect(ReportQuery(dimensions: ["sex"]).effectiveThreshold(setting: nil, specialSetting: nil) == 1)
    }

    @Test func displayParametersDescribeTheReport() {
        var query = ReportQuery(dimensions: ["sex", "age"], period: ReportPeriod("2024"), count: .persons)
        query.filters = ["nationality": ["UZB"]]
        let lines = query.displayParameters(threshold: 5, generated: "2025-01-01 10:00 UTC")
        let byName = Dictionary(uniqueKeysWithValues: lines.map { ($0.name, $0.value) })
        #expect(lines.first?.name == "Dimensions")
        #expect(byName["Dimensions"] == "Sex \u{00D7} Age group")
        #expect(byName["Period"] == "2024 (2024-01-01 to 2024-12-31)")
        #expect(byName["Filters"] == "Nationality: UZB")
        #expect(byName["Age bands"] == "five-year bands (Eurostat)")
        #expect(byName["Count"]?.hasPrefix("persons") == true)
        #expect(byName["Threshold"]?.hasPrefix("K = 5: counts of 1 to 4") == true)
        #expect(byName["Generated"] == "2025-01-01 10:00 UTC")
        #expect(byName["Estimates"] == nil && byName["Period unit"] == nil)
    }
}
