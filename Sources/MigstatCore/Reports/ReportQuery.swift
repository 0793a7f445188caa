package import MigstatPQ

/// The parameters of one report, and how to run it: `migstat.report` in PostgreSQL does the counting and
/// the disclosure control; this adds the code labels and the parameters a reader needs.
package struct ReportQuery: Sendable, Equatable {
    /// How cells count.
    package enum CountMode: String, Sendable, CaseIterable {
        /// Events (records).
        case records
        /// Distinct pseudonymised persons.
        case persons
    }

    /// The dimensions in output order (lower case), e.g. `["sex", "age"]`.
    package var dimensions: [String]
    /// Filters: dimension → codes (source and purpose: names; age: band labels; `_Z`: not stated).
    package var filters: [String: [String]]
    /// The event-date range; `nil` = every record.
    package var period: ReportPeriod?
    /// The unit of the period dimension (`year`, `quarter`, `month`); `nil` = no period dimension unless
    /// `period` is listed (then `year`).
    package var periodUnit: String?
    /// Age bands such as `0-14,15-17,18-24,...,65+`; `nil` = the Eurostat five-year bands.
    package var ageBands: String?
    /// A threshold K above the database's setting (never below it); `nil` = the setting.
    package var threshold: Int?
    /// Records or persons.
    package var count: CountMode
    /// ISCO-08 level (1-4) of the occupation categories.
    package var occupationLevel: Int
    /// Whether to append estimates (OBS_STATUS `E`).
    package var withEstimates: Bool

    /// Creates a query.
    package init(dimensions: [String], filters: [String: [String]] = [:], period: ReportPeriod? = nil,
                 periodUnit: String? = nil, ageBands: String? = nil, threshold: Int? = nil,
                 count: CountMode = .records, occupationLevel: Int = 1, withEstimates: Bool = false) {
        self.dimensions = dimensions.map { $0.trimmingSpaces().lowercased() }
        self.filters = filters
        self.period = period
        self.periodUnit = periodUnit
        self.ageBands = ageBands
        self.threshold = threshold
        self.count = count
        self.occupationLevel = occupationLevel
        self.withEstimates = withEstimates
    }

    /// Adds a `DIM=CODE[,CODE...]` filter (codes of a repeated dimension are added to its list).
    /// - Throws: `MigstatError` `invalidArgument` when there is no `DIM=` or no code.
    package mutating func addFilter(_ argument: String) throws {
        guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
            throw MigstatError(.invalidArgument, "--filter takes DIM=CODE[,CODE...]")
        }
        let key = String(argument[..<eq]).trimmingSpaces().lowercased()
        let codes = argument[argument.index(after: eq)...].split(separator: ",")
            .map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard !key.isEmpty, !codes.isEmpty else {
            throw MigstatError(.invalidArgument, "--filter \(key.isEmpty ? "DIM" : key)= needs at least one code")
        }
        filters[key, default: []].append(contentsOf: codes)
    }

    /// The dimensions of the result: `migstat.report` appends `period` when a unit is given without it.
    package var resultDimensions: [String] {
        periodUnit != nil && !dimensions.contains("period") ? dimensions + ["period"] : dimensions
    }

    /// The filters as the JSON object `migstat.report` takes: `{"nationality": ["TJK", "UZB"], "sex": ["F"]}`.
    package var filtersJSON: String {
        "{" + filters.keys.sorted().map { key in
            "\(ReportEscape.json(key)): [" + filters[key]!.map(ReportEscape.json).joined(separator: ", ") + "]"
        }.joined(separator: ", ") + "}"
    }

    /// The statement; its first column is `cell_dims` joined with U+001F (codes never contain it).
    package static let sql = """
        SELECT array_to_string(cell_dims, E'\\x1f'), obs_value, obs_status, conf_status, lower_bound, upper_bound,
               is_estimate
          FROM migstat.report($1::text[], $2::jsonb, $3::date, $4::date, $5, $6, $7::integer, $8, $9::integer, $10)
        """

    /// The bound parameters of `sql`, in order.
    package var sqlParameters: [String?] {
        [pgArray(dimensions), filtersJSON, period?.from, period?.to, periodUnit, ageBands, threshold.map(String.init),
         count.rawValue, String(occupationLevel), withEstimates ? "true" : "false"]
    }

    /// Whether the report uses a special-category dimension (as a dimension or a filter).
    package var usesSpecialCategory: Bool {
        !ReportLabels.specialCategory.isDisjoint(with: resultDimensions)
            || !ReportLabels.specialCategory.isDisjoint(with: filters.keys)
    }

    /// The threshold `migstat.report` applies, from the settings (`threshold`, `threshold_special`) and the
    /// requested one: the largest of them, at least 1.
    package func effectiveThreshold(setting: Int?, specialSetting: Int?) -> Int {
        max(threshold ?? 0, setting ?? 0, usesSpecialCategory ? specialSetting ?? 0 : 0, 1)
    }

    /// The parameter lines shown with the table (HTML title block).
    /// - Parameters:
    ///   - threshold: the effective threshold, when known.
    ///   - generated: when the report was made, when known.
    package func displayParameters(threshold effective: Int?, generated: String?) -> [ReportTable.Parameter] {
        typealias P = ReportTable.Parameter
        let dims = resultDimensions
        var lines = [P("Dimensions", dims.isEmpty ? "none (grand total)" : dims.map(ReportLabels.dimensionName)
            .joined(separator: " \u{00D7} "))]
        lines.append(P("Period", period.map { "\($0.text) (\($0.from) to \($0.to))" } ?? "all records"))
        if dims.contains("period") { lines.append(P("Period unit", periodUnit ?? "year")) }
        if !filters.isEmpty {
            lines.append(P("Filters", filters.keys.sorted().map { key in
                "\(ReportLabels.dimensionName(key)): \(filters[key]!.joined(separator: ", "))"
            }.joined(separator: "; ")))
        }
        if dims.contains("age") || filters["age"] != nil {
            lines.append(P("Age bands", ageBands ?? "five-year bands (Eurostat)"))
        }
        if dims.contains("occupation") { lines.append(P("Occupation level", "ISCO-08 level \(occupationLevel)")) }
        lines.append(P("Count", count == .records
            ? "records (events)" : "persons (distinct pseudonymised persons; margins are distinct counts)"))
        if let effective {
            lines.append(P("Threshold", effective > 1
                ? "K = \(effective): counts of 1 to \(effective - 1) are suppressed (A), with secondary suppression (D)"
                : "K = 1: no suppression"))
        } else if let threshold {
            lines.append(P("Threshold", "at least \(threshold) (requested)"))
        }
        if withEstimates { lines.append(P("Estimates", "included, flagged E, never added into counted cells")) }
        if let generated { lines.append(P("Generated", generated)) }
        return lines
    }

    /// Runs `migstat.report` on `connection` and returns the table with its labels and parameters.
    ///
    /// The labels (`migstat.code`) and the thresholds (`migstat.setting`) are read after the report; a
    /// failure to read them leaves them out rather than failing the report.
    /// - Throws: `PQError` from the database (permission, invalid parameter, too many cells).
    package func run(on connection: PQConnection) throws -> ReportTable {
        let result = try connection.execute(Self.sql, sqlParameters)
        var table = try ReportTable(result: result, dimensions: resultDimensions)
        table.labels = (try? Self.labels(for: table, on: connection)) ?? [:]
        (table.threshold, table.parameters) = describe(on: connection)
        return table
    }

    /// Runs `migstat.report` on `connection` and hands over its cells one by one as they arrive
    /// (`COPY … TO STDOUT`), in the database's order, without holding the table in memory.
    /// - Returns: the number of cells.
    /// - Throws: `PQError` from the database (permission, invalid parameter, too many cells), or `cell`'s error.
    @discardableResult
    package func stream(on connection: PQConnection, cell: (ReportCell) throws -> Void) throws -> Int {
        var splitter = PQCopyText.RowSplitter()
        var count = 0
        let dimensionCount = resultDimensions.count
        try connection.copyTo(try copyStatement()) { chunk in
            try splitter.feed(chunk) { row in
                count += 1
                try cell(try ReportCell(reportRow: row, dimensionCount: dimensionCount, rowNumber: count))
            }
        }
        guard !splitter.hasPartialLine else {
            throw PQError(code: .unexpectedResult, message: "the report ended in the middle of a row")
        }
        return count
    }

    /// `sql` as one `COPY (…) TO STDOUT` statement. COPY takes no bound parameters, so each `$n` of
    /// `sql` is written as a quoted literal (`PQConnection.quoteLiteral`; NULL for nil) with the same
    /// casts, in one pass over `sql`: text inserted for one parameter is never searched again (a
    /// filter value such as `$1` stays inside its literal).
    package func copyStatement() throws -> String {
        let parameters = sqlParameters
        let template = Array(Self.sql.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < template.count {
            guard template[i] == UInt8(ascii: "$"), i + 1 < template.count, (0x30...0x39).contains(template[i + 1]) else {
                out.append(template[i])
                i += 1
                continue
            }
            var number = 0
            i += 1
            while i < template.count, (0x30...0x39).contains(template[i]) {
                number = number * 10 + Int(template[i] - 0x30)
                i += 1
            }
            guard (1...parameters.count).contains(number) else {
                throw PQError(code: .invalidArgument, message: "the report statement has no parameter $\(number)")
            }
            out += Array((try parameters[number - 1].map(PQConnection.quoteLiteral) ?? "NULL").utf8)
        }
        return "COPY (\(String(decoding: out, as: UTF8.self))) TO STDOUT"
    }

    /// The effective threshold and the parameter lines of this report, from `migstat.setting` (nil and
    /// the requested threshold when the settings cannot be read).
    package func describe(on connection: PQConnection) -> (threshold: Int?, parameters: [ReportTable.Parameter]) {
        var settings: (Int?, Int?, String?) = (nil, nil, nil)
        if let row = try? connection.execute("""
            SELECT (SELECT value FROM migstat.setting WHERE key = 'threshold'),
                   (SELECT value FROM migstat.setting WHERE key = 'threshold_special'),
                   to_char(now(), 'YYYY-MM-DD HH24:MI TZ')
            """), row.rowCount == 1 {
            settings = (row[0, 0].flatMap { Int($0) }, row[0, 1].flatMap { Int($0) }, row[0, 2])
        }
        let effective = settings.0.map { effectiveThreshold(setting: $0, specialSetting: settings.1) }
        return (effective, displayParameters(threshold: effective, generated: settings.2))
    }

    /// The labels of every code of the code lists `table`'s dimensions use, from `migstat.code` (all of them,
    /// not only those in the table: a chart may name a category a filter left out).
    private static func labels(for table: ReportTable,
                               on connection: PQConnection) throws -> [String: [String: String]] {
        var lists: [String: [String]] = [:]  // code list -> report dimensions using it
        for dimension in table.dimensions {
            if let list = ReportLabels.codeList(dimension) { lists[list, default: []].append(dimension) }
        }
        guard !lists.isEmpty else { return [:] }
        let result = try connection.execute(
            "SELECT dimension, code, label FROM migstat.code WHERE dimension = ANY ($1::text[])",
            [pgArray(lists.keys.sorted())])
        var labels: [String: [String: String]] = [:]
        for row in 0..<result.rowCount {
            guard let list = result[row, 0], let code = result[row, 1], let label = result[row, 2] else { continue }
            for dimension in lists[list] ?? [] { labels[dimension, default: [:]][code] = label }
        }
        return labels
    }
}
