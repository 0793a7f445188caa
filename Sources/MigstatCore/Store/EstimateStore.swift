package import MigstatPQ

/// Estimates from studies and other sources: `migstat.estimates_import`.
package struct EstimateStore {
    private let connection: PQConnection

    /// A store over a connection as a loader of the purpose's compartment.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Stores a file's estimates for `purpose` from `source`: all rows or none.
    /// - Returns: the number of estimates stored.
    /// - Throws: `MigstatError` naming the file's line and column when the database refuses a row (see
    ///   `EstimatesFile.located`), else with the database error as `underlying`.
    package func store(_ file: EstimatesFile, source: String, purpose: String) throws -> Int {
        let query: PQQuery = "SELECT migstat.estimates_import(\(source), \(purpose), \(file.json, as: .jsonb))"
        do {
            return try connection.execute(query).int(0, 0)
        } catch let error as PQError {
            throw file.located(error)
        }
    }
}
