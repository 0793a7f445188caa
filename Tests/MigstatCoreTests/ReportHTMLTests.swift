import Testing
import MigstatCore

/// The self-contained HTML page.
@Suite struct ReportHTMLTests {
    @Test func ageAndSexGiveAPyramid() throws {
        let table = ReportTestTables.sexAge()
        let html = ReportHTMLRenderer.render(table)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(html.contains("aria-label=\"Age\u{2013}sex pyramid"))
        #expect(ReportChart.pyramid(table, id: "p") != nil)
        #expect(!html.contains("Bar chart"))
        // The pyramid draws suppressed bars hatched and labelled, never as zero.
        let pyramid = try #require(ReportChart.pyramid(table, id: "p")).svg
        #expect(pyramid.contains("url(#p-hatch)"))
        #expect(pyramid.contains(">x<") && !pyramid.contains("(A)") && !pyramid.contains("(D)"))
        #expect(pyramid.contains("role=\"img\"") && pyramid.contains("<title>"))
    }

    @Test func otherwiseOneBarChartPerDimension() throws {
        let table = ReportTestTables.nationalityPeriod()
        let html = ReportHTMLRenderer.render(table)
        #expect(ReportChart.pyramid(table, id: "p") == nil)
        #expect(!html.contains("pyramid"))
        #expect(html.ranges(of: "<svg").count == 2)
        #expect(html.contains("aria-label=\"Bar chart: Nationality\""))
        #expect(html.contains("aria-label=\"Bar chart: Period\""))
        // Suppressed margin cells are hatched in the bar chart.
        let bars = try #require(ReportChart.bars(table, dimension: 1, id: "b"))
        #expect(bars.svg.contains("2024 Q1") && bars.svg.contains(">50<"))
        let nationality = try #require(ReportChart.bars(table, dimension: 0, id: "n"))
        #expect(nationality.svg.contains("Kyrgyzstan") && nationality.svg.contains("Not stated"))
    }

    @Test func aPyramidAlsoHasBarChartsForTheOtherDimensions() {
        var table = ReportTestTables.sexAge()
        table.dimensions = ["sex", "age", "direction"]
        table.cells = table.cells.filter { !$0.isEstimate }.map { cell in
            var cell = cell
            cell.codes.append("_T")
            return cell
        } + [ReportCell(codes: ["_T", "_T", "IN"], value: 40), ReportCell(codes: ["_T", "_T", "OUT"], value: 4,
                                                                          confStatus: "F")]
        let html = ReportHTMLRenderer.render(table)
        #expect(html.contains("pyramid"))
        #expect(html.contains("aria-label=\"Bar chart: Direction\""))
        #expect(!html.contains("aria-label=\"Bar chart: Sex\""))
    }

    @Test func aBarChartShowsTheLargestCategoriesWhenThereAreMany() throws {
        let codes = (1...40).map { "C\($0)" }
        let cells = [ReportCell(codes: ["_T"], value: 820)] + codes.enumerated().map { i, code in
            ReportCell(codes: [code], value: i == 0 ? nil : i, confStatus: i == 0 ? "C" : "F")
        }
        let chart = try #require(ReportChart.bars(ReportTable(dimensions: ["country"], cells: cells), dimension: 0,
                                                  id: "c"))
        #expect(chart.caption.contains("The 30 largest of 40 categories"))
        #expect(chart.svg.contains(">C40<") && chart.svg.contains(">C11<") && !chart.svg.contains(">C10<"))
        #expect(chart.svg.ranges(of: "<g>").count == 30)
    }

    @Test func labelsAndParametersAreEscaped() {
        var table = ReportTestTables.sexAge(femaleLabel: "<script>alert('x')</script> & \"friends\"")
        table.parameters.append(.init("Filters", "<img src=x onerror=alert(1)>"))
        let html = ReportHTMLRenderer.render(table)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func thePageIsSelfContained() {
        for table in [ReportTestTables.sexAge(), ReportTestTables.nationalityPeriod()] {
            let html = ReportHTMLRenderer.render(table)
            #expect(!html.contains("http://") && !html.contains("https://"))
            #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("@import"))
            #expect(!html.contains("src="))
            #expect(html.contains("<style>") && html.contains("@media print"))
            #expect(html.contains("<title>Migration statistics by"))
            #expect(html.contains("Content-Security-Policy"))
        }
    }

    @Test func suppressedCellsTotalsAndEstimatesAreMarked() {
        let html = ReportHTMLRenderer.render(ReportTestTables.sexAge())
        #expect(html.contains("<td class=\"sup\" title=\"Not published (confidential)\">x<sup>C</sup>"))
        #expect(html.contains("<tr class=\"total grand\">"))
        #expect(html.contains("class=\"num total\">44</td>"))
        // Legend for C, E and totals, always; nothing tells a primary from a secondary cell.
        #expect(html.contains("(CONF_STATUS C, confidential)") && html.contains("(OBS_STATUS E)"))
        #expect(!html.contains("<sup>A</sup>") && !html.contains("<sup>D</sup>") && !html.contains("CONF_STATUS A")
                && !html.contains("CONF_STATUS D") && !html.contains("primary") && !html.contains("secondary"))
        // The declared table says so in its lead.
        #expect(html.contains("<p class=\"lead disclosure\">Declared table sex_age of purpose labour_2024: exact counts"))
        // Estimates in their own table with bounds.
        #expect(html.contains("id=\"estimates-heading\""))
        #expect(html.contains("5,000<sup>E</sup></td><td>3,000</td><td>7000.5</td>"))
        // Parameters.
        #expect(html.contains("<dt>Dimensions</dt><dd>Sex \u{00D7} Age group</dd>"))
    }

    @Test func aFlexibleTableSaysItsValuesArePerturbedAndADeclaredOneShowsItsTitle() {
        let flexible = ReportHTMLRenderer.render(ReportTestTables.nationalityPeriod())
        #expect(flexible.contains("<p class=\"lead disclosure\">Values are perturbed (cell-key method): each differs "
                                  + "from the true count by at most 3, and no 1s or 2s are published.</p>"))
        var declared = ReportTestTables.sexAge()
        declared.declaredTitle = "Entries and exits by sex and age"
        let html = ReportHTMLRenderer.render(declared)
        #expect(html.contains("<title>Entries and exits by sex and age</title>"))
        #expect(html.contains("<h1>Entries and exits by sex and age</h1>"))
        #expect(!html.contains("perturbed"))
    }

    @Test func sexBecomesTheColumnsOfTheCrossTable() {
        let table = ReportTestTables.sexAge()
        #expect(ReportHTMLRenderer.columnDimension(table) == 0)
        #expect(ReportHTMLRenderer.columnDimension(ReportTestTables.nationalityPeriod()) == 1)
        let one = ReportTable(dimensions: ["sex"], cells: [ReportCell(codes: ["_T"], value: 3)])
        #expect(ReportHTMLRenderer.columnDimension(one) == nil)
        #expect(ReportHTMLRenderer.render(one).contains("<th scope=\"col\">Value</th>"))
    }
}
