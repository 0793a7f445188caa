/// The `sdmx-csv` format, SDMX-CSV 2.0: `STRUCTURE,STRUCTURE_ID,ACTION`, one column per dimension of the report
/// (its id in upper case, `TIME_PERIOD` for the period), then the dimension `DATA_SOURCE_TYPE` (`COUNT` for a
/// counted cell, `EST` for an estimate), then `OBS_VALUE,OBS_STATUS,CONF_STATUS,LOWER_BOUND,UPPER_BOUND`.
///
/// An observation is identified by its dimension values, so `DATA_SOURCE_TYPE` keeps an estimate apart from the
/// counted cell with the same codes (with `--with-estimates` both have, e.g., the total); the column is always
/// written, so the dataflow's structure does not depend on the option. Age bands are written as SDMX CL_AGE
/// codes (`Y15-19` → `Y15T19`, `65+` → `Y_GE65`, see `ReportLabels.sdmxAgeCode`); other codes as reported.
/// A withheld cell has an empty OBS_VALUE and CONF_STATUS `C` (confidential), every other `F`. Fields are quoted per RFC 4180.
package enum ReportSDMXRenderer {
    /// The default dataflow: `MIGSTAT:MIGRATION_FLOWS(1.0)`.
    package static let defaultStructureID = "MIGSTAT:MIGRATION_FLOWS(1.0)"
    /// The columns before the dimensions.
    package static let structureColumns = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    /// The dimension after the report's own ones that tells counted cells from estimates.
    package static let dataSourceTypeID = "DATA_SOURCE_TYPE"
    /// `DATA_SOURCE_TYPE` of a counted cell.
    package static let countedSourceType = "COUNT"
    /// `DATA_SOURCE_TYPE` of an estimate (OBS_STATUS `E`).
    package static let estimateSourceType = "EST"
    /// The measure and attribute columns after the dimensions.
    package static let valueColumns = ["OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND"]

    /// The header: the structure columns, the report's dimensions, `DATA_SOURCE_TYPE`, the value columns.
    package static func header(_ table: ReportTable) -> [String] {
        header(dimensions: table.dimensions)
    }

    /// The header for a table of these dimensions.
    package static func header(dimensions: [String]) -> [String] {
        structureColumns + dimensions.map(ReportLabels.sdmxID) + [dataSourceTypeID] + valueColumns
    }

    /// `EST` for an estimate, `COUNT` for a counted cell.
    package static func dataSourceType(_ cell: ReportCell) -> String {
        cell.isEstimate || cell.obsStatus == "E" ? estimateSourceType : countedSourceType
    }

    /// Renders `table` as rows of the dataflow `structureID`, with ACTION `I` (information).
    package static func render(_ table: ReportTable, structureID: String = defaultStructureID) -> String {
        ReportStream.render(table, stream(dimensions: table.dimensions, structureID: structureID))
    }

    /// The format as header, one line per cell, footer (for `migstat report` to write as cells arrive).
    package static func stream(dimensions: [String], structureID: String = defaultStructureID) -> ReportStream {
        return ReportStream(header: header(dimensions: dimensions).map(ReportEscape.csv).joined(separator: ",") + "\n") { cell, _ in
            let value = cell.isSuppressed ? "" : cell.value.map(String.init) ?? ""
            let codes = cell.codes.indices.map { i in
                i < dimensions.count ? ReportLabels.sdmxCode(dimension: dimensions[i], code: cell.codes[i]) : cell.codes[i]
            }
            let fields = ["dataflow", structureID, "I"] + codes + [dataSourceType(cell)]
                + [value, cell.obsStatus, cell.publishedConfStatus, cell.lower ?? "", cell.upper ?? ""]
            return fields.map(ReportEscape.csv).joined(separator: ",") + "\n"
        }
    }
}
