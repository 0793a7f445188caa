package import MigstatPQ

/// Disaggregated tables: `migstat.report` (counting and disclosure control in the database), with the labels
/// and thresholds a reader needs (`migstat.code`, `migstat.setting`).
package struct ReportStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user (analyst, steward or administrator).
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// The `migstat.report` call for `query`; its first column is `cell_dims` joined with U+001F (codes never
    /// contain it), then `obs_value, obs_status, conf_status, lower_bound, upper_bound, is_estimate`.
    package static func statement(for query: ReportQuery) -> PQQuery {
        """
        SELECT array_to_string(cell_dims, E'\\x1f'), obs_value, obs_status, conf_status, lower_bound, upper_bound,
               is_estimate
          FROM migstat.report(\(query.dimensions, as: .textArray), \(query.filtersJSON, as: .jsonb), \
        \(query.period?.from, as: .date), \(query.period?.to, as: .date), \(query.periodUnit), \(query.ageBands), \
        \(query.threshold, as: .integer), \(query.count.rawValue), \(query.occupationLevel, as: .integer), \
        \(query.withEstimates))
        """
    }

    /// Runs the report and returns the whole table with its labels and parameters.
    ///
    /// The labels and the thresholds are read after the report; a failure to read them leaves them out
    /// rather than failing the report.
    /// - Throws: `PQError` from the database (permission, invalid parameter, too many cells).
    package func table(for query: ReportQuery) throws -> ReportTable {
        let result = try connection.execute(Self.statement(for: query))
        var table = try ReportTable(result: result, dimensions: query.resultDimensions)
        table.labels = (try? labels(for: table.dimensions)) ?? [:]
        (table.threshold, table.parameters) = describe(query)
        return table
    }

    /// Runs the report as `COPY (…) TO STDOUT` and hands over its cells one by one as they arrive, in the
    /// database's order, without holding the table in memory.
    /// - Returns: the number of cells.
    /// - Throws: `PQError` from the database (permission, invalid parameter, too many cells), or `cell`'s error.
    @discardableResult
    package func stream(_ query: ReportQuery, cell: (ReportCell) throws -> Void) throws -> Int {
        var splitter = PQCopyText.RowSplitter()
        var count = 0
        let dimensionCount = query.resultDimensions.count
        try connection.copyTo(selecting: Self.statement(for: query)) { chunk in
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

    /// The database's thresholds (`threshold`, `threshold_special`) and its clock, nil when they cannot be read.
    package func settings() -> (threshold: Int?, specialThreshold: Int?, now: String?) {
        guard let row = try? connection.execute("""
            SELECT (SELECT value FROM migstat.setting WHERE key = 'threshold'),
                   (SELECT value FROM migstat.setting WHERE key = 'threshold_special'),
                   to_char(now(), 'YYYY-MM-DD HH24:MI TZ')
            """), row.rowCount == 1 else { return (nil, nil, nil) }
        return (row[0, 0].flatMap { Int($0) }, row[0, 1].flatMap { Int($0) }, row[0, 2])
    }

    /// The effective threshold and the parameter lines of `query`, from `settings()` (nil and the requested
    /// threshold when the settings cannot be read).
    package func describe(_ query: ReportQuery) -> (threshold: Int?, parameters: [ReportTable.Parameter]) {
        let settings = settings()
        let effective = settings.threshold.map {
            query.effectiveThreshold(setting: $0, specialSetting: settings.specialThreshold)
        }
        return (effective, query.displayParameters(threshold: effective, generated: settings.now))
    }

    /// The labels of every code of the code lists `dimensions` use (all of them, not only those in a table:
    /// a chart may name a category a filter left out): dimension → code → label.
    package func labels(for dimensions: [String]) throws -> [String: [String: String]] {
        var lists: [String: [String]] = [:]  // code list -> report dimensions using it
        for dimension in dimensions {
            if let list = DimensionCatalog.named(dimension)?.codeList { lists[list, default: []].append(dimension) }
        }
        var labels: [String: [String: String]] = [:]
        for (list, codes) in try CodeStore(connection: connection).labels(of: lists.keys.sorted()) {
            for dimension in lists[list] ?? [] { labels[dimension] = codes }
        }
        return labels
    }
}
