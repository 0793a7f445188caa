/// What an SDMX-CSV rendering needs beyond the cells: the dataflow, and the parameters that are part of every
/// observation's key (filters, period, unit, type of table).
///
/// The structure is `Schemas/sdmx/MIGSTAT_MIGRATION_FLOWS.xml`, written by `Scripts/make-sdmx-structure.py`
/// (same agency, dataflow and version options). Every row carries every dimension of that DSD, so that two
/// different reports never give the same key two different values:
/// - a dimension that is not broken down is `_T`, or the filter's code when the report is filtered on one code;
/// - `UNIT_MEASURE` tells records (`EVT`) from persons (`PS`), `TABLE_TYPE` flexible (perturbed, `FLEX`) from
///   declared (exact, `DECL`) tables, `DATA_SOURCE_TYPE` counted cells (`COUNT`) from estimates (`EST`);
/// - `TIME_PERIOD` is always a period: `2024`, `2024-Q1`, `2024-M02`, a day, or an SDMX time range
///   `2024-02-01/P3M` / `2024-02-03/P40D` when the cell covers part of a period or several;
/// - the database's "not stated" (`_Z`) is SDMX `_U` (unknown), never `_Z` (not applicable); a record coded at
///   a coarser ISCO-08 level than the report's (`_X`) is `_XL2`/`_XL3`/`_XL4`, one code per report level;
///   age bands are CL_AGE codes, a band from 0 written `Y_LT<n>`.
/// What cannot be one key is refused before the report runs (`check`): a filter with several codes on a
/// dimension that is not broken down; a table without a reference period; estimates without the period
/// dimension (an estimate's own period is only known as the period category). A dimension that is broken down
/// and filtered lists only the filter's codes, so its `_T` margin (the sum of those codes, not the total) is
/// left out of the SDMX-CSV.
package struct SDMXContext: Sendable, Equatable {
    /// `TABLE_TYPE`: how the values were protected.
    package enum TableType: String, Sendable {
        /// A flexible table (`migstat.report`), cell-key perturbed.
        case flexible = "FLEX"
        /// A declared table of an output programme (`migstat.declared_report`), exact with cells withheld.
        case declared = "DECL"
    }

    /// The default maintenance agency.
    package static let defaultAgency = "MIGSTAT"
    /// The default dataflow id.
    package static let defaultDataflow = "MIGRATION_FLOWS"
    /// The default version of the dataflow.
    package static let defaultVersion = "1.0"

    package var agency: String
    package var dataflow: String
    package var version: String
    package var tableType: TableType
    /// `EVT` (records, events) or `PS` (persons).
    package var unitMeasure: String
    /// Filters: dimension → codes, as the database was given them (`_Z` = not stated).
    package var filters: [String: [String]]
    /// The event-date range the records were selected by; nil = every record.
    package var period: ReportPeriod?
    /// The report's ISCO-08 level (for the `_X` residual).
    package var occupationLevel: Int
    /// Whether estimates are appended.
    package var withEstimates: Bool

    /// `AGENCY:DATAFLOW(VERSION)`.
    package var structureID: String { "\(agency):\(dataflow)(\(version))" }

    /// A context.
    package init(agency: String = defaultAgency, dataflow: String = defaultDataflow, version: String = defaultVersion,
                 tableType: TableType = .flexible, unitMeasure: String = "EVT", filters: [String: [String]] = [:],
                 period: ReportPeriod? = nil, occupationLevel: Int = 1, withEstimates: Bool = false) {
        self.agency = agency
        self.dataflow = dataflow
        self.version = version
        self.tableType = tableType
        self.unitMeasure = unitMeasure
        self.filters = filters
        self.period = period
        self.occupationLevel = occupationLevel
        self.withEstimates = withEstimates
    }

    /// The context of a flexible table.
    package init(query: ReportQuery, agency: String = defaultAgency, dataflow: String = defaultDataflow,
                 version: String = defaultVersion) {
        self.init(agency: agency, dataflow: dataflow, version: version, tableType: .flexible,
                  unitMeasure: query.count == .persons ? "PS" : "EVT", filters: query.filters, period: query.period,
                  occupationLevel: query.occupationLevel, withEstimates: query.withEstimates)
    }

    /// The context of a declared table: its filters (from `filtersJSON`) and its purpose, whose records it counts.
    package init(declared table: DeclaredTable, agency: String = defaultAgency, dataflow: String = defaultDataflow,
                 version: String = defaultVersion) {
        var filters = Self.parseFilters(table.filtersJSON)
        filters["purpose"] = [table.purpose]
        self.init(agency: agency, dataflow: dataflow, version: version, tableType: .declared, unitMeasure: "EVT",
                  filters: filters, period: nil, occupationLevel: 1, withEstimates: false)
    }

    /// Whether agency, dataflow and version are SDMX ids / a version number.
    package func checkIDs() throws {
        func isID(_ s: String) -> Bool {
            !s.isEmpty && s.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0)
                || ("0"..."9").contains($0) || "_@$-".unicodeScalars.contains($0) }
        }
        for (option, value) in [("--sdmx-agency", agency), ("--sdmx-dataflow", dataflow)] where !isID(value) {
            throw MigstatError(.invalidArgument, "\(option) \(value) is not an SDMX id (letters, digits, _ @ $ -)")
        }
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else {
            throw MigstatError(.invalidArgument, "--sdmx-version \(version) is not a version such as 1.0")
        }
    }

    /// Refuses what cannot be written as SDMX observations of the dataflow (see the type's documentation).
    /// - Parameter dimensions: the table's dimensions (`period` for the period).
    /// - Throws: `MigstatError` `invalidArgument` naming the option and what would be accepted.
    package func check(dimensions: [String]) throws {
        try checkIDs()
        for key in filters.keys.sorted() where !dimensions.contains(key) {
            let codes = filters[key]!
            if Set(codes).count > 1 {
                throw MigstatError(.invalidArgument,
                    "sdmx-csv: --filter \(key)=\(codes.joined(separator: ",")) selects \(codes.count) codes, and an SDMX "
                        + "key holds one code per dimension",
                    hint: "add \(key) to --by (each code becomes its own observation) or filter on one code")
            }
        }
        if !dimensions.contains("period") {
            switch tableType {
            case .flexible where period == nil:
                throw MigstatError(.invalidArgument,
                    "sdmx-csv: an SDMX observation needs a reference period, and this report has none",
                    hint: "give --period (e.g. --period 2024) or add period to --by")
            case .declared:
                throw MigstatError(.invalidArgument,
                    "sdmx-csv: the declared table has no period dimension, so its observations have no reference period",
                    hint: "declare the table with a period unit (migstat tables declare --period-unit year), or use "
                        + "--format csv")
            default: break
            }
            if withEstimates {
                throw MigstatError(.invalidArgument,
                    "sdmx-csv: --with-estimates needs period in --by (an estimate's own period is written as its period "
                        + "category)", hint: "add period to --by")
            }
        }
    }

    /// `{"sex": ["F"], "age": ["15-19"]}` (or `"F"` for a single value) as dimension → codes; malformed input gives
    /// what could be read.
    package static func parseFilters(_ json: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        let chars = Array(json.unicodeScalars)
        var i = 0
        func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\n" || chars[i] == "\t" || chars[i] == "\r" { i += 1 } }
        func string() -> String? {
            skipSpace()
            guard i < chars.count, chars[i] == "\"" else { return nil }
            i += 1
            var out = String.UnicodeScalarView()
            while i < chars.count, chars[i] != "\"" {
                if chars[i] == "\\", i + 1 < chars.count {
                    i += 1
                    switch chars[i] {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "u" where i + 4 < chars.count:
                        let hex = String(String.UnicodeScalarView(chars[(i + 1)...(i + 4)]))
                        if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) { out.append(s) }
                        i += 4
                    default: out.append(chars[i])
                    }
                } else {
                    out.append(chars[i])
                }
                i += 1
            }
            i += 1
            return String(out)
        }
        skipSpace()
        guard i < chars.count, chars[i] == "{" else { return [:] }
        i += 1
        while true {
            guard let key = string() else { break }
            skipSpace()
            guard i < chars.count, chars[i] == ":" else { break }
            i += 1
            skipSpace()
            if i < chars.count, chars[i] == "[" {
                i += 1
                var codes: [String] = []
                while let code = string() {
                    codes.append(code)
                    skipSpace()
                    if i < chars.count, chars[i] == "," { i += 1 }
                }
                skipSpace()
                if i < chars.count, chars[i] == "]" { i += 1 }
                result[key] = codes
            } else if let code = string() {
                result[key] = [code]
            } else {
                break
            }
            skipSpace()
            if i < chars.count, chars[i] == "," { i += 1 } else { break }
        }
        return result
    }
}

/// The `sdmx-csv` format, SDMX-CSV 2.0 of the dataflow of `SDMXContext`: `STRUCTURE,STRUCTURE_ID,ACTION`, every
/// dimension of the DSD in its order (`dimensionIDs`, `TIME_PERIOD` last), then `OBS_VALUE` and the attributes
/// `OBS_STATUS,CONF_STATUS,LOWER_BOUND,UPPER_BOUND,COMMENT_OBS`. A withheld cell has an empty OBS_VALUE and
/// CONF_STATUS `C`, every other `F`. Fields are quoted per RFC 4180. See `SDMXContext` for the codes.
package enum ReportSDMXRenderer {
    /// The columns before the dimensions.
    package static let structureColumns = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    /// The report dimensions that are dimensions of the DSD, in its order (the catalogue's record dimensions,
    /// then source and purpose); `UNIT_MEASURE`, `TABLE_TYPE`, `DATA_SOURCE_TYPE`, `TIME_PERIOD` follow.
    package static let reportDimensions: [String] = DimensionCatalog.record.map(\.name) + ["source", "purpose"]
    /// Every dimension id of the DSD, in order.
    package static let dimensionIDs: [String] = reportDimensions.map(ReportLabels.sdmxID)
        + ["UNIT_MEASURE", "TABLE_TYPE", dataSourceTypeID, "TIME_PERIOD"]
    /// The dimension that tells counted cells from estimates.
    package static let dataSourceTypeID = "DATA_SOURCE_TYPE"
    /// `DATA_SOURCE_TYPE` of a counted cell.
    package static let countedSourceType = "COUNT"
    /// `DATA_SOURCE_TYPE` of an estimate (OBS_STATUS `E`).
    package static let estimateSourceType = "EST"
    /// The measure and attribute columns after the dimensions.
    package static let valueColumns = ["OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND",
                                       "COMMENT_OBS"]
    /// SDMX "unknown": what the database's "not stated" (`_Z`) is written as.
    package static let unknown = "_U"

    /// The header row's fields.
    package static let header: [String] = structureColumns + dimensionIDs + valueColumns

    /// `EST` for an estimate, `COUNT` for a counted cell.
    package static func dataSourceType(_ cell: ReportCell) -> String {
        cell.isEstimate || cell.obsStatus == "E" ? estimateSourceType : countedSourceType
    }

    /// A report code as the DSD's code list has it: `_Z` → `_U`; age bands → CL_AGE (`Y_LT<n>` for a band from
    /// 0); occupation `_X` → `_XL<level>`; everything else unchanged.
    package static func code(dimension: String, _ code: String, occupationLevel: Int) -> String {
        if code == ReportLabels.notStated { return unknown }
        switch dimension {
        case "age":
            let clAge = ReportLabels.sdmxAgeCode(code)
            // Y0T14 → Y_LT15, Y0 → Y_LT1 (the CL_AGE form of a band from 0).
            if clAge.hasPrefix("Y0") {
                let rest = clAge.dropFirst(2)
                if rest.isEmpty { return "Y_LT1" }
                if rest.first == "T", let hi = Int(rest.dropFirst()) { return "Y_LT\(hi + 1)" }
            }
            return clAge
        case "occupation" where code == ReportLabels.notClassifiable:
            return "_XL\(occupationLevel)"
        default:
            return code
        }
    }

    /// An inclusive range of days as an SDMX 2.1 time period: `2024`, `2024-Q1`, `2024-M02`, `2024-02-29`, or a
    /// time range `START/DURATION` (`2024-02-01/P3M`, `2023-01-01/P2Y`, `2024-02-03/P40D`).
    package static func timePeriod(from: String, to: String) -> String {
        let a = dateParts(from), b = dateParts(to)
        let startsMonth = a.d == 1
        let endsMonth = b.d == ReportPeriod.daysIn(month: b.m, year: b.y)
        if from == to { return from }
        if startsMonth && endsMonth {
            let months = (b.y - a.y) * 12 + (b.m - a.m) + 1
            if a.y == b.y && a.m == 1 && b.m == 12 { return "\(a.y)" }
            if a.y == b.y && a.m == b.m { return "\(a.y)-M\(a.m < 10 ? "0" : "")\(a.m)" }
            if a.y == b.y && months == 3 && (a.m - 1) % 3 == 0 { return "\(a.y)-Q\((a.m - 1) / 3 + 1)" }
            if a.m == 1 && months % 12 == 0 { return "\(from)/P\(months / 12)Y" }
            return "\(from)/P\(months)M"
        }
        return "\(from)/P\(dayNumber(b) - dayNumber(a) + 1)D"
    }

    private static func dateParts(_ date: String) -> (y: Int, m: Int, d: Int) {
        let p = date.split(separator: "-").map { Int($0) ?? 1 }
        return (p[0], p.count > 1 ? p[1] : 1, p.count > 2 ? p[2] : 1)
    }

    /// Days since a fixed origin (proleptic Gregorian), for differences.
    private static func dayNumber(_ date: (y: Int, m: Int, d: Int)) -> Int {
        let y = date.m <= 2 ? date.y - 1 : date.y
        let era = y / 400
        let yoe = y - era * 400
        let mp = (date.m + 9) % 12
        let doy = (153 * mp + 2) / 5 + date.d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe
    }

    /// Renders `table` whole (as `stream` would write it).
    /// - Throws: `MigstatError` from `SDMXContext.check`, or when two estimates would share a key.
    package static func render(_ table: ReportTable, context: SDMXContext)
        throws -> String {
        try context.check(dimensions: table.dimensions)
        let format = stream(dimensions: table.dimensions, context: context)
        var out = format.header
        for (index, cell) in table.cells.enumerated() {
            try format.check(cell)
            out += format.cell(cell, index)
        }
        return out + format.footer(table.cells.count)
    }

    /// The format as header, one line per cell, footer (for `migstat report` to write as cells arrive). Call
    /// `context.check(dimensions:)` first, and the stream's `check` before each cell.
    ///
    /// The period totals (`_T` of `period`) cover `--period`, else the first to the last period of the table,
    /// which is known only at the end: those rows are kept and written in the footer, unless the table has a
    /// single period (then the total is that period's observation, already written).
    package static func stream(dimensions: [String], context: SDMXContext) -> ReportStream {
        let state = StreamState(dimensions: dimensions, context: context)
        return ReportStream(header: header.map(ReportEscape.csv).joined(separator: ",") + "\n",
                            footer: { _ in state.footer() },
                            check: { try state.check($0) },
                            cell: { cell, _ in state.line(cell) })
    }

    /// The mutable part of a stream: deferred period totals, the range of periods seen, estimate keys.
    private final class StreamState {
        let context: SDMXContext
        /// For each DSD report dimension: the index in the table, or nil.
        let positions: [Int?]
        /// For each DSD report dimension not in the table: its constant code (`_T` or the filter's).
        let constants: [String]
        /// Whether each table dimension is filtered (its `_T` margin is not a total).
        let filteredInTable: [Bool]
        let periodIndex: Int?
        var deferred: [ReportCell] = []
        /// The TIME_PERIOD of every period category written.
        var periods: Set<String> = []
        var first: String?
        var last: String?
        var estimateKeys: Set<[String]> = []

        init(dimensions: [String], context: SDMXContext) {
            self.context = context
            positions = ReportSDMXRenderer.reportDimensions.map { dimensions.firstIndex(of: $0) }
            constants = ReportSDMXRenderer.reportDimensions.map { name in
                guard let codes = context.filters[name], let code = codes.first, Set(codes).count == 1 else {
                    return ReportLabels.total
                }
                return ReportSDMXRenderer.code(dimension: name, code, occupationLevel: context.occupationLevel)
            }
            filteredInTable = dimensions.map { context.filters[$0] != nil }
            periodIndex = dimensions.firstIndex(of: "period")
        }

        /// The key fields of a cell (every DSD dimension), nil when the cell is not written (the `_T` of a
        /// filtered table dimension) or is deferred.
        func key(_ cell: ReportCell, periodTotal: (String, String)? = nil) -> [String]? {
            for (i, filtered) in filteredInTable.enumerated() where filtered && cell.codes[i] == ReportLabels.total {
                return nil
            }
            var fields: [String] = []
            fields.reserveCapacity(ReportSDMXRenderer.dimensionIDs.count)
            for (n, name) in ReportSDMXRenderer.reportDimensions.enumerated() {
                if let i = positions[n] {
                    fields.append(ReportSDMXRenderer.code(dimension: name, cell.codes[i],
                                                          occupationLevel: context.occupationLevel))
                } else {
                    fields.append(constants[n])
                }
            }
            fields += [context.unitMeasure, context.tableType.rawValue, ReportSDMXRenderer.dataSourceType(cell)]
            guard let time = timePeriod(cell, periodTotal: periodTotal) else { return nil }
            fields.append(time)
            return fields
        }

        /// The cell's TIME_PERIOD; nil for a period total whose range is not known yet.
        func timePeriod(_ cell: ReportCell, periodTotal: (String, String)?) -> String? {
            guard let p = periodIndex else {
                guard let period = context.period else { return nil }
                return ReportSDMXRenderer.timePeriod(from: period.from, to: period.to)
            }
            let code = cell.codes[p]
            if code == ReportLabels.total {
                if let period = context.period { return ReportSDMXRenderer.timePeriod(from: period.from, to: period.to) }
                guard let (from, to) = periodTotal else { return nil }
                return ReportSDMXRenderer.timePeriod(from: from, to: to)
            }
            guard let bucket = ReportPeriod(code) else { return code }
            var from = bucket.from, to = bucket.to
            if let period = context.period {
                from = max(from, period.from)
                to = min(to, period.to)
            }
            if first.map({ from < $0 }) ?? true { first = from }
            if last.map({ to > $0 }) ?? true { last = to }
            let time = ReportSDMXRenderer.timePeriod(from: from, to: to)
            periods.insert(time)
            return time
        }

        func check(_ cell: ReportCell) throws {
            guard cell.isEstimate, let key = key(cell) else { return }
            if !estimateKeys.insert(key).inserted {
                let named = zip(ReportSDMXRenderer.dimensionIDs, key).filter { $0.1 != ReportLabels.total }
                    .map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
                throw MigstatError(.invalidArgument,
                    "sdmx-csv: two estimates have the same key (\(named)), so one SDMX observation would have two values",
                    hint: "add the dimension that tells them apart to --by (e.g. source), or withdraw one of them")
            }
        }

        func line(_ cell: ReportCell) -> String {
            if let p = periodIndex, cell.codes[p] == ReportLabels.total {
                deferred.append(cell)
                return ""
            }
            guard let key = key(cell) else { return "" }
            return row(cell, key)
        }

        func footer() -> String {
            let range: (String, String)?
            if let period = context.period { range = (period.from, period.to) }
            else if let first, let last { range = (first, last) }
            else { range = nil }
            guard !deferred.isEmpty, let range else { return "" }
            // A table of one period: its period total is the same observation as that period's (same records,
            // same key), so it is written once.
            if periods.contains(ReportSDMXRenderer.timePeriod(from: range.0, to: range.1)) {
                deferred.removeAll()
                return ""
            }
            var out = ""
            for cell in deferred {
                if let key = key(cell, periodTotal: range) { out += row(cell, key) }
            }
            deferred.removeAll()
            return out
        }

        func row(_ cell: ReportCell, _ key: [String]) -> String {
            let value = cell.isSuppressed ? "" : cell.value.map(String.init) ?? ""
            let comment = cell.isEstimate ? "Estimate, not included in the counted observations" : ""
            let fields = ["dataflow", context.structureID, "I"] + key
                + [value, cell.obsStatus, cell.publishedConfStatus, cell.lower ?? "", cell.upper ?? "", comment]
            return fields.map(ReportEscape.csv).joined(separator: ",") + "\n"
        }
    }
}
