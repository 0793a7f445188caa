/// The `html` format: ONE self-contained page (inline CSS and SVG, no scripts, no fonts, no URLs; a
/// Content-Security-Policy forbids any fetch) with the title and parameters, how the values are protected
/// (perturbed, or a declared table), charts, the table with totals and withheld cells marked, a legend, and the estimates. Readable on paper (`@media print`); every text from
/// the data is HTML-escaped.
///
/// Charts: an age–sex pyramid when `age` and `sex` are both dimensions; a bar chart of the margin of every
/// other dimension. The table is a cross-tabulation when one dimension has few categories (sex preferred),
/// otherwise one row per cell.
package enum ReportHTMLRenderer {
    /// The most categories (with `_T`) a dimension may have to become the table's columns.
    package static let maxColumns = 13

    /// Renders `table` as a complete HTML document.
    package static func render(_ table: ReportTable) -> String {
        let escapedTitle = ReportEscape.html(table.title)
        var html = """
            <!DOCTYPE html>
            <html lang="\(table.presentation.language.tag)">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light">
            <meta name="generator" content="migstat">
            <title>\(escapedTitle)</title>
            <style>\(css)</style>
            </head>
            <body>
            <header>
            <h1>\(escapedTitle)</h1>
            <p class="lead">\(ReportEscape.html(table.text("Disaggregated statistics with statistical disclosure control applied in the database.")))</p>
            \(table.disclosureNote.map { "<p class=\"lead disclosure\">\(ReportEscape.html($0))</p>\n" } ?? "")
            """
        if !table.parameters.isEmpty {
            html += "<dl class=\"params\">\n"
            for parameter in table.parameters {
                html += "<dt>\(ReportEscape.html(table.text(parameter.name)))</dt><dd>\(ReportEscape.html(table.text(parameter.value)))</dd>\n"
            }
            html += "</dl>\n"
        }
        html += "</header>\n<main>\n"
        html += charts(table)
        html += "<section aria-labelledby=\"table-heading\">\n<h2 id=\"table-heading\">\(ReportEscape.html(table.text("Table")))</h2>\n"
        html += legend(table)
        html += dataTable(table)
        html += "</section>\n"
        html += estimatesTable(table)
        html += """
            </main>
            <footer>
            <p>\(ReportEscape.html(table.text(footer)))</p>
            </footer>
            </body>
            </html>

            """
        return html
    }

    // MARK: - Parts

    /// The charts section: the pyramid and/or bar charts; empty when there is nothing to draw.
    static func charts(_ table: ReportTable) -> String {
        var figures: [String] = []
        var drawn: Set<String> = []
        if let pyramid = ReportChart.pyramid(table, id: "chart-pyramid") {
            figures.append(figure(pyramid, heading: table.text("Age and sex")))
            drawn = ["age", "sex"]
        }
        for (index, dimension) in table.dimensions.enumerated() where !drawn.contains(dimension) {
            if let bars = ReportChart.bars(table, dimension: index, id: "chart-\(index + 1)") {
                figures.append(figure(bars, heading: table.dimensionName(dimension)))
            }
        }
        guard !figures.isEmpty else { return "" }
        return "<section aria-labelledby=\"charts-heading\">\n<h2 id=\"charts-heading\">" + ReportEscape.html(table.text("Charts")) + "</h2>\n"
            + figures.joined() + "</section>\n"
    }

    private static func figure(_ chart: (svg: String, caption: String), heading: String) -> String {
        "<figure>\n<h3>\(ReportEscape.html(heading))</h3>\n\(chart.svg)\n"
            + "<figcaption>\(ReportEscape.html(chart.caption))</figcaption>\n</figure>\n"
    }

    /// The footer's explanation of the codes and marks (English; translated by `ReportLabels.text`).
    static let footer = "Codes follow SDMX conventions: _T total, _Z not stated. Totals include the not-stated "
        + "category. Cells marked x are withheld by the database (CONF_STATUS C) so that no small count can be read "
        + "or derived by subtraction."

    /// The legend of the table's marks: withheld (C), E and totals (always all of them).
    static func legend(_ table: ReportTable) -> String {
        let t = { (english: String) in ReportEscape.html(table.text(english)) }
        return """
        <ul class="legend" aria-label="\(t("Legend"))">
        <li><span class="key sup">x<sup>C</sup></span><span>\(t("Not published (CONF_STATUS C, confidential): withheld so that no small count can be read or derived."))</span></li>
        <li><span class="key est">123<sup>E</sup></span><span>\(t("Estimate from a study or other source (OBS_STATUS E), listed separately and never added into counted cells."))</span></li>
        <li><span class="key tot">\(t("Total"))</span><span>\(t("Totals (_T) are shaded."))</span></li>
        </ul>

        """
    }

    /// The column dimension of the cross-tabulation: `sex` if it is small enough, else among the dimensions
    /// with at most `maxColumns` categories the one whose labels take the least width (the later one on a
    /// tie); `nil` (one row per cell) for one dimension or when every dimension is large.
    package static func columnDimension(_ table: ReportTable) -> Int? {
        guard table.dimensions.count >= 2 else { return nil }
        let small = table.dimensions.indices.filter { table.categories($0).count <= maxColumns }
        if let sex = table.dimensions.firstIndex(of: "sex"), small.contains(sex) { return sex }
        func width(_ index: Int) -> Int {
            table.categories(index).reduce(0) { sum, code in
                sum + min(max(table.label(table.dimensions[index], code).count, 6), 16)
            }
        }
        return small.min { a, b in width(a) != width(b) ? width(a) < width(b) : a > b }
    }

    /// The counted cells as an HTML table.
    static func dataTable(_ table: ReportTable) -> String {
        let counted = table.counted
        let dims = table.dimensions
        let column = columnDimension(table)
        let rowDims = dims.indices.filter { $0 != column }
        let columns = column.map { table.categories($0) } ?? []
        var html = "<div class=\"scroll\"><table class=\"data\">\n<caption>"
            + ReportEscape.html(table.title) + (column.map {
                ": " + table.text("rows by") + " "
                    + rowDims.map { ReportLabels.dimensionPhrase(dims[$0], table.presentation.language) }
                        .joined(separator: ", ") + ", " + table.text("columns by") + " "
                    + ReportLabels.dimensionPhrase(dims[$0], table.presentation.language)
            } ?? "") + "</caption>\n<thead>\n"
        if let column {
            html += "<tr>"
            for i in rowDims {
                html += "<th scope=\"col\" rowspan=\"2\">\(ReportEscape.html(table.dimensionName(dims[i])))</th>"
            }
            html += "<th scope=\"colgroup\" colspan=\"\(columns.count)\">"
                + "\(ReportEscape.html(table.dimensionName(dims[column])))</th></tr>\n<tr>"
            for code in columns {
                html += "<th scope=\"col\"\(code == ReportLabels.total ? " class=\"total\"" : "")>"
                    + labelHTML(table, dims[column], code) + "</th>"
            }
            html += "</tr>\n"
        } else {
            html += "<tr>"
            for i in rowDims {
                html += "<th scope=\"col\">\(ReportEscape.html(table.dimensionName(dims[i])))</th>"
            }
            html += "<th scope=\"col\">\(ReportEscape.html(table.text("Value")))</th></tr>\n"
        }
        html += "</thead>\n<tbody>\n"

        // Rows: the codes of the row dimensions, in order of first appearance.
        var rowOrder: [[String]] = []
        var rowCells: [[String]: [String: ReportCell]] = [:]
        for cell in counted {
            let key = rowDims.map { cell.codes[$0] }
            if rowCells[key] == nil {
                rowOrder.append(key)
                rowCells[key] = [:]
            }
            let columnCode = column.map { cell.codes[$0] } ?? ""
            if rowCells[key]![columnCode] == nil { rowCells[key]![columnCode] = cell }
        }
        for key in rowOrder {
            let totals = key.filter { $0 == ReportLabels.total }.count
            let rowClass = totals == 0 ? "" : totals == key.count ? " class=\"total grand\"" : " class=\"total\""
            html += "<tr\(rowClass)>"
            for (position, i) in rowDims.enumerated() {
                html += "<th scope=\"row\">" + labelHTML(table, dims[i], key[position]) + "</th>"
            }
            for code in column == nil ? [""] : columns {
                html += valueHTML(rowCells[key]?[code], columnIsTotal: code == ReportLabels.total,
                                  language: table.presentation.language)
            }
            html += "</tr>\n"
        }
        if rowOrder.isEmpty {
            html += "<tr><td colspan=\"\(rowDims.count + max(columns.count, 1))\">\(ReportEscape.html(table.text("No cells.")))</td></tr>\n"
        }
        html += "</tbody>\n</table></div>\n"
        return html
    }

    /// The estimates (OBS_STATUS E) with their bounds; empty when there are none.
    static func estimatesTable(_ table: ReportTable) -> String {
        let estimates = table.estimates
        guard !estimates.isEmpty else { return "" }
        let t = { (english: String) in ReportEscape.html(table.text(english)) }
        var html = "<section aria-labelledby=\"estimates-heading\">\n<h2 id=\"estimates-heading\">\(t("Estimates"))</h2>\n"
            + "<p>" + t("Estimates from studies and other sources where records cannot exist (for example irregular "
            + "migration). They are not counts and are never added into the counted cells above.") + "</p>\n"
            + "<div class=\"scroll\"><table class=\"data\">\n<caption>\(t("Estimates (OBS_STATUS E)"))</caption>\n<thead><tr>"
        for dimension in table.dimensions {
            html += "<th scope=\"col\">\(ReportEscape.html(table.dimensionName(dimension)))</th>"
        }
        html += "<th scope=\"col\">\(t("Estimate"))</th><th scope=\"col\">\(t("Lower bound"))</th><th scope=\"col\">\(t("Upper bound"))</th>"
            + "</tr></thead>\n<tbody>\n"
        for cell in estimates {
            html += "<tr>"
            for (dimension, code) in zip(table.dimensions, cell.codes) {
                html += "<th scope=\"row\">" + labelHTML(table, dimension, code) + "</th>"
            }
            html += "<td class=\"est\">\(cell.value.map { ReportLabels.grouped($0, table.presentation.language) } ?? "")<sup>E</sup></td>"
                + "<td>\(bound(cell.lower, table.presentation.language))</td><td>\(bound(cell.upper, table.presentation.language))</td></tr>\n"
        }
        return html + "</tbody>\n</table></div>\n</section>\n"
    }

    /// An estimate's bound: grouped when whole, as printed by PostgreSQL otherwise, a dash when absent.
    static func bound(_ text: String?, _ language: ReportLanguage = .en) -> String {
        guard let text else { return "\u{2013}" }
        return Int(text).map { ReportLabels.grouped($0, language) } ?? ReportEscape.html(text)
    }

    /// A code's label, with the code itself in small type when it says more than the label (not for periods
    /// and the age bands a statistician typed, whose label is the code in other words).
    static func labelHTML(_ table: ReportTable, _ dimension: String, _ code: String) -> String {
        let label = table.label(dimension, code)
        let showCode = label != code && dimension != "period"
            && !(dimension == "age" && code.first.map(\.isASCIIDigit) == true)
        return ReportEscape.html(label)
            + (showCode ? " <span class=\"code\">\(ReportEscape.html(code))</span>" : "")
    }

    /// One value cell: the number, `x` with its flag when suppressed, empty when the cell is missing.
    static func valueHTML(_ cell: ReportCell?, columnIsTotal: Bool, language: ReportLanguage = .en) -> String {
        let total = columnIsTotal ? " total" : ""
        guard let cell else { return "<td class=\"none\(total)\"></td>" }
        if cell.isSuppressed {
            let title = ReportEscape.html(ReportLabels.text("Not published (confidential)", language))
            return "<td class=\"sup\(total)\" title=\"\(title)\">x<sup>\(cell.publishedConfStatus)</sup>"
                + "<span class=\"visually-hidden\"> (\(ReportEscape.html(ReportLabels.text("not published, confidential", language))))</span></td>"
        }
        let value = cell.value ?? 0
        return "<td class=\"\(value == 0 ? "zero" : "num")\(total)\">\(ReportLabels.grouped(value, language))</td>"
    }

    /// The page's style sheet (screen and print).
    static let css = """

        :root { --ink: #1b1b1b; --muted: #5b5b5b; --rule: #c8c8c8; --total: #e9eef5; --sup: #7a1f1f; }
        * { box-sizing: border-box; }
        html { background: #fff; }
        body { margin: 0 auto; max-width: 1120px; padding: 24px 32px 40px; color: var(--ink);
          font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
        h1 { font-size: 1.65rem; margin: 0 0 .2rem; }
        h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--rule); }
        h3 { font-size: 1rem; margin: 0 0 .4rem; }
        .lead { color: var(--muted); margin: 0 0 1rem; }
        .params { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.2rem; margin: 0;
          padding: .8rem 1rem; background: #f6f7f9; border: 1px solid #e1e4e8; border-radius: 4px; font-size: .92rem; }
        .params dt { font-weight: 600; color: #3d3d3d; }
        .params dd { margin: 0; }
        figure { margin: 1rem 0 1.8rem; break-inside: avoid; page-break-inside: avoid; }
        figcaption { font-size: .88rem; color: var(--muted); margin-top: .35rem; max-width: 860px; }
        svg.chart { display: block; max-width: 100%; height: auto; }
        svg.chart text { font-size: 12px; fill: var(--ink); }
        svg.chart text.head { font-size: 15px; font-weight: 700; }
        svg.chart text.muted, svg.chart text.tick { fill: var(--muted); }
        svg.chart text.tick { font-size: 11px; }
        svg.chart text.value { font-size: 11px; }
        svg.chart text.sup { font-size: 11px; font-weight: 700; fill: var(--sup); }
        .scroll { overflow-x: auto; }
        table.data { border-collapse: collapse; font-size: .86rem; font-variant-numeric: tabular-nums;
          margin: .4rem 0; }
        table.data caption { caption-side: top; text-align: left; font-weight: 600; padding: .3rem 0; }
        table.data th, table.data td { border: 1px solid var(--rule); padding: .2rem .55rem; }
        table.data thead th { background: #f1f1f1; vertical-align: bottom; text-align: center; }
        table.data th[scope=row] { text-align: left; font-weight: normal; white-space: nowrap; }
        table.data td { text-align: right; white-space: nowrap; min-width: 4.2em; }
        table.data .total, table.data tr.total th, table.data tr.total td { background: var(--total);
          font-weight: 600; }
        table.data tr.grand th, table.data tr.grand td { border-top: 2px solid #8e9aab; }
        table.data td.zero { color: var(--muted); }
        table.data td.sup, .key.sup { color: var(--sup); font-weight: 700; text-align: center;
          background: repeating-linear-gradient(135deg, #fff 0 3px, #e4e4e4 3px 5px); }
        table.data td.est, .key.est { color: #2d5a2d; font-style: italic; }
        sup { font-size: .7em; margin-left: 1px; }
        .code { color: var(--muted); font: .78em ui-monospace, "DejaVu Sans Mono", monospace; margin-left: .25em; }
        table.data thead .code { display: block; margin: 0; }
        code { font: .9em ui-monospace, "DejaVu Sans Mono", monospace; }
        .legend { list-style: none; padding: 0; margin: .2rem 0 .8rem; font-size: .86rem; color: #333; }
        .legend li { margin: .15rem 0; display: flex; align-items: baseline; gap: .6em; }
        .key { flex: none; display: inline-block; min-width: 3.6em; padding: 0 .35em; text-align: center;
          border: 1px solid var(--rule); }
        .key.tot { background: var(--total); font-weight: 600; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
          white-space: nowrap; }
        footer { margin-top: 2rem; font-size: .82rem; color: var(--muted); border-top: 1px solid var(--rule); }
        @media print {
          @page { margin: 14mm; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { max-width: none; padding: 0; font-size: 10pt; }
          .scroll { overflow: visible; }
          h2, h3 { break-after: avoid; page-break-after: avoid; }
          .params, .legend { break-inside: avoid; page-break-inside: avoid; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; page-break-inside: avoid; }
          table.data { font-size: 8.5pt; }
          table.data th, table.data td { padding: .08rem .35rem; }
          h2 { margin-top: 1.2rem; }
          footer { margin-top: 1rem; }
          svg.chart { max-width: 100%; }
        }

        """
}
