/// The parameters of one flexible table (`ReportStore` runs it: `migstat.report` in PostgreSQL does the counting
/// and perturbs every cell by the cell-key method), and how they are described to a reader. The database refuses
/// a table outside its bounds (22023, with a message and a hint saying why).
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
    /// Records or persons.
    package var count: CountMode
    /// ISCO-08 level (1-4) of the occupation categories.
    package var occupationLevel: Int
    /// Whether to append estimates (OBS_STATUS `E`).
    package var withEstimates: Bool

    /// Creates a query.
    package init(dimensions: [String], filters: [String: [String]] = [:], period: ReportPeriod? = nil,
                 periodUnit: String? = nil, ageBands: String? = nil,
                 count: CountMode = .records, occupationLevel: Int = 1, withEstimates: Bool = false) {
        self.dimensions = dimensions.map { $0.trimmingSpaces().lowercased() }
        self.filters = filters
        self.period = period
        self.periodUnit = periodUnit
        self.ageBands = ageBands
        self.count = count
        self.occupationLevel = occupationLevel
        self.withEstimates = withEstimates
    }

    /// Adds a `DIM=CODE[,CODE...]` filter (codes of a repeated dimension are added to its list).
    /// - Throws: `MigstatError` `invalidArgument` when there is no `DIM=` or no code.
    package mutating func addFilter(_ argument: String) throws {
        let (rawKey, value) = try splitFilterArgument(argument)
        let key = rawKey.lowercased()
        let codes = value.split(separator: ",")
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

    /// Whether the report uses a special-category dimension (as a dimension or a filter).
    package var usesSpecialCategory: Bool {
        !DimensionCatalog.specialCategoryNames.isDisjoint(with: resultDimensions)
            || !DimensionCatalog.specialCategoryNames.isDisjoint(with: filters.keys)
    }

    /// The parameter lines shown with the table (HTML title block).
    /// - Parameter generated: when the report was made, when known.
    package func displayParameters(generated: String?) -> [ReportTable.Parameter] {
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
        lines.append(P("Disclosure control", "cell-key perturbation: every value within "
            + "\(ReportDisclosure.maxDeviation) of the true count, no 1s or 2s published"))
        if withEstimates { lines.append(P("Estimates", "included, flagged E, never added into counted cells")) }
        if let generated { lines.append(P("Generated", generated)) }
        return lines
    }
}
