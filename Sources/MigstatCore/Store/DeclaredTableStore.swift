package import MigstatPQ

/// What a steward or administrator declares: one table of a purpose's output programme.
package struct DeclaredTableSpec: Sendable, Equatable {
    package var purpose: String
    /// `a-z` first, then `a-z`, `0-9`, `_` (at most 40).
    package var name: String
    /// The title shown with the table (e.g. "Entries and exits by sex and age").
    package var title: String
    /// Report dimensions, in column order (lower case).
    package var dimensions: [String]
    /// Filters: dimension → the one code the table is fixed to.
    package var filters: [String: String]
    /// Age bands (`0-14,15-17,...,65+`); nil: the programme's (or the Eurostat five-year bands).
    package var ageBands: String?
    /// `year`, `quarter` or `month` (adds the `period` dimension last); nil: no period dimension.
    package var periodUnit: String?

    /// Creates a declaration.
    package init(purpose: String, name: String, title: String, dimensions: [String], filters: [String: String] = [:],
                 ageBands: String? = nil, periodUnit: String? = nil) {
        self.purpose = purpose
        self.name = name
        self.title = title
        self.dimensions = dimensions.map { $0.trimmingSpaces().lowercased() }
        self.filters = filters
        self.ageBands = ageBands
        self.periodUnit = periodUnit
    }

    /// Adds a `DIM=CODE` filter.
    /// - Throws: `MigstatError` `invalidArgument` when there is no `DIM=`, no code, more than one code, or the
    ///   dimension is filtered twice.
    package mutating func addFilter(_ argument: String) throws {
        let (rawKey, rawValue) = try splitFilterArgument(argument)
        let key = rawKey.trimmingSpaces().lowercased()
        let code = String(rawValue).trimmingSpaces()
        guard !key.isEmpty, !code.isEmpty else {
            throw MigstatError(.invalidArgument, "--filter \(key.isEmpty ? "DIM" : key)= needs a code")
        }
        guard !code.contains(",") else {
            throw MigstatError(.invalidArgument, "--filter \(key)= fixes a declared table to one code, not a list")
        }
        guard filters[key] == nil else {
            throw MigstatError(.invalidArgument, "--filter \(key)= is given twice")
        }
        filters[key] = code
    }

    /// The filters as the JSON object `migstat.declare_table` takes, one code per dimension in the form
    /// `migstat.report` uses: `{"nationality": ["UZB"], "sex": ["F"]}`.
    package var filtersJSON: String {
        "{" + filters.keys.sorted().map { key in
            "\(ReportEscape.json(key)): [\(ReportEscape.json(filters[key]!))]"
        }.joined(separator: ", ") + "}"
    }
}

/// A declared table as `migstat.declared_tables` lists it.
///
/// Times are PostgreSQL's `timestamptz` text.
package struct DeclaredTable: Sendable, Equatable {
    package var purpose: String
    package var name: String
    package var title: String
    /// The table's dimensions, in declared order (`period` last when the table has a period unit).
    package var dimensions: [String]
    /// The filters as the database stores them (a JSON object).
    package var filtersJSON: String
    package var ageBands: String?
    package var periodUnit: String?
    package var declaredAt: String
    package var declaredBy: String
    /// When it was retired; nil while it is part of the programme.
    package var retiredAt: String?
    /// Cells of the table in the latest programme run; nil before the first run.
    package var cells: Int?
    /// Withheld cells of the table in the latest programme run; nil before the first run.
    package var withheld: Int?

    /// Creates a listing entry.
    package init(purpose: String, name: String, title: String, dimensions: [String], filtersJSON: String = "{}",
                 ageBands: String? = nil, periodUnit: String? = nil, declaredAt: String = "", declaredBy: String = "",
                 retiredAt: String? = nil, cells: Int? = nil, withheld: Int? = nil) {
        self.purpose = purpose
        self.name = name
        self.title = title
        self.dimensions = dimensions
        self.filtersJSON = filtersJSON
        self.ageBands = ageBands
        self.periodUnit = periodUnit
        self.declaredAt = declaredAt
        self.declaredBy = declaredBy
        self.retiredAt = retiredAt
        self.cells = cells
        self.withheld = withheld
    }

    /// The columns of `migstat.declared_report`: the declared dimensions, then `period` when the table has a
    /// period unit (added here should a listing leave it out).
    package var resultDimensions: [String] {
        periodUnit != nil && !dimensions.contains("period") ? dimensions + ["period"] : dimensions
    }

    /// Whether it was retired.
    package var isRetired: Bool { retiredAt != nil }
}

/// A withheld cell of a declared table, as `migstat.table_audit` shows it to stewards and auditors.
package struct WithheldCell: Sendable, Equatable {
    /// One code per dimension of the table (`_T` total).
    package var codes: [String]
    /// The true count.
    package var value: Int
    /// `primary` (a small count) or `secondary` (withheld to protect one).
    package var status: String
    /// The smallest value an attacker's linear programme over the published programme can give the cell.
    package var lower: Int?
    /// The largest such value; nil: unbounded.
    package var upper: Int?

    /// Creates an audit row.
    package init(codes: [String], value: Int, status: String, lower: Int?, upper: Int?) {
        self.codes = codes
        self.value = value
        self.status = status
        self.lower = lower
        self.upper = upper
    }
}

/// The information loss of one declared table in the latest programme run (`migstat.programme_info_loss`).
package struct TableInfoLoss: Sendable, Equatable {
    package var name: String
    package var cells: Int?
    /// Cells with a non-zero count.
    package var nonzero: Int?
    package var withheld: Int?
    /// Withheld cells that are not margins (no `_T`).
    package var withheldInterior: Int?
    /// The sum of the withheld interior cells' counts.
    package var withheldValue: Int?
    /// The table's grand total.
    package var total: Int?

    /// Creates a row.
    package init(name: String, cells: Int?, nonzero: Int?, withheld: Int?, withheldInterior: Int?,
                 withheldValue: Int?, total: Int?) {
        self.name = name
        self.cells = cells
        self.nonzero = nonzero
        self.withheld = withheld
        self.withheldInterior = withheldInterior
        self.withheldValue = withheldValue
        self.total = total
    }
}

/// One release of a purpose's output programme (`migstat.programme_releases`): a run of every active declared
/// table, protected jointly; declared tables are published from the latest release that contains them.
package struct ProgrammeRelease: Sendable, Equatable {
    package var purpose: String
    /// The run's id.
    package var run: Int
    package var releasedAt: String
    package var releasedBy: String
    /// The declared tables it contains.
    package var tables: [String]
    /// How many loaded batches it covers.
    package var batches: Int?
    /// Whether the purpose's loaded batches have changed since (a new release would differ).
    package var isStale: Bool
    /// How long the joint protection took, as PostgreSQL prints the numeric.
    package var seconds: String?

    /// Creates a release row.
    package init(purpose: String, run: Int, releasedAt: String, releasedBy: String, tables: [String], batches: Int?,
                 isStale: Bool, seconds: String?) {
        self.purpose = purpose
        self.run = run
        self.releasedAt = releasedAt
        self.releasedBy = releasedBy
        self.tables = tables
        self.batches = batches
        self.isStale = isStale
        self.seconds = seconds
    }
}

/// The output programme of a purpose: `migstat.declare_table`, `retire_table`, `declared_tables`,
/// `programme_release`, `programme_releases`, `table_audit` and `programme_info_loss` (running a declared table
/// is `ReportStore`'s).
package struct DeclaredTableStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user (a steward of the purpose or an administrator to
    /// declare and retire; report readers and auditors to list; stewards and auditors to audit).
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Declares a table of a purpose's output programme.
    /// - Returns: the table's id.
    /// - Throws: `PQError` (42501 not a steward of the purpose or an administrator, 22023 bad dimension, filter,
    ///   bands, unit or name, 23505 already declared).
    @discardableResult
    package func declare(_ spec: DeclaredTableSpec) throws -> Int {
        let query: PQQuery = """
            SELECT migstat.declare_table(\(spec.purpose), \(spec.name), \(spec.title), \
            \(spec.dimensions, as: .textArray), \(spec.filtersJSON, as: .jsonb), \(spec.ageBands), \(spec.periodUnit))
            """
        return try connection.execute(query).int(0, 0)
    }

    /// Retires a declared table: it leaves the programme (it stays listed, with the time it was retired).
    /// - Throws: `PQError` (42501, 22023 no such table).
    package func retire(purpose: String, name: String) throws {
        try connection.execute("SELECT migstat.retire_table(\(purpose), \(name))" as PQQuery)
    }

    /// Releases a purpose's programme: computes one run of every active declared table, protected jointly, from
    /// which they are published (stewards of the purpose, administrators; audited).
    /// - Returns: the run's id.
    /// - Throws: `PQError` (42501, MS404 no such purpose, MS410 purpose no longer active).
    @discardableResult
    package func release(purpose: String) throws -> Int {
        try connection.execute("SELECT migstat.programme_release(\(purpose))" as PQQuery).int(0, 0)
    }

    /// The releases of one purpose's programme, or of every purpose's (nil), oldest first.
    package func releases(purpose: String? = nil) throws -> [ProgrammeRelease] {
        let result = try connection.execute("""
            SELECT purpose, run, released_at::text, released_by::text, array_to_string(tables, E'\\x1f'), batches,
                   stale, seconds::text
              FROM migstat.programme_releases(\(purpose))
             ORDER BY purpose, run
            """ as PQQuery)
        return try (0..<result.rowCount).map { row in
            ProgrammeRelease(purpose: try result.string(row, 0), run: try result.int(row, 1),
                             releasedAt: try result.string(row, 2), releasedBy: try result.string(row, 3),
                             tables: Self.codes(result[row, 4]), batches: try result.optionalInt(row, 5),
                             isStale: try result.bool(row, 6), seconds: result[row, 7])
        }
    }

    /// The declared tables of one purpose, or of every purpose (nil), retired ones included.
    package func list(purpose: String? = nil) throws -> [DeclaredTable] {
        let result = try connection.execute("""
            SELECT purpose, name, title, array_to_string(dims, E'\\x1f') AS dims, filters::text AS filters,
                   age_bands, period_unit, declared_at::text AS declared_at, declared_by::text AS declared_by,
                   retired_at::text AS retired_at, cells, withheld
              FROM migstat.declared_tables(\(purpose))
             ORDER BY purpose, name
            """ as PQQuery)
        return try (0..<result.rowCount).map { row in
            DeclaredTable(
                purpose: try result.string(row, "purpose"), name: try result.string(row, "name"),
                title: try result.string(row, "title"), dimensions: Self.codes(result[row, 3]),
                filtersJSON: result[row, 4] ?? "{}", ageBands: result[row, 5], periodUnit: result[row, 6],
                declaredAt: try result.string(row, "declared_at"), declaredBy: try result.string(row, "declared_by"),
                retiredAt: result[row, 9], cells: try result.optionalInt(row, 10),
                withheld: try result.optionalInt(row, 11))
        }
    }

    /// One declared table of a purpose, nil when there is none of that name.
    package func table(purpose: String, name: String) throws -> DeclaredTable? {
        try list(purpose: purpose).first { $0.name == name }
    }

    /// The withheld cells of a declared table with their true values and protection intervals (stewards of the
    /// purpose and auditors).
    package func audit(purpose: String, name: String) throws -> [WithheldCell] {
        let result = try connection.execute("""
            SELECT array_to_string(cell_dims, E'\\x1f'), value, status, lower_bound, upper_bound
              FROM migstat.table_audit(\(purpose), \(name))
            """ as PQQuery)
        return try (0..<result.rowCount).map { row in
            WithheldCell(codes: Self.codes(result[row, 0]), value: try result.int(row, 1),
                         status: try result.string(row, 2), lower: try result.optionalInt(row, 3),
                         upper: try result.optionalInt(row, 4))
        }
    }

    /// The information loss of every declared table of a purpose (stewards, auditors, administrators).
    package func infoLoss(purpose: String) throws -> [TableInfoLoss] {
        let result = try connection.execute("""
            SELECT name, cells, nonzero, withheld, withheld_interior, withheld_value, total
              FROM migstat.programme_info_loss(\(purpose))
            """ as PQQuery)
        return try (0..<result.rowCount).map { row in
            TableInfoLoss(name: try result.string(row, 0), cells: try result.optionalInt(row, 1),
                          nonzero: try result.optionalInt(row, 2), withheld: try result.optionalInt(row, 3),
                          withheldInterior: try result.optionalInt(row, 4),
                          withheldValue: try result.optionalInt(row, 5), total: try result.optionalInt(row, 6))
        }
    }

    /// Codes joined with U+001F (`array_to_string(…, E'\x1f')`) split again; empty or NULL: none.
    static func codes(_ joined: String?) -> [String] {
        guard let joined, !joined.isEmpty else { return [] }
        return joined.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
    }
}
