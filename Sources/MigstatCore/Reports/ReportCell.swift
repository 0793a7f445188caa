/// One cell of a report: a category (or `_T` total) of every dimension and its published value.
package struct ReportCell: Sendable, Hashable {
    /// One code per dimension of the table, in the table's dimension order; `_T` = total, `_Z` = not stated.
    package var codes: [String]
    /// The published count or estimate; `nil` when the cell is suppressed.
    package var value: Int?
    /// SDMX OBS_STATUS: `A` normal (counted), `E` estimate.
    package var obsStatus: String
    /// SDMX CONF_STATUS as the database sent it: `F` free (published), `C` confidential (withheld). Renderers
    /// write `publishedConfStatus`, never this, so that no other flag could reach a reader.
    package var confStatus: String
    /// The lower bound of an estimate, as PostgreSQL prints the numeric.
    package var lower: String?
    /// The upper bound of an estimate, as PostgreSQL prints the numeric.
    package var upper: String?
    /// Whether the cell is an estimate from `migstat.estimate` (never added into counted cells).
    package var isEstimate: Bool

    /// Creates a cell.
    package init(codes: [String], value: Int?, obsStatus: String = "A", confStatus: String = "F",
                 lower: String? = nil, upper: String? = nil, isEstimate: Bool = false) {
        self.codes = codes
        self.value = value
        self.obsStatus = obsStatus
        self.confStatus = confStatus
        self.lower = lower
        self.upper = upper
        self.isEstimate = isEstimate
    }

    /// Whether the value is withheld by disclosure control (CONF_STATUS other than `F`, or a counted cell
    /// without a value).
    package var isSuppressed: Bool { confStatus != "F" || (value == nil && !isEstimate) }

    /// CONF_STATUS as published: `C` (confidential) for every withheld cell, `F` for every other. Public flags
    /// reveal nothing about why a cell is withheld: even if a database sent a primary (`A`) or secondary (`D`)
    /// flag, a reader gets `C`.
    package var publishedConfStatus: String { isSuppressed ? Self.withheld : "F" }

    /// CONF_STATUS of a withheld cell: `C` (confidential).
    package static let withheld = "C"

    /// Whether any coordinate is a total.
    package var isTotal: Bool { codes.contains(ReportLabels.total) }
}
