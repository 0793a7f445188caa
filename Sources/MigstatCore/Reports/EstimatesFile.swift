package import MigstatPQ

/// A CSV file of estimates (studies and other sources where records cannot exist), loaded with
/// `migstat.estimates_import`.
///
/// Columns: `period_from`, `period_to`, `value` and `method` are required; `lower_bound`, `upper_bound` and
/// `source_reference` are optional; every other column is a dimension (`sex`, `age`, `nationality`, ... see
/// `dimensions`, from `DimensionCatalog`), whose empty cell means the total over it. Errors name the file, the line and the column,
/// never a value.
package struct EstimatesFile: Sendable {
    /// One estimate, as read.
    package struct Row: Sendable, Equatable {
        /// The physical line (1-based, header = 1) where the row starts.
        package var line: Int
        /// `YYYY-MM-DD`.
        package var periodFrom: String
        /// `YYYY-MM-DD`.
        package var periodTo: String
        /// Dimension → code, for the non-empty dimension cells only.
        package var dims: [String: String]
        /// The estimate, a decimal number.
        package var value: String
        /// The lower bound, if given.
        package var lowerBound: String?
        /// The upper bound, if given.
        package var upperBound: String?
        /// How the estimate was made.
        package var method: String
        /// Where it comes from (publication, table).
        package var sourceReference: String?
    }

    /// The dimensions an estimate may have (`migstat.estimates_import`): the record dimensions of the catalogue.
    package static let dimensions = DimensionCatalog.record.map(\.name)
    /// The columns that are not dimensions.
    package static let required = ["period_from", "period_to", "value", "method"]
    /// Optional columns that are not dimensions.
    package static let optional = ["lower_bound", "upper_bound", "source_reference"]

    /// The file's path, as given.
    package var path: String
    /// The dimension columns, in file order.
    package var dimensionColumns: [String]
    /// The rows, in file order.
    package var rows: [Row]

    /// Reads and checks a file (dates, numbers, bounds, method; codes are checked by the database).
    /// - Throws: `MigstatError` (`fileUnreadable`, `malformedCSV`, `badHeader`, `rowsRejected`) with the file,
    ///   line and column.
    package init(path: String) throws {
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path)
        } catch {
            throw MigstatError(.fileUnreadable, error.message)  // the message names the file
        }
        try self.init(reader: reader, path: path)
    }

    /// Reads and checks CSV text held in memory (tests); `path` names it in errors.
    package init(bytes: [UInt8], path: String) throws {
        try self.init(reader: CSVReader(bytes: bytes), path: path)
    }

    private init(reader: CSVReader, path: String) throws {
        self.path = path
        var record = CSVRecord()
        func next() throws -> Bool {
            do {
                return try reader.next(into: &record)
            } catch {
                throw MigstatError(.malformedCSV, error.message, file: path, line: error.line)
            }
        }
        guard try next() else { throw MigstatError(.badHeader, "the file is empty (a header is required)", file: path) }
        let header = record.strings.map { $0.trimmingSpaces().lowercased() }
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            guard !name.isEmpty else {
                throw MigstatError(.badHeader, "column \(i + 1) has no name", file: path, line: 1)
            }
            guard Self.dimensions.contains(name) || Self.required.contains(name) || Self.optional.contains(name) else {
                throw MigstatError(.badHeader, "unknown column; columns: " + (Self.required + Self.optional)
                    .joined(separator: ", ") + " and dimensions " + Self.dimensions.joined(separator: ", "),
                                   file: path, line: 1, column: name)
            }
            guard index.updateValue(i, forKey: name) == nil else {
                throw MigstatError(.badHeader, "the column is repeated", file: path, line: 1, column: name)
            }
        }
        for name in Self.required where index[name] == nil {
            throw MigstatError(.badHeader, "required column is missing", file: path, line: 1, column: name)
        }
        dimensionColumns = header.filter { Self.dimensions.contains($0) }
        rows = []
        while try next() {
            let line = record.line
            guard record.count == header.count else {
                throw MigstatError(.rowsRejected, "\(record.count) fields, the header has \(header.count)",
                                   file: path, line: line)
            }
            func field(_ name: String) -> String? {
                guard let i = index[name] else { return nil }
                let text = record.string(i).trimmingSpaces()
                return text.isEmpty ? nil : text
            }
            func fail(_ column: String, _ message: String) -> MigstatError {
                MigstatError(.rowsRejected, message, file: path, line: line, column: column)
            }
            var dates: [String] = []
            for name in ["period_from", "period_to"] {
                guard let text = field(name), text.count == 10, let period = ReportPeriod(text) else {
                    throw fail(name, "a date YYYY-MM-DD is required")
                }
                dates.append(period.from)
            }
            guard dates[0] <= dates[1] else { throw fail("period_to", "before period_from") }
            var numbers: [String: String] = [:]
            for name in ["value", "lower_bound", "upper_bound"] {
                guard let text = field(name) else {
                    if name == "value" { throw fail(name, "a number is required") }
                    continue
                }
                guard ReportEscape.isJSONNumber(text) else {
                    throw fail(name, "not a number >= 0 (digits, optionally a decimal point)")
                }
                numbers[name] = text
            }
            let value = numbers["value"]!
            if let lower = numbers["lower_bound"], Self.compare(lower, value) > 0 {
                throw fail("lower_bound", "greater than value")
            }
            if let upper = numbers["upper_bound"], Self.compare(upper, value) < 0 {
                throw fail("upper_bound", "less than value")
            }
            guard let method = field("method") else {
                throw fail("method", "a description of the method is required")
            }
            var dims: [String: String] = [:]
            for name in dimensionColumns {
                if let code = field(name) { dims[name] = code }
            }
            rows.append(Row(line: line, periodFrom: dates[0], periodTo: dates[1], dims: dims, value: value,
                            lowerBound: numbers["lower_bound"], upperBound: numbers["upper_bound"], method: method,
                            sourceReference: field("source_reference")))
        }
        guard !rows.isEmpty else { throw MigstatError(.rowsRejected, "the file has no estimates", file: path) }
    }

    /// The JSON array `migstat.estimates_import` takes: one object per row with `period_from`, `period_to`,
    /// `dims`, `value`, `lower_bound`, `upper_bound`, `method`, `source_reference`.
    package var json: String {
        "[" + rows.map { row in
            let dims = row.dims.keys.sorted().map { "\(ReportEscape.json($0)): \(ReportEscape.json(row.dims[$0]!))" }
            let fields = [
                "\"period_from\": \(ReportEscape.json(row.periodFrom))",
                "\"period_to\": \(ReportEscape.json(row.periodTo))",
                "\"dims\": {\(dims.joined(separator: ", "))}",
                "\"value\": \(row.value)",
                "\"lower_bound\": \(row.lowerBound ?? "null")",
                "\"upper_bound\": \(row.upperBound ?? "null")",
                "\"method\": \(ReportEscape.json(row.method))",
                "\"source_reference\": \(row.sourceReference.map(ReportEscape.json) ?? "null")",
            ]
            return "{" + fields.joined(separator: ", ") + "}"
        }.joined(separator: ",\n ") + "]"
    }

    /// Maps a row error of `migstat.estimates_import` to this file's line and column: SQLSTATE 22023 with
    /// `DETAIL 'row=<1-based index>'` and `COLUMN` the field (`period_from`, `value`, `dims.age`, …). The line
    /// and column come from those fields only; the message is the database's (redacted), without the
    /// `estimates row N: field F: ` it starts with for psql users, which the location now says. Other errors
    /// are wrapped as they are.
    package func located(_ error: PQError) -> MigstatError {
        guard error.sqlState == .invalidParameterValue, let n = Self.rowIndex(detail: error.detail),
              rows.indices.contains(n - 1) else {
            return MigstatError(database: error)
        }
        let column = error.column.map { $0.hasPrefix("dims.") ? String($0.dropFirst("dims.".count)) : $0 }
        var message = Substring(error.redactedMessage)
        // The location as the function writes it into its message (rebuilt from the fields, not parsed).
        let location = "estimates row \(n): " + (error.column.map { "field \($0): " } ?? "")
        if message.hasPrefix(location) { message = message.dropFirst(location.count) }
        return MigstatError(.rowsRejected, String(message), file: path, line: rows[n - 1].line, column: column,
                            underlying: error)
    }

    /// The `n` of a `row=<n>` item of a DETAIL (items separated by spaces, commas or semicolons).
    private static func rowIndex(detail: String?) -> Int? {
        guard let detail else { return nil }
        for item in detail.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }) where item.hasPrefix("row=") {
            return Int(item.dropFirst("row=".count))
        }
        return nil
    }

    /// Compares two plain decimal numbers (as accepted by `ReportEscape.isJSONNumber`): -1, 0 or 1.
    package static func compare(_ a: String, _ b: String) -> Int {
        func parts(_ s: String) -> (String, String) {
            let p = s.split(separator: ".", omittingEmptySubsequences: false)
            var whole = Substring(p[0])
            while whole.count > 1 && whole.first == "0" { whole.removeFirst() }
            return (String(whole), p.count > 1 ? String(p[1]) : "")
        }
        let (aw, af) = parts(a), (bw, bf) = parts(b)
        if aw.count != bw.count { return aw.count < bw.count ? -1 : 1 }
        if aw != bw { return aw < bw ? -1 : 1 }
        let width = max(af.count, bf.count)
        let ap = af + String(repeating: "0", count: width - af.count)
        let bp = bf + String(repeating: "0", count: width - bf.count)
        return ap == bp ? 0 : ap < bp ? -1 : 1
    }
}
