package import MigstatPQ

/// What a steward asks `migstat.extract` for.
package struct ExtractRequest: Sendable, Equatable {
    /// The purpose (compartment).
    package var purpose: String
    /// Why the records are needed (recorded in the audit log).
    package var reason: String
    /// The columns wanted; nil: all non-special-category columns.
    package var columns: [String]?
    /// Filters in the order given: a dimension and its codes, or a range key (`event_date_from`,
    /// `event_date_to`, `age_from`, `age_to`) and its value.
    package private(set) var filters: [(key: String, value: String)] = []

    /// Creates a request without filters.
    package init(purpose: String, reason: String, columns: [String]? = nil) {
        self.purpose = purpose
        self.reason = reason
        self.columns = columns
    }

    /// Adds a `DIM=CODE[,CODE...]` or `RANGE_KEY=VALUE` filter.
    /// - Throws: `MigstatError` `invalidArgument` when there is no `KEY=`.
    package mutating func addFilter(_ argument: String) throws {
        let (key, value) = try splitFilterArgument(argument)
        filters.append((key, String(value)))
    }

    /// The filters as the JSON object `migstat.extract` takes: `{"sex": ["F"], "age_from": 18}` (range keys keep
    /// a scalar: a number when the value is one).
    package var filtersJSON: String {
        "{" + filters.map { key, value in
            if key.hasSuffix("_from") || key.hasSuffix("_to") {
                return "\(ReportEscape.json(key)): \(Int(value).map(String.init) ?? ReportEscape.json(value))"
            }
            let codes = value.split(separator: ",").map { ReportEscape.json(String($0).trimmingSpaces()) }
            return "\(ReportEscape.json(key)): [\(codes.joined(separator: ", "))]"
        }.joined(separator: ", ") + "}"
    }

    package static func == (a: ExtractRequest, b: ExtractRequest) -> Bool {
        a.purpose == b.purpose && a.reason == b.reason && a.columns == b.columns
            && a.filters.map(\.key) == b.filters.map(\.key) && a.filters.map(\.value) == b.filters.map(\.value)
    }
}

/// One record of an extract. Columns that were not asked for are nil.
package struct ExtractRecord: Sendable, Equatable {
    package var batchID: Int?
    package var line: Int?
    package var recordID: String?
    /// The pseudonym (hex), never the clear person_id (which is not stored).
    package var personPseudonym: String?
    /// `YYYY-MM-DD`.
    package var eventDate: String?
    package var age: Int?
    /// Dimension → code, for the coded dimensions with a value.
    package var codes: [String: String]

    /// Creates a record.
    package init(batchID: Int?, line: Int?, recordID: String?, personPseudonym: String?, eventDate: String?,
                 age: Int?, codes: [String: String]) {
        self.batchID = batchID
        self.line = line
        self.recordID = recordID
        self.personPseudonym = personPseudonym
        self.eventDate = eventDate
        self.age = age
        self.codes = codes
    }

    /// The value of a column of `ExtractStore.columns` as text (nil when NULL).
    package func value(of column: String) -> String? {
        switch column {
        case "batch_id": batchID.map { String($0) }
        case "line_no": line.map { String($0) }
        case "record_id": recordID
        case "person_pseudonym": personPseudonym
        case "event_date": eventDate
        case "age": age.map { String($0) }
        default: codes[column]
        }
    }
}

/// Audited extracts of record-level data (stewards): `migstat.extract`, which checks the compartment and the
/// special-category clearance and writes the audit row in the same transaction.
package struct ExtractStore {
    private let connection: PQConnection

    /// Every column an extract can have, in order: the record's identity, then the catalogue's dimensions.
    package static let columns = ["batch_id", "line_no", "record_id", "person_pseudonym", "event_date"]
        + DimensionCatalog.record.map(\.name)

    /// A store over a connection as the signed-in steward.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// The records of the request's purpose that pass its filters.
    /// - Throws: `PQError` (42501 no compartment or clearance, 22023 no reason, unknown column, bad filter,
    ///   MS404 purpose not declared).
    package func extract(_ request: ExtractRequest) throws -> [ExtractRecord] {
        let query: PQQuery = """
            SELECT * FROM migstat.extract(\(request.purpose), \(request.reason), \(request.columns, as: .textArray), \
            \(request.filtersJSON, as: .jsonb))
            """
        let result = try connection.execute(query)
        let index = Dictionary(result.columnNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let coded = DimensionCatalog.record.filter { $0.codeList != nil }.map(\.name)
        func text(_ row: Int, _ name: String) -> String? { index[name].flatMap { result[row, $0] } }
        func int(_ row: Int, _ name: String) throws -> Int? {
            guard let column = index[name] else { return nil }
            return try result.optionalInt(row, column)
        }
        return try (0..<result.rowCount).map { row in
            var codes: [String: String] = [:]
            for name in coded { if let code = text(row, name) { codes[name] = code } }
            return ExtractRecord(batchID: try int(row, "batch_id"), line: try int(row, "line_no"),
                                 recordID: text(row, "record_id"), personPseudonym: text(row, "person_pseudonym"),
                                 eventDate: text(row, "event_date"), age: try int(row, "age"), codes: codes)
        }
    }
}
