package import MigstatPQ

/// How many records of a source and period state one dimension of paragraph 20(a).
package struct CoverageRow: Sendable, Equatable {
    package var source: String
    /// The period (a year, `2024`).
    package var period: String
    package var dimension: String
    /// Records of the source and period; nil when suppressed (below the threshold).
    package var records: Int?
    /// Records that state a value (not NULL and not an explicit unknown); nil when suppressed.
    package var stated: Int?
    /// `stated / records` as the database's decimal text (`0.8571`); nil when suppressed.
    package var share: String?
}

/// Coverage of the paragraph 20(a) dimensions: `migstat.coverage` (suppression in the database).
package struct CoverageStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user (analyst, steward or administrator).
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Coverage by source, period and dimension.
    /// - Parameters:
    ///   - period: only events in this range; nil: all.
    ///   - source: only this source; nil: all.
    package func coverage(period: ReportPeriod?, source: String?) throws -> [CoverageRow] {
        let query: PQQuery = """
            SELECT source, period, dimension, records, stated, share
              FROM migstat.coverage(\(period?.from, as: .date), \(period?.to, as: .date), \(source))
            """
        let result = try connection.execute(query)
        return try (0..<result.rowCount).map { row in
            CoverageRow(source: try result.string(row, 0), period: try result.string(row, 1),
                        dimension: try result.string(row, 2), records: try result.optionalInt(row, 3),
                        stated: try result.optionalInt(row, 4), share: result[row, 5])
        }
    }
}
