/// One cell of a report: a category (or `_T` total) of every dimension and its published value.
package struct ReportCell: Sendable, Hashable {
    /// One code per dimension of the table, in the table's dimension order; `_T` = total, `_Z` = not stated.
    package var codes: [String]
    /// The published count or estimate; `nil` when the cell is suppressed.
    package var value: Int?
    /// SDMX OBS_STATUS: `A` normal (counted), `E` estimate.
    package var obsStatus: String
    /// SDMX CONF_STATUS: `F` free, `A` primary suppression (small count), `D` secondary suppression.
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

    /// Whether the value is withheld by disclosure control (CONF_STATUS `A` or `D`).
    package var isSuppressed: Bool { confStatus == "A" || confStatus == "D" || (value == nil && !isEstimate) }

    /// Whether any coordinate is a total.
    package var isTotal: Bool { codes.contains(ReportLabels.total) }
}
