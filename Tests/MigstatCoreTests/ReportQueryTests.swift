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

    @Test func aDeclaredTableIsRunByPurposeAndNameAndItsStatementIsCopyable() throws {
        let table = DeclaredTable(purpose: "labour_2024", name: "it's", title: "T", dimensions: ["sex", "age"],
                                  filtersJSON: "{}", ageBands: nil, periodUnit: "quarter", declaredAt: "",
                                  declaredBy: "", retiredAt: nil, cells: nil, withheld: nil)
        #expect(table.resultDimensions == ["sex", "age", "period"])
        let statement = ReportStore.statement(declared: table)
        #expect(statement.parameters == ["labour_2024", "it's"])
        #expect(statement.sql.contains("FROM migstat.declared_report($1, $2)"), "\(statement.sql)")
        let sql = try PQConnection.copyStatement(selecting: statement)
        #expect(sql.contains("migstat.declared_report('labour_2024', 'it''s')"), "\(sql)")
        #expect(sql.contains("array_to_string(cell_dims, E'\\x1f'), obs_value, obs_status, conf_status"))
    }

    /// The threshold parameter of migstat.report stays in its place and is always NULL (the database refuses one).
    @Test func parametersAreBoundInTheFunctionsOrder() {
        let query = ReportQuery(dimensions: ["sex", "period"], period: ReportPeriod("2024-Q2"), periodUnit: "month",
                                ageBands: "0-17,18+", count: .persons, occupationLevel: 2, withEstimates: true)
        let statement = ReportStore.statement(for: query)
        #expect(statement.parameters == ["{\"sex\",\"period\"}", "{}", "2024-04-01", "2024-06-30", "month",
                                         "0-17,18+", "persons", "2", "true"])
        let plain = ReportStore.statement(for: ReportQuery(dimensions: ["sex"]))
        #expect(plain.parameters == ["{\"sex\"}", "{}", nil, nil, nil, nil, "records", "1", "false"])
        #expect(statement.sql.contains(
            "migstat.report($1::text[], $2::jsonb, $3::date, $4::date, $5, $6, NULL::integer, $7, $8::integer, $9)"),
            "\(statement.sql)")
    }

    @Test func aPeriodUnitAddsThePeriodDimensionLast() {
        #expect(ReportQuery(dimensions: ["sex"], periodUnit: "quarter").resultDimensions == ["sex", "period"])
        #expect(ReportQuery(dimensions: ["period", "sex"], periodUnit: "year").resultDimensions == ["period", "sex"])
        #expect(ReportQuery(dimensions: ["sex"]).resultDimensions == ["sex"])
    }

    @Test func displayParametersDescribeTheReport() {
        var query = ReportQuery(dimensions: ["sex", "age"], period: ReportPeriod("2024"), count: .persons)
        query.filters = ["nationality": ["UZB"]]
        let lines = query.displayParameters(generated: "2025-01-01 10:00 UTC")
        let byName = Dictionary(uniqueKeysWithValues: lines.map { ($0.name, $0.value) })
        #expect(lines.first?.name == "Dimensions")
        #expect(byName["Dimensions"] == "Sex \u{00D7} Age group")
        #expect(byName["Period"] == "2024 (2024-01-01 to 2024-12-31)")
        #expect(byName["Filters"] == "Nationality: UZB")
        #expect(byName["Age bands"] == "five-year bands (Eurostat)")
        #expect(byName["Count"]?.hasPrefix("persons") == true)
        #expect(byName["Threshold"] == nil)
        #expect(byName["Disclosure control"] == "cell-key perturbation: every value within 3 of the true count, "
                + "no 1s or 2s published")
        #expect(byName["Generated"] == "2025-01-01 10:00 UTC")
        #expect(byName["Estimates"] == nil && byName["Period unit"] == nil)
    }
}
