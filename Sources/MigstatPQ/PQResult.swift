internal import CLibPQ

/// The rows and command status of one statement, copied out of libpq's `PGresult` (which is freed at once).
///
/// Values are PostgreSQL's text output (`t`/`f` for booleans); `nil` is SQL NULL. Row and column indexes start at 0.
package struct PQResult: Sendable {
    /// Number of rows returned (0 for commands that return none).
    package let rowCount: Int
    /// Number of columns returned.
    package let columnCount: Int
    /// Column names, in order.
    package let columnNames: [String]
    /// The command tag, e.g. `INSERT 0 3`, `SELECT 2`, `COPY 10`, `CREATE TABLE`.
    package let commandTag: String
    /// Rows affected or returned, from the command tag (`PQcmdTuples`); `nil` for commands without a count.
    package let affectedRows: Int?
    /// Values, row by row.
    private let values: [String?]

    /// Creates a result from values, for tests of code that reads results.
    /// - Parameters:
    ///   - columnNames: the column names.
    ///   - rows: the rows; each must have one value per column (`nil` for NULL).
    ///   - commandTag: the command tag.
    ///   - affectedRows: the affected-row count.
    package init(columnNames: [String], rows: [[String?]], commandTag: String = "", affectedRows: Int? = nil) {
        precondition(rows.allSatisfy { $0.count == columnNames.count }, "every row needs one value per column")
        self.rowCount = rows.count
        self.columnCount = columnNames.count
        self.columnNames = columnNames
        self.commandTag = commandTag
        self.affectedRows = affectedRows
        self.values = rows.flatMap { $0 }
    }

    /// Copies everything out of `result`; the caller still clears it.
    init(copying result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var values: [String?] = []
        values.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.columnNames = (0..<Int32(columnCount)).map { column in
            PQfname(result, column).map { String(cString: $0) } ?? ""
        }
        self.commandTag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        self.affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) }
        self.values = values
    }

    /// The index of the first column called `name`, or `nil`.
    /// - Parameter name: a column name, compared exactly.
    package func columnIndex(named name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }

    /// The value at `row` and `column` as text, `nil` for SQL NULL. Both indexes must be in range.
    package subscript(row: Int, column: Int) -> String? {
        precondition(row >= 0 && row < rowCount, "row index out of range")
        precondition(column >= 0 && column < columnCount, "column index out of range")
        return values[row * columnCount + column]
    }

    /// The value at `row` in the column called `column`, `nil` for SQL NULL. The column must exist.
    package subscript(row: Int, column: String) -> String? {
        guard let index = columnIndex(named: column) else {
            preconditionFailure("no column named \(column)")
        }
        return self[row, index]
    }

    /// The non-NULL text value at `row` and `column`.
    /// - Throws: ``PQError`` `.unexpectedResult` if the value is NULL or the indexes are out of range.
    package func string(_ row: Int, _ column: Int) throws -> String {
        guard row >= 0 && row < rowCount, column >= 0 && column < columnCount else {
            throw unexpected("no value at row \(row), column \(column) of a \(rowCount)x\(columnCount) result")
        }
        guard let value = values[row * columnCount + column] else {
            throw unexpected("row \(row), column \(describeColumn(column)) is NULL")
        }
        return value
    }

    /// The non-NULL text value at `row` in the column called `column`.
    /// - Throws: ``PQError`` `.unexpectedResult` if the column does not exist or the value is NULL.
    package func string(_ row: Int, _ column: String) throws -> String {
        try string(row, try index(of: column))
    }

    /// The value at `row` and `column` as an integer.
    /// - Throws: ``PQError`` `.unexpectedResult` if it is NULL or not an integer (the value is not quoted).
    package func int(_ row: Int, _ column: Int) throws -> Int {
        guard let value = Int(try string(row, column)) else {
            throw unexpected("row \(row), column \(describeColumn(column)) is not an integer")
        }
        return value
    }

    /// The value at `row` in the column called `column` as an integer.
    /// - Throws: ``PQError`` `.unexpectedResult` if the column does not exist, the value is NULL or not an integer.
    package func int(_ row: Int, _ column: String) throws -> Int {
        try int(row, try index(of: column))
    }

    /// The value at `row` and `column` as a boolean (PostgreSQL's `t` or `f`).
    /// - Throws: ``PQError`` `.unexpectedResult` if it is NULL or neither `t` nor `f`.
    package func bool(_ row: Int, _ column: Int) throws -> Bool {
        switch try string(row, column) {
        case "t": return true
        case "f": return false
        default: throw unexpected("row \(row), column \(describeColumn(column)) is not a boolean")
        }
    }

    /// The value at `row` in the column called `column` as a boolean (PostgreSQL's `t` or `f`).
    /// - Throws: ``PQError`` `.unexpectedResult` if the column does not exist, the value is NULL or not a boolean.
    package func bool(_ row: Int, _ column: String) throws -> Bool {
        try bool(row, try index(of: column))
    }

    private func index(of column: String) throws -> Int {
        guard let index = columnIndex(named: column) else {
            throw unexpected("the result has no column named \(String(reflecting: column))")
        }
        return index
    }

    private func describeColumn(_ column: Int) -> String {
        let name = columnNames[column]
        return name.isEmpty ? "\(column)" : "\(column) (\(String(reflecting: name)))"
    }

    private func unexpected(_ message: String) -> PQError {
        PQError(code: .unexpectedResult, message: message)
    }
}

extension PQResult {
    /// The value at `row` and `column` as an integer, `nil` for SQL NULL.
    /// - Throws: ``PQError`` `.unexpectedResult` if it is not NULL and not an integer, or out of range.
    package func optionalInt(_ row: Int, _ column: Int) throws -> Int? {
        guard row >= 0 && row < rowCount, column >= 0 && column < columnCount else {
            return try int(row, column)  // throws the out-of-range error
        }
        return self[row, column] == nil ? nil : try int(row, column)
    }

    /// The value at `row` in the column called `column` as an integer, `nil` for SQL NULL.
    /// - Throws: ``PQError`` `.unexpectedResult` if the column does not exist or the value is not an integer.
    package func optionalInt(_ row: Int, _ column: String) throws -> Int? {
        guard let index = columnIndex(named: column) else { return try int(row, column) }
        return try optionalInt(row, index)
    }

    /// The value at `row` in the column called `column` as text, `nil` for SQL NULL.
    /// - Throws: ``PQError`` `.unexpectedResult` if the column does not exist.
    package func optionalString(_ row: Int, _ column: String) throws -> String? {
        guard let index = columnIndex(named: column) else { return try string(row, column) }
        return self[row, index]
    }
}
