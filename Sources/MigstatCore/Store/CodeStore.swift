package import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One code of a code list.
package struct CodeEntry: Sendable, Equatable {
    package var code: String
    package var label: String
    /// The parent code (ISCO-08 hierarchy), if any.
    package var parent: String?
    /// Whether new records may use it (inactive codes are kept for stored records).
    package var isActive: Bool
}

/// A code list and its number of active codes.
package struct CodeListSize: Sendable, Equatable {
    package var dimension: String
    package var activeCodes: Int
}

/// Code lists: `migstat.code` and `migstat.load_codes`.
package struct CodeStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// The codes of one list, in their order (empty for an unknown list).
    package func codes(of list: String) throws -> [CodeEntry] {
        let query: PQQuery = """
            SELECT code, label, parent, active FROM migstat.code WHERE dimension = \(list) ORDER BY sort_order
            """
        let result = try connection.execute(query)
        return try (0..<result.rowCount).map { row in
            CodeEntry(code: try result.string(row, 0), label: try result.string(row, 1), parent: result[row, 2],
                      isActive: try result.bool(row, 3))
        }
    }

    /// Every list with its number of active codes, by name.
    package func lists() throws -> [CodeListSize] {
        let result = try connection.execute(
            "SELECT dimension, count(*) FILTER (WHERE active) AS codes FROM migstat.code GROUP BY 1 ORDER BY 1")
        return try (0..<result.rowCount).map { row in
            CodeListSize(dimension: try result.string(row, 0), activeCodes: try result.int(row, 1))
        }
    }

    /// Loads a list (administrators) in one transaction; codes keep their ids, and an audit row is written.
    /// - Parameter replace: deactivate codes of the list that `list` no longer has.
    package func load(_ list: CodeListFile.List, replace: Bool) throws {
        let query: PQQuery = """
            SELECT migstat.load_codes(\(list.dimension), \(list.codes, as: .textArray), \(list.labels, as: .textArray),
                                      \(list.parents, as: .textArray), \(list.levels, as: .smallintArray), \(replace))
            """
        try connection.transaction { try connection.execute(query) }
    }

    /// The active codes of every list, as the importer looks them up.
    package func codeBook() throws -> CodeBook {
        let result = try connection.execute("SELECT dimension, code, id FROM migstat.code WHERE active")
        var pairs: [String: [(String, Int16)]] = [:]
        for row in 0..<result.rowCount {
            let dimension = try result.string(row, 0)
            pairs[dimension, default: []].append((try result.string(row, 1), Int16(try result.int(row, 2))))
        }
        return CodeBook(lists: pairs.mapValues { CodeBook.List($0) })
    }

    /// The labels of every code of the named lists: list → code → label.
    package func labels(of lists: [String]) throws -> [String: [String: String]] {
        guard !lists.isEmpty else { return [:] }
        let query: PQQuery = "SELECT dimension, code, label FROM migstat.code WHERE dimension = ANY (\(lists, as: .textArray))"
        let result = try connection.execute(query)
        var labels: [String: [String: String]] = [:]
        for row in 0..<result.rowCount {
            guard let list = result[row, 0], let code = result[row, 1], let label = result[row, 2] else { continue }
            labels[list, default: [:]][code] = label
        }
        return labels
    }

    /// The labels of the code lists `dimensions` use, in `language` (`migstat.code_label`), the English label
    /// where a code has none: dimension → code → label.
    package func labels(for dimensions: [String], language: String) throws -> [String: [String: String]] {
        var lists: [String: [String]] = [:]  // code list -> report dimensions using it
        for dimension in dimensions {
            if let list = DimensionCatalog.named(dimension)?.codeList { lists[list, default: []].append(dimension) }
        }
        guard !lists.isEmpty else { return [:] }
        let query: PQQuery = """
            SELECT c.dimension, c.code, coalesce(l.label, c.label)
              FROM migstat.code c
              LEFT JOIN migstat.code_label l ON l.dimension = c.dimension AND l.code = c.code AND l.lang = \(language)
             WHERE c.dimension = ANY (\(lists.keys.sorted(), as: .textArray))
            """
        let result = try connection.execute(query)
        var labels: [String: [String: String]] = [:]
        for row in 0..<result.rowCount {
            guard let list = result[row, 0], let code = result[row, 1], let label = result[row, 2] else { continue }
            for dimension in lists[list] ?? [] { labels[dimension, default: [:]][code] = label }
        }
        return labels
    }

    /// Loads the shipped translations (`Schemas/codes/labels/LANG.csv`: `dimension,code,label`) of the lists the
    /// database has, each (list, language) only when it differs from what is stored (administrators; `db init`).
    package func loadShippedLabels(directory: String) throws {
        guard access(directory, R_OK) == 0 else { return }
        let lists = Set(try lists().map(\.dimension))
        for file in try listDirectory(directory).filter({ $0.hasSuffix(".csv") }).sorted() {
            let language = String(file.dropLast(4))
            for list in try CodeListFile.read(path: directory + "/" + file) where lists.contains(list.dimension) {
                let stored = try connection.execute(
                    "SELECT code, label FROM migstat.code_label WHERE dimension = \(list.dimension) AND lang = \(language)")
                var current: [String: String] = [:]
                for row in 0..<stored.rowCount { current[stored[row, 0] ?? ""] = stored[row, 1] ?? "" }
                let known = Set(try codes(of: list.dimension).map(\.code))
                var codes: [String] = []
                var labels: [String] = []
                for (code, label) in zip(list.codes, list.labels) where known.contains(code) && !label.isEmpty {
                    codes.append(code)
                    labels.append(label)
                }
                guard current != Dictionary(zip(codes, labels), uniquingKeysWith: { a, _ in a }) else { continue }
                let query: PQQuery = """
                    SELECT migstat.load_code_labels(\(list.dimension), \(language), \(codes, as: .textArray), \(labels, as: .textArray))
                    """
                try connection.transaction { try connection.execute(query) }
            }
        }
    }
}
