/// Where each canonical column sits in a batch file, read from its header.
package struct BatchLayout: Sendable, Equatable {
    /// Field index per canonical column (by `CanonicalColumn.allCases` order); -1 when absent.
    package private(set) var fieldIndex: [Int]
    /// Number of fields in the header.
    package let fieldCount: Int
    /// Header fields that were explicitly ignored.
    package let ignoredFields: [Int]

    /// The field index of a column, or nil when the file has no such column.
    package func index(of column: CanonicalColumn) -> Int? {
        let i = fieldIndex[column.ordinal]
        return i < 0 ? nil : i
    }

    /// Builds the layout from the header's names.
    /// - Parameters:
    ///   - header: the header fields as written (matched case-insensitively, spaces trimmed).
    ///   - ignoring: extra column names to accept and skip.
    ///   - file: the file name, for error messages.
    /// - Throws: `MigstatError(.badHeader)` naming the offending column: a required column missing,
    ///   an unknown column, a repeated column or a column without a name.
    package init(header: [String], ignoring: [String] = [], file: String? = nil) throws {
        let ignored = Set(ignoring.map { $0.trimmingSpaces().lowercased() })
        var indexes = [Int](repeating: -1, count: CanonicalColumn.allCases.count)
        var ignoredFields: [Int] = []
        var seen: Set<String> = []
        for (i, raw) in header.enumerated() {
            let name = raw.trimmingSpaces().lowercased()
            guard !name.isEmpty else {
                throw MigstatError(.badHeader, "column \(i + 1) of the header has no name", file: file, line: 1)
            }
            guard seen.insert(name).inserted else {
                throw MigstatError(.badHeader, "column appears twice in the header", file: file, line: 1, column: name)
            }
            if let column = CanonicalColumn(rawValue: name) {
                indexes[column.ordinal] = i
            } else if ignored.contains(name) {
                ignoredFields.append(i)
            } else {
                throw MigstatError(
                    .badHeader, "unknown column (not in the canonical layout; use --ignore-column to skip it)",
                    file: file, line: 1, column: name)
            }
        }
        for column in CanonicalColumn.allCases where column.isRequired {
            if indexes[column.ordinal] < 0 {
                throw MigstatError(.badHeader, "required column is missing", file: file, line: 1,
                                   column: column.rawValue)
            }
        }
        self.fieldIndex = indexes
        self.fieldCount = header.count
        self.ignoredFields = ignoredFields
    }
}
