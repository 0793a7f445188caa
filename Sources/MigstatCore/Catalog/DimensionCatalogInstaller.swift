package import MigstatPQ

/// Writes `DimensionCatalog` into `migstat.dimension`, the table the SQL functions read: inserts or updates
/// every entry and deletes rows of dimensions that are no longer in the catalogue. Part of `migstat db init`
/// (superuser, inside its transaction).
package struct DimensionCatalogInstaller {
    private let connection: PQConnection

    /// Creates an installer on a connection.
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Makes `migstat.dimension` equal to the catalogue.
    /// - Throws: `PQError` from the server.
    package func install() throws {
        for (index, dimension) in DimensionCatalog.report.enumerated() {
            let isRecordColumn = DimensionCatalog.record.contains(dimension)
            try connection.execute("""
                INSERT INTO migstat.dimension (name, ord, code_list, is_record_column, is_required,
                                               is_special_category, is_paragraph20, only_occurring_codes, sdmx_id,
                                               label, unknown_codes)
                VALUES (\(dimension.name), \(index + 1), \(dimension.codeList), \(isRecordColumn),
                        \(dimension.isRequired), \(dimension.isSpecialCategory), \(dimension.isParagraph20),
                        \(dimension.listsOnlyOccurringCodes), \(dimension.sdmxID), \(dimension.label),
                        \(dimension.unknownCodes, as: .textArray))
                ON CONFLICT (name) DO UPDATE
                   SET ord = EXCLUDED.ord, code_list = EXCLUDED.code_list, is_record_column = EXCLUDED.is_record_column,
                       is_required = EXCLUDED.is_required, is_special_category = EXCLUDED.is_special_category,
                       is_paragraph20 = EXCLUDED.is_paragraph20, only_occurring_codes = EXCLUDED.only_occurring_codes,
                       sdmx_id = EXCLUDED.sdmx_id, label = EXCLUDED.label, unknown_codes = EXCLUDED.unknown_codes
                """)
        }
        try connection.execute("DELETE FROM migstat.dimension WHERE NOT (name = ANY (\(DimensionCatalog.reportNames, as: .textArray)))")
    }
}
