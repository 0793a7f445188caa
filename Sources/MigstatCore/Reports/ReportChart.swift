/// Inline SVG charts of a report (no scripts, no external references): an age–sex pyramid and horizontal bar
/// charts of a dimension's margin. Only counted cells are drawn, never estimates. A suppressed value is drawn as
/// a short hatched bar labelled `x`, never as zero.
package enum ReportChart {
    /// Colours: men, women, other bars, suppressed hatching, grid.
    static let menColour = "#1f5f99"
    static let womenColour = "#b4511b"
    static let barColour = "#3d6fa8"
    static let gridColour = "#d5d5d5"

    /// The most categories a bar chart shows (the largest ones when there are more).
    package static let maxBars = 30

    /// One bar: a category and its (possibly suppressed) value.
    struct Bar {
        var code: String
        var label: String
        var cell: ReportCell?
        /// The language the value is grouped in.
        var language: ReportLanguage = .en

        var value: Int? { cell.flatMap { $0.isSuppressed ? nil : $0.value } }
        var isSuppressed: Bool { cell?.isSuppressed ?? false }
        var valueText: String {
            guard let cell else { return "" }
            if cell.isSuppressed { return "x" }
            return cell.value.map { ReportLabels.grouped($0, language) } ?? ""
        }
    }

    /// The age–sex pyramid, when the table has both `age` and `sex` and the sex categories include `M` or
    /// `F`: men left, women right, one row per age band (youngest at the bottom), from the cells where every
    /// other dimension is `_T`. Age not stated and other sex codes are left out (the caption says so).
    /// - Parameter id: a prefix for the SVG's element ids, unique in the page.
    /// - Returns: the `<svg>` element and a caption, or `nil` when there is no pyramid to draw.
    package static func pyramid(_ table: ReportTable, id: String) -> (svg: String, caption: String)? {
        guard let ageIndex = table.dimensions.firstIndex(of: "age"),
            let sexIndex = table.dimensions.firstIndex(of: "sex")
        else { return nil }
        let sexes = table.categories(sexIndex)
        guard sexes.contains("M") || sexes.contains("F") else { return nil }
        let lookup = table.countedByCodes()
        func cell(age: String, sex: String) -> ReportCell? {
            var codes = Array(repeating: ReportLabels.total, count: table.dimensions.count)
            codes[ageIndex] = age
            codes[sexIndex] = sex
            return lookup[codes]
        }
        let bands = table.categories(ageIndex).filter { $0 != ReportLabels.total && $0 != ReportLabels.notStated }
        guard !bands.isEmpty else { return nil }
        let men = bands.map { Bar(code: $0, label: table.label("age", $0), cell: cell(age: $0, sex: "M"), language: table.presentation.language) }
        let women = bands.map { Bar(code: $0, label: table.label("age", $0), cell: cell(age: $0, sex: "F"), language: table.presentation.language) }
        let (scaleMax, step) = ticks(for: (men + women).compactMap(\.value).max() ?? 0)

        // Layout (SVG user units = CSS pixels at full width).
        // The centre column holds the age labels (wider for "85 жана андан улуу").
        let longestBand = (men.map(\.label.count).max() ?? 0)
        let width = 860.0, side = 16.0, centre = max(92.0, Double(longestBand) * 6.8 + 16), valueRoom = 64.0
        let rowHeight = 20.0, barHeight = 15.0, top = 58.0
        let half = (width - 2 * side - centre) / 2
        let span = half - valueRoom
        let leftAxis = side + half, rightAxis = leftAxis + centre
        let plotBottom = top + Double(bands.count) * rowHeight
        let height = plotBottom + 66
        func scaled(_ value: Int) -> Double { Double(value) / Double(scaleMax) * span }

        let title = table.text("Age\u{2013}sex pyramid: men (left) and women (right) by age group")
        var svg = SVG(id: id, width: width, height: height, title: title,
                      description: table.text("Horizontal bars by age group, youngest at the bottom; "
                          + "suppressed values are hatched and marked x."))
        // Headers with the totals of each sex.
        let menTotal = Bar(code: "M", label: "", cell: cell(age: ReportLabels.total, sex: "M"), language: table.presentation.language)
        let womenTotal = Bar(code: "F", label: "", cell: cell(age: ReportLabels.total, sex: "F"), language: table.presentation.language)
        svg.text(table.label("sex", "M"), x: leftAxis - 4, y: 22, anchor: "end", className: "head",
                 fill: menColour)
        svg.text(table.label("sex", "F"), x: rightAxis + 4, y: 22, anchor: "start", className: "head",
                 fill: womenColour)
        if !menTotal.valueText.isEmpty {
            svg.text(table.text("total") + " \(menTotal.valueText)", x: leftAxis - 4, y: 40, anchor: "end", className: "muted")
        }
        if !womenTotal.valueText.isEmpty {
            svg.text(table.text("total") + " \(womenTotal.valueText)", x: rightAxis + 4, y: 40, anchor: "start", className: "muted")
        }
        svg.text(table.text("Age"), x: leftAxis + centre / 2, y: 40, anchor: "middle", className: "muted")
        // Grid and ticks.
        for tick in stride(from: 0, through: scaleMax, by: step) {
            let dx = scaled(tick)
            for x in [leftAxis - dx, rightAxis + dx] {
                svg.line(x1: x, y1: top - 4, x2: x, y2: plotBottom + 4, stroke: gridColour)
                svg.text(ReportLabels.grouped(tick, table.presentation.language), x: x, y: plotBottom + 18, anchor: "middle", className: "tick")
            }
        }
        // Bars, oldest band at the top.
        for (row, i) in bands.indices.reversed().enumerated() {
            let y = top + Double(row) * rowHeight + (rowHeight - barHeight) / 2
            let textY = y + barHeight - 3.5
            svg.text(men[i].label, x: leftAxis + centre / 2, y: textY, anchor: "middle")
            for (bar, sex, colour, isLeft) in [(men[i], "M", menColour, true), (women[i], "F", womenColour, false)] {
                let name = "\(table.label("sex", sex)), \(bar.label): "
                    + (bar.cell == nil ? table.text("no cell") : bar.isSuppressed ? table.text("not published")
                        : bar.valueText)
                svg.open("g", tooltip: name)
                let axis = isLeft ? leftAxis : rightAxis
                let length = bar.isSuppressed ? 26 : bar.value.map(scaled) ?? 0
                let x = isLeft ? axis - length : axis
                if bar.isSuppressed {
                    svg.rect(x: x, y: y, width: length, height: barHeight, fill: "url(#\(id)-hatch)", stroke: colour,
                             dashed: true)
                } else if length > 0 {
                    svg.rect(x: x, y: y, width: max(length, 1), height: barHeight, fill: colour)
                }
                svg.text(bar.valueText, x: isLeft ? x - 4 : x + length + 4, y: textY,
                         anchor: isLeft ? "end" : "start", className: bar.isSuppressed ? "sup" : "value")
                svg.close("g")
            }
        }
        svg.line(x1: leftAxis, y1: top - 4, x2: leftAxis, y2: plotBottom + 4, stroke: "#777")
        svg.line(x1: rightAxis, y1: top - 4, x2: rightAxis, y2: plotBottom + 4, stroke: "#777")
        svg.legend(y: plotBottom + 44, items: [
            (table.label("sex", "M"), menColour), (table.label("sex", "F"), womenColour),
        ], x: side, notPublished: table.text("not published (x)"))

        var notShown: [String] = []
        let notStated = cell(age: ReportLabels.notStated, sex: ReportLabels.total)
        if let notStated, notStated.isSuppressed || (notStated.value ?? 0) > 0 {
            notShown.append(table.text("age not stated") + ": \(Bar(code: "", label: "", cell: notStated, language: table.presentation.language).valueText)")
        }
        for sex in sexes where sex != ReportLabels.total && sex != "M" && sex != "F" {
            let other = cell(age: ReportLabels.total, sex: sex)
            if let other, other.isSuppressed || (other.value ?? 0) > 0 {
                notShown.append("\(table.label("sex", sex).lowercased()): "
                                + Bar(code: "", label: "", cell: other, language: table.presentation.language).valueText)
            }
        }
        var caption = table.text("Counts by age group and sex")
        if table.dimensions.count > 2 { caption += table.text(", all other dimensions at their totals") }
        caption += ". " + table.text("Hatched bars (x) are not published (confidential).")
        if !notShown.isEmpty { caption += " " + table.text("Not shown") + ": " + notShown.joined(separator: "; ") + "." }
        return (svg.finish(), caption)
    }

    /// A horizontal bar chart of dimension `index`'s margin (every other dimension `_T`), in category order;
    /// with more than `maxBars` categories, the largest `maxBars` (the caption says how many are left out).
    /// - Parameter id: a prefix for the SVG's element ids, unique in the page.
    /// - Returns: the `<svg>` element and a caption, or `nil` when the margin has no categories.
    package static func bars(_ table: ReportTable, dimension index: Int,
                             id: String) -> (svg: String, caption: String)? {
        let dimension = table.dimensions[index]
        var bars = table.margin(index).map { cell in
            Bar(code: cell.codes[index], label: table.label(dimension, cell.codes[index]), cell: cell, language: table.presentation.language)
        }
        guard !bars.isEmpty else { return nil }
        let all = bars.count
        if all > maxBars {
            let kept = bars.enumerated()
                .sorted { ($0.element.value ?? -1, -$0.offset) > ($1.element.value ?? -1, -$1.offset) }
                .prefix(maxBars).map(\.element)
            bars = kept
        }
        let (scaleMax, step) = ticks(for: bars.compactMap(\.value).max() ?? 0)
        let longest = bars.map { $0.label.count }.max() ?? 0
        let width = 860.0, side = 12.0, valueRoom = 70.0, rowHeight = 21.0, barHeight = 15.0, top = 10.0
        let labelWidth = min(max(Double(longest) * 6.6 + 12, 60), 260)
        let maxChars = Int((labelWidth - 12) / 6.6)
        let axis = side + labelWidth
        let span = width - axis - valueRoom - side
        let plotBottom = top + Double(bars.count) * rowHeight
        let height = plotBottom + 30
        func scaled(_ value: Int) -> Double { Double(value) / Double(scaleMax) * span }

        let name = table.dimensionName(dimension)
        var svg = SVG(id: id, width: width, height: height, title: table.text("Bar chart") + ": \(name)",
                      description: table.text("One bar per category; suppressed values are hatched and marked x."))
        for tick in stride(from: 0, through: scaleMax, by: step) {
            let x = axis + scaled(tick)
            svg.line(x1: x, y1: top - 2, x2: x, y2: plotBottom + 2, stroke: gridColour)
            svg.text(ReportLabels.grouped(tick, table.presentation.language), x: x, y: plotBottom + 17, anchor: "middle", className: "tick")
        }
        for (row, bar) in bars.enumerated() {
            let y = top + Double(row) * rowHeight + (rowHeight - barHeight) / 2
            let textY = y + barHeight - 3.5
            let isTotalLike = bar.code == ReportLabels.notStated || bar.code == ReportLabels.notClassifiable
            svg.open("g", tooltip: "\(bar.label) (\(bar.code)): "
                     + (bar.isSuppressed ? table.text("not published") : bar.valueText))
            svg.text(truncated(bar.label, maxChars), x: axis - 6, y: textY, anchor: "end",
                     className: isTotalLike ? "muted" : nil)
            let length = bar.isSuppressed ? 26 : bar.value.map(scaled) ?? 0
            if bar.isSuppressed {
                svg.rect(x: axis, y: y, width: length, height: barHeight, fill: "url(#\(id)-hatch)",
                         stroke: barColour, dashed: true)
            } else if length > 0 {
                svg.rect(x: axis, y: y, width: max(length, 1), height: barHeight,
                         fill: isTotalLike ? "#8a9bb0" : barColour)
            }
            svg.text(bar.valueText, x: axis + length + 4, y: textY, anchor: "start",
                     className: bar.isSuppressed ? "sup" : "value")
            svg.close("g")
        }
        svg.line(x1: axis, y1: top - 2, x2: axis, y2: plotBottom + 2, stroke: "#777")

        var caption = "\(name)"
        if table.dimensions.count > 1 { caption += table.text(", all other dimensions at their totals") }
        caption += "."
        if all > bars.count {
            caption += table.presentation.language == .en
                ? " The \(bars.count) largest of \(all) categories; all are in the table."
                : " " + table.text("The largest categories are shown") + " (\(bars.count) / \(all)); "
                    + table.text("all are in the table.")
        }
        if bars.contains(where: \.isSuppressed) {
            caption += " " + table.text("Hatched bars (x) are not published (confidential).")
        }
        return (svg.finish(), caption)
    }

    /// A scale maximum and tick step (1, 2 or 5 × 10ⁿ) with at most 5 intervals covering `value`.
    package static func ticks(for value: Int) -> (max: Int, step: Int) {
        var power = 1
        while true {
            for multiple in [1, 2, 5] {
                let step = multiple * power
                let intervals = (value + step - 1) / step
                if intervals <= 5 { return (max(intervals, 1) * step, step) }
            }
            power *= 10
        }
    }

    /// `text` cut to `maxChars` characters with an ellipsis.
    static func truncated(_ text: String, _ maxChars: Int) -> String {
        text.count <= maxChars ? text : String(text.prefix(max(maxChars - 1, 1))) + "\u{2026}"
    }
}
