/// The `sdmx-csv` format, SDMX-CSV 2.0: `STRUCTURE,STRUCTURE_ID,ACTION`, one column per dimension (its id in
/// upper case, `TIME_PERIOD` for the period), then `OBS_VALUE,OBS_STATUS,CONF_STATUS,LOWER_BOUND,UPPER_BOUND`.
/// A suppressed cell has an empty OBS_VALUE and CONF_STATUS `A` or `D`. Fields are quoted per RFC 4180.
package enum ReportSDMXRenderer {
    /// The default dataflow: `MIGSTAT:MIGRATION_FLOWS(1.0)`.
    package static let defaultStructureID = "MIGSTAT:MIGRATION_FLOWS(1.0)"
    /// The measure and attribute columns after the dimensions.
    package static let valueColumns = ["OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND"]

    /// Renders `table` as rows of the dataflow `structureID`, with ACTION `I` (information).
    package static func render(_ table: ReportTable, structureID: String = defaultStructureID) -> String {
        let header = ["STRUCTURE", "STRUCTURE_ID", "ACTION"] + table.dimensions.map(ReportLabels.sdmxID) + valueColumns
        var out = header.map(ReportEscape.csv).joined(separator: ",") + "\n"
        for cell in table.cells {
            let value = cell.isSuppressed ? "" : cell.value.map(String.init) ?? ""
            let fields = ["dataflow", structureID, "I"] + cell.codes
                + [value, cell.obsStatus, cell.confStatus, cell.lower ?? "", cell.upper ?? ""]
            out += fields.map(ReportEscape.csv).joined(separator: ",") + "\n"
        }
        return out
    }
}
