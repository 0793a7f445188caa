package import MigstatPQ

/// Disaggregated tables: flexible tables (`migstat.report`, every cell perturbed by the cell-key method) and
/// declared tables of a purpose's output programme (`migstat.declared_report`, exact counts with cells withheld
/// jointly over the programme), with the labels a reader needs (`migstat.code`). Counting and disclosure control
/// are the database's.
package struct ReportStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user (analyst, steward or administrator).
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// The `migstat.report` call for `query` (a flexible table). Its first column is `cell_dims` joined with
    /// U+001F (codes never contain it), then `obs_value, obs_status, conf_status, lower_bound, upper_bound,
    /// is_estimate`. The threshold parameter is always NULL: the database perturbs every cell and refuses one.
    package static func statement(for query: ReportQuery) -> PQQuery {
        """
        SELECT array_to_string(cell_dims, E'\\x1f'), obs_value, obs_status, conf_status, lower_bound, upper_bound,
               is_estimate
          FROM migstat.report(\(query.dimensions, as: .textArray), \(query.filtersJSON, as: .jsonb), \
        \(query.period?.from, as: .date), \(query.period?.to, as: .date), \(query.periodUnit), \(query.ageBands), \
        NULL::integer, \(query.count.rawValue), \(query.occupationLevel, as: .integer), \(query.withEstimates))
        """
    }

    /// The `migstat.declared_report` call for a declared table of a purpose, with the columns of
    /// `statement(for:)`.
    package static func statement(declared table: DeclaredTable) -> PQQuery {
        """
        SELECT array_to_string(cell_dims, E'\\x1f'), obs_value, obs_status, conf_status, lower_bound, upper_bound,
               is_estimate
          FROM migstat.declared_report(\(table.purpose), \(table.name))
        """
    }

    /// Runs a flexible table and returns it whole with its labels and parameters.
    ///
    /// The labels are read after the report; a failure to read them leaves them out rather than failing the
    /// report.
    /// - Throws: `PQError` from the database (permission, a table outside the bounds: 22023 with message and hint).
    package func table(for query: ReportQuery) throws -> ReportTable {
        let result = try connection.execute(Self.statement(for: query))
        var table = try ReportTable(result: result, dimensions: query.resultDimensions)
        table.labels = (try? labels(for: table.dimensions)) ?? [:]
        table.parameters = query.displayParameters(generated: now())
        table.disclosure = .flexible
        return table
    }

    /// Runs a declared table and returns it whole with its title, labels and parameters.
    /// - Throws: `PQError` from the database (permission, a retired or unknown table).
    package func table(declared declaredTable: DeclaredTable) throws -> ReportTable {
        let result = try connection.execute(Self.statement(declared: declaredTable))
        var table = try ReportTable(result: result, dimensions: declaredTable.resultDimensions)
        table.labels = (try? labels(for: table.dimensions)) ?? [:]
        table.parameters = Self.displayParameters(declaredTable, generated: now())
        table.disclosure = .declared(purpose: declaredTable.purpose, name: declaredTable.name)
        table.declaredTitle = declaredTable.title
        return table
    }

    /// Runs a flexible table as `COPY (…) TO STDOUT` and hands over its cells one by one as they arrive, in the
    /// database's order, without holding the table in memory.
    ///
    /// Without estimates the table comes from `migstat.report_cells` (`cellsStatement(for:)`): the same call,
    /// bounds, perturbation and audit as `migstat.report`, but the database sends each dimension's categories
    /// once and then only the cells with a published value, by key; the cells of the full cube are labelled
    /// and their zeros filled in here (`ReportCubeCells`), in the order and with the values of
    /// `migstat.report`'s rows. With estimates, `migstat.report` itself (`statement(for:)`).
    /// - Returns: the number of cells.
    /// - Throws: `PQError` from the database (permission, a table outside the bounds), or `cell`'s error.
    @discardableResult
    package func stream(_ query: ReportQuery, cell: (ReportCell) throws -> Void) throws -> Int {
        if query.withEstimates {
            return try stream(Self.statement(for: query), dimensionCount: query.resultDimensions.count, cell: cell)
        }
        var cube = ReportCubeCells(dimensionCount: query.resultDimensions.count)
        try lines(of: Self.cellsStatement(for: query)) { line in try cube.add(line: line, cell: cell) }
        return try cube.finish(cell: cell)
    }

    /// The `migstat.report_cells` call for `query` (a flexible table without estimates): rows `k, obs_value,
    /// labels` (the labels of a dimension joined with U+001F; codes never contain it).
    package static func cellsStatement(for query: ReportQuery) -> PQQuery {
        """
        SELECT k, obs_value, array_to_string(labels, E'\\x1f')
          FROM migstat.report_cells(\(query.dimensions, as: .textArray), \(query.filtersJSON, as: .jsonb), \
        \(query.period?.from, as: .date), \(query.period?.to, as: .date), \(query.periodUnit), \(query.ageBands), \
        \(query.count.rawValue), \(query.occupationLevel, as: .integer))
        """
    }

    /// Runs a declared table as `COPY (SELECT * FROM migstat.declared_report(…)) TO STDOUT`, cell by cell (as
    /// `stream(_:cell:)`).
    @discardableResult
    package func stream(declared table: DeclaredTable, cell: (ReportCell) throws -> Void) throws -> Int {
        try stream(Self.statement(declared: table), dimensionCount: table.resultDimensions.count, cell: cell)
    }

    private func stream(_ statement: PQQuery, dimensionCount: Int, cell: (ReportCell) throws -> Void) throws -> Int {
        var count = 0
        // Lines are decoded straight into cells (`ReportCell(copyLine:…)`): no array of fields per row.
        try lines(of: statement) { bytes in
            count += 1
            try cell(try ReportCell(copyLine: bytes, dimensionCount: dimensionCount, rowNumber: count))
        }
        return count
    }

    /// Runs `statement` as `COPY (…) TO STDOUT` (text) and hands over each line without its newline, as it
    /// arrives. libpq hands over one row per chunk; a row split over chunks is joined first.
    private func lines(of statement: PQQuery, _ line: (UnsafeRawBufferPointer) throws -> Void) throws {
        var pending: [UInt8] = []
        try connection.copyTo(selecting: statement) { chunk in
            var start = 0
            var i = 0
            let n = chunk.count
            while i < n {
                if chunk[i] == 0x0A {
                    if pending.isEmpty {
                        try line(UnsafeRawBufferPointer(rebasing: chunk[start..<i]))
                    } else {
                        pending.append(contentsOf: chunk[start..<i])
                        let joined = pending
                        pending.removeAll(keepingCapacity: true)
                        try joined.withUnsafeBytes { try line($0) }
                    }
                    start = i + 1
                }
                i += 1
            }
            if start < n { pending.append(contentsOf: chunk[start..<n]) }
        }
        guard pending.isEmpty else {
            throw PQError(code: .unexpectedResult, message: "the report ended in the middle of a row")
        }
    }

    /// The database's clock (`2025-01-31 10:15 UTC`), nil when it cannot be read.
    package func now() -> String? {
        guard let row = try? connection.execute("SELECT to_char(now(), 'YYYY-MM-DD HH24:MI TZ')"),
              row.rowCount == 1 else { return nil }
        return row[0, 0]
    }

    /// The parameter lines of a declared table (HTML title block).
    package static func displayParameters(_ table: DeclaredTable, generated: String?) -> [ReportTable.Parameter] {
        typealias P = ReportTable.Parameter
        let dims = table.resultDimensions
        var lines = [P("Declared table", "\(table.name) (purpose \(table.purpose))")]
        lines.append(P("Dimensions", dims.isEmpty ? "none (grand total)" : dims.map(ReportLabels.dimensionName)
            .joined(separator: " \u{00D7} ")))
        if let unit = table.periodUnit { lines.append(P("Period unit", unit)) }
        if table.filtersJSON != "{}" { lines.append(P("Filters", table.filtersJSON)) }
        if dims.contains("age") { lines.append(P("Age bands", table.ageBands ?? "five-year bands (Eurostat)")) }
        lines.append(P("Disclosure control",
                       "exact counts; cells withheld (C) jointly over every declared table of the purpose"))
        if let generated { lines.append(P("Generated", generated)) }
        return lines
    }

    /// The labels of every code of the code lists `dimensions` use (all of them, not only those in a table:
    /// a chart may name a category a filter left out): dimension → code → label.
    package func labels(for dimensions: [String]) throws -> [String: [String: String]] {
        try CodeStore(connection: connection).labels(for: dimensions, language: "en")
    }
}
