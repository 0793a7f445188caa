package import MigstatPQ

/// How the values of a table were protected, for the reader (the database did the protecting).
package enum ReportDisclosure: Sendable, Equatable {
    /// A flexible table (`migstat.report`): every cell perturbed by the cell-key method, by at most
    /// `maxDeviation`, and no 1s or 2s published (Docs/PTABLE.md).
    case perturbed(maxDeviation: Int)
    /// A declared table of a purpose's output programme (`migstat.declared_report`): exact counts, some cells
    /// withheld (CONF_STATUS `C`) jointly over every table of the programme.
    case declared(purpose: String, name: String)

    /// The maximum deviation of the shipped p-table (Docs/PTABLE.md).
    package static let maxDeviation = 3

    /// A flexible table with the shipped p-table.
    package static let flexible = ReportDisclosure.perturbed(maxDeviation: maxDeviation)

    /// One sentence for the reader, e.g. under the text table or in the HTML page's lead.
    package var note: String {
        switch self {
        case .perturbed(let deviation):
            "Values are perturbed (cell-key method): each differs from the true count by at most \(deviation), "
                + "and no 1s or 2s are published."
        case .declared(let purpose, let name):
            "Declared table \(name) of purpose \(purpose): exact counts; cells marked x are withheld (CONF_STATUS C) "
                + "so that no small count can be read or derived from this or any other table of the programme."
        }
    }
}

/// The result of one `migstat.report` or `migstat.declared_report` call: the cube of cells with every margin,
/// already protected by the database's disclosure control, plus what a reader needs to understand it (labels,
/// parameters, how it was protected).
///
/// Counted cells come first, in the database's order (every dimension's `_T` first, then its categories,
/// `_Z` last); estimates (`isEstimate`, OBS_STATUS `E`) follow and may have the same codes as a counted cell.
package struct ReportTable: Sendable, Equatable {
    /// One line of the "parameters" block of a report (name and value, for people).
    package struct Parameter: Sendable, Hashable {
        /// What the parameter is, e.g. `Period`.
        package var name: String
        /// Its value, e.g. `2024-01-01 to 2024-06-30`.
        package var value: String

        /// Creates a parameter line.
        package init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The dimensions, in column order (e.g. `["sex", "age"]`); `period` for the time period.
    package var dimensions: [String]
    /// Every cell: counted cells, then estimates.
    package var cells: [ReportCell]
    /// Labels by dimension, then code (from `migstat.code`); see `label(_:_:)` for the fallbacks.
    package var labels: [String: [String: String]]
    /// The parameters the table was made with, for display.
    package var parameters: [Parameter]
    /// How the values were protected, when known.
    package var disclosure: ReportDisclosure?
    /// The title of a declared table; nil: made from the dimensions (`title`).
    package var declaredTitle: String?
    /// How the table is shown: language, cross-table layout, label columns (`ReportPresentation`).
    package var presentation = ReportPresentation()

    /// Creates a table.
    package init(dimensions: [String], cells: [ReportCell], labels: [String: [String: String]] = [:],
                 parameters: [Parameter] = [], disclosure: ReportDisclosure? = nil, declaredTitle: String? = nil) {
        self.dimensions = dimensions
        self.cells = cells
        self.labels = labels
        self.parameters = parameters
        self.disclosure = disclosure
        self.declaredTitle = declaredTitle
    }

    /// Reads the rows of `migstat.report` selected as
    /// `array_to_string(cell_dims, E'\x1f'), obs_value, obs_status, conf_status, lower_bound, upper_bound,
    /// is_estimate` (see `ReportStore.statement(for:)`).
    /// - Throws: `PQError` `unexpectedResult` when a row does not have one code per dimension or a value is
    ///   not an integer.
    package init(result: PQResult, dimensions: [String]) throws {
        self.init(dimensions: dimensions, cells: [])
        cells.reserveCapacity(result.rowCount)
        for row in 0..<result.rowCount {
            cells.append(try ReportCell(reportRow: (0..<result.columnCount).map { result[row, $0] },
                                        dimensionCount: dimensions.count, rowNumber: row + 1))
        }
    }

    /// The counted cells (no estimates), in the database's order.
    package var counted: [ReportCell] { cells.filter { !$0.isEstimate } }

    /// The estimates (OBS_STATUS `E`).
    package var estimates: [ReportCell] { cells.filter(\.isEstimate) }

    /// The label of a code: `migstat.code`'s label, else a built-in one (`_T` Total, `_Z` Not stated, age
    /// bands, periods), else the code itself.
    package func label(_ dimension: String, _ code: String) -> String {
        labels[dimension]?[code] ?? ReportLabels.builtIn(dimension: dimension, code: code, presentation.language)
            ?? code
    }

    /// A report word or sentence in the table's language (`ReportLabels.text`).
    package func text(_ english: String) -> String { ReportLabels.text(english, presentation.language) }

    /// The disclosure note (`ReportDisclosure.note`) in the table's language; nil when not known.
    package var disclosureNote: String? {
        guard let disclosure else { return nil }
        switch (disclosure, presentation.language) {
        case (_, .en): return disclosure.note
        case (.perturbed(let d), .ru):
            return "Значения искажены методом ключа ячейки: каждое отличается от истинного числа не более чем на \(d); "
                + "значения 1 и 2 не публикуются."
        case (.perturbed(let d), .ky):
            return "Маанилер уячанын ачкычы ыкмасы менен бурмаланган: ар бири чыныгы сандан \(d) ашык айырмаланбайт; "
                + "1 жана 2 маанилери жарыяланбайт."
        case (.declared(let purpose, let name), .ru):
            return "Объявленная таблица \(name) цели \(purpose): точные значения; ячейки, отмеченные x, скрыты "
                + "(CONF_STATUS C), чтобы ни одно малое число нельзя было прочитать или вывести из этой или другой "
                + "таблицы программы."
        case (.declared(let purpose, let name), .ky):
            return "\(purpose) максатынын \(name) жарыяланган таблицасы: так маанилер; x белгиси коюлган уячалар "
                + "жашырылган (CONF_STATUS C), программанын бул же башка таблицасынан эч бир кичине санды окууга же "
                + "чыгарууга мүмкүн болбошу үчүн."
        }
    }

    /// A dimension's name in the table's language.
    package func dimensionName(_ dimension: String) -> String {
        ReportLabels.dimensionName(dimension, presentation.language)
    }

    /// The declared table's title, else one such as `Migration statistics by sex and age group`.
    package var title: String {
        if let declaredTitle, !declaredTitle.isEmpty { return declaredTitle }
        let language = presentation.language
        let names = dimensions.map { ReportLabels.dimensionPhrase($0, language) }
        let list = names.count < 2 ? names.first ?? ""
            : names.dropLast().joined(separator: ", ") + text(" and ") + names.last!
        switch (names.count, language) {
        case (0, _): return text("Migration statistics: total")
        case (_, .en): return "Migration statistics by \(list)"
        case (_, .ru): return "Статистика миграции: \(list)"
        case (_, .ky): return "Миграция статистикасы: \(list)"
        }
    }

    /// The codes of dimension `index` in table order (`_T` first), from the counted cells.
    package func categories(_ index: Int) -> [String] {
        var seen: Set<String> = []
        var order: [String] = []
        for cell in cells where !cell.isEstimate && seen.insert(cell.codes[index]).inserted {
            order.append(cell.codes[index])
        }
        return order
    }

    /// The counted cells of dimension `index`'s margin: every other dimension `_T`, this one a category
    /// (not `_T`), in table order.
    package func margin(_ index: Int) -> [ReportCell] {
        cells.filter { cell in
            !cell.isEstimate && cell.codes.indices.allSatisfy { i in
                i == index ? cell.codes[i] != ReportLabels.total : cell.codes[i] == ReportLabels.total
            }
        }
    }

    /// The counted cells by their codes (the first one if the database ever repeated a key).
    package func countedByCodes() -> [[String]: ReportCell] {
        var index: [[String]: ReportCell] = [:]
        index.reserveCapacity(cells.count)
        for cell in cells where !cell.isEstimate && index[cell.codes] == nil { index[cell.codes] = cell }
        return index
    }
}

/// How a table is shown (not what it holds): the language of its words and labels, the cross-table layout of
/// the `table` format and whether CSV and JSON carry label columns.
package struct ReportPresentation: Sendable, Equatable {
    /// The language of headings, legends and labels.
    package var language: ReportLanguage
    /// The dimensions down the side of the cross-table (`--rows`); nil: chosen (`ReportTextRenderer.layout`).
    package var rows: [String]?
    /// The dimension across the top (`--cols`); nil: chosen.
    package var columns: String?
    /// The width to fit, in characters ($COLUMNS, default 100).
    package var width: Int
    /// Whether CSV and JSON add a label column after each dimension's code (`--labels`).
    package var withLabels: Bool

    /// Creates a presentation (English, layout chosen, 100 columns, no label columns).
    package init(language: ReportLanguage = .en, rows: [String]? = nil, columns: String? = nil, width: Int = 100,
                 withLabels: Bool = false) {
        self.language = language
        self.rows = rows
        self.columns = columns
        self.width = width
        self.withLabels = withLabels
    }
}

extension ReportCell {
    /// A cell from one row of the report statement (`ReportStore.statement(for:)`): `array_to_string(cell_dims, E'\x1f'), obs_value, obs_status,
    /// conf_status, lower_bound, upper_bound, is_estimate`.
    /// - Throws: `PQError` `unexpectedResult` when the row does not have one code per dimension, lacks a
    ///   column, or its value is not an integer.
    package init(reportRow row: [String?], dimensionCount: Int, rowNumber: Int) throws {
        guard row.count >= 7 else {
            throw PQError(code: .unexpectedResult, message: "report row \(rowNumber) has \(row.count) columns, not 7")
        }
        let joined = row[0] ?? ""
        let codes = dimensionCount == 0 && joined.isEmpty
            ? [] : joined.utf8.split(separator: 0x1F, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard codes.count == dimensionCount else {
            throw PQError(code: .unexpectedResult, message: "report row \(rowNumber) has \(codes.count) codes "
                              + "for \(dimensionCount) dimensions")
        }
        var value: Int?
        if let text = row[1] {
            guard let number = Int(text) else {
                throw PQError(code: .unexpectedResult, message: "report row \(rowNumber): obs_value is not an integer")
            }
            value = number
        }
        self.init(codes: codes, value: value, obsStatus: row[2] ?? "A", confStatus: row[3] ?? "F", lower: row[4],
                  upper: row[5], isEstimate: row[6] == "t")
    }
}

extension ReportCell {
    /// A cell from one line of `COPY (report statement) TO STDOUT` (text format, without its newline).
    ///
    /// Decoded from the bytes directly: tab-separated fields, `\N` = NULL. A line with any other backslash
    /// escape goes through `PQCopyText.fields` and `init(reportRow:…)` (codes and names never need one in
    /// practice).
    /// - Throws: as `init(reportRow:dimensionCount:rowNumber:)`.
    package init(copyLine line: UnsafeRawBufferPointer, dimensionCount: Int, rowNumber: Int) throws {
        // Field boundaries; a backslash other than a whole-field \N sends the line to the general decoder.
        var bounds: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
        var fields = 0
        var start = 0
        var escaped = false
        let n = line.count
        var i = 0
        while i <= n {
            if i == n || line[i] == 0x09 {
                if fields < 7 {
                    withUnsafeMutableBytes(of: &bounds) { $0.storeBytes(of: i, toByteOffset: (fields + 1) * MemoryLayout<Int>.stride, as: Int.self) }
                }
                fields += 1
                start = i + 1
            } else if line[i] == 0x5C {
                if !(i == start && i + 2 <= n && line[i + 1] == UInt8(ascii: "N") && (i + 2 == n || line[i + 2] == 0x09)) {
                    escaped = true
                }
                i += 1
            }
            i += 1
        }
        guard !escaped, fields == 7 else {
            try self.init(reportRow: PQCopyText.fields(line), dimensionCount: dimensionCount, rowNumber: rowNumber)
            return
        }
        let ends = withUnsafeBytes(of: &bounds) { Array($0.bindMemory(to: Int.self)) }
        // field f spans ends[f] + (f > 0 ? 1 : 0) ..< ends[f + 1]
        func field(_ f: Int) -> UnsafeRawBufferPointer? {
            let lo = f == 0 ? 0 : ends[f] + 1
            let hi = ends[f + 1]
            if hi - lo == 2 && line[lo] == 0x5C && line[lo + 1] == UInt8(ascii: "N") { return nil }
            return UnsafeRawBufferPointer(rebasing: line[lo..<hi])
        }
        func text(_ f: Int) -> String? { field(f).map { String(decoding: $0, as: UTF8.self) } }
        var codes: [String] = []
        if let joined = field(0), !(dimensionCount == 0 && joined.isEmpty) {
            codes.reserveCapacity(dimensionCount)
            var lo = 0
            for j in 0...joined.count where j == joined.count || joined[j] == 0x1F {
                codes.append(String(decoding: UnsafeRawBufferPointer(rebasing: joined[lo..<j]), as: UTF8.self))
                lo = j + 1
            }
        }
        guard codes.count == dimensionCount else {
            throw PQError(code: .unexpectedResult, message: "report row \(rowNumber) has \(codes.count) codes "
                              + "for \(dimensionCount) dimensions")
        }
        var value: Int?
        if let digits = field(1) {
            var number = 0
            var negative = false
            var ok = !digits.isEmpty && digits.count <= 18
            for (j, byte) in digits.enumerated() {
                if j == 0 && byte == UInt8(ascii: "-") && digits.count > 1 { negative = true; continue }
                guard byte >= 0x30 && byte <= 0x39 else { ok = false; break }
                number = number * 10 + Int(byte - 0x30)
            }
            guard ok else {
                throw PQError(code: .unexpectedResult, message: "report row \(rowNumber): obs_value is not an integer")
            }
            value = negative ? -number : number
        }
        self.init(codes: codes, value: value, obsStatus: text(2) ?? "A", confStatus: text(3) ?? "F", lower: text(4),
                  upper: text(5), isEstimate: field(6).map { $0.count == 1 && $0[0] == UInt8(ascii: "t") } ?? false)
    }
}
