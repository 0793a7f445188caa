/// One dimension of a migration-flow record: its code list, whether a batch must state it, whether it is a
/// special category of personal data, and how SDMX and people call it.
///
/// The catalogue (`DimensionCatalog`) is the single source of this knowledge. The Swift encoder and the
/// command-line help read it directly; `migstat db init` writes it into the table `migstat.dimension`, which
/// the SQL functions (`code_constraints`, `extract`, `report`, `coverage`, `estimates_import`) read. Adding a
/// dimension is one entry here plus a migration that adds its column to `migstat.records`.
package struct Dimension: Sendable, Hashable {
    /// The name used everywhere: the batch column, the `migstat.records` column, the report dimension.
    package let name: String
    /// The list in `migstat.code` that holds its codes (`nationality` uses `country`); `nil` for `age`.
    package let codeList: String?
    /// Whether every batch must have the column and every record a value (NOT NULL in `migstat.records`).
    package let isRequired: Bool
    /// Whether it is a special category of personal data (GDPR art. 9; ICMW art. 2): its tables use the
    /// special threshold, and its record-level values need the purpose's `special` compartment.
    package let isSpecialCategory: Bool
    /// Whether it is one of the nine dimensions of CMW/C/KGZ/CO/2 paragraph 20(a) (`migstat coverage`).
    package let isParagraph20: Bool
    /// Whether reports list only the codes that occur (lists of hundreds of codes) rather than every code.
    package let listsOnlyOccurringCodes: Bool
    /// The dimension's id in SDMX structures and SDMX-CSV.
    package let sdmxID: String
    /// The English name shown in tables and help (`Category of migrant worker`).
    package let label: String
    /// Codes that mean "not stated" (an explicit unknown), besides an empty value.
    package let unknownCodes: [String]

    /// Creates a catalogue entry.
    package init(_ name: String, codeList: String?, required: Bool = false, special: Bool = false,
                 paragraph20: Bool = false, onlyOccurring: Bool = false, sdmxID: String? = nil, label: String,
                 unknown: [String] = []) {
        self.name = name
        self.codeList = codeList
        self.isRequired = required
        self.isSpecialCategory = special
        self.isParagraph20 = paragraph20
        self.listsOnlyOccurringCodes = onlyOccurring
        self.sdmxID = sdmxID ?? name.uppercased()
        self.label = label
        self.unknownCodes = unknown
    }
}

/// The one dimension catalogue (`../shared/spec/flow-records.md`, "Columns").
package enum DimensionCatalog {
    /// The record dimensions, in the order of their columns in `migstat.records`.
    package static let record: [Dimension] = [
        Dimension("direction", codeList: "direction", required: true, label: "Direction"),
        Dimension("sex", codeList: "sex", required: true, paragraph20: true, label: "Sex", unknown: ["_U"]),
        Dimension("age", codeList: nil, paragraph20: true, label: "Age group"),
        Dimension("nationality", codeList: "country", required: true, paragraph20: true, onlyOccurring: true,
                  label: "Nationality", unknown: ["XXX"]),
        Dimension("country", codeList: "country", onlyOccurring: true, label: "Country of origin or destination"),
        Dimension("region", codeList: "region", label: "Region"),
        Dimension("reason", codeList: "reason", paragraph20: true, label: "Reason for migration", unknown: ["UNK"]),
        Dimension("occupation", codeList: "occupation", paragraph20: true, label: "Occupation (ISCO-08)"),
        Dimension("worker_category", codeList: "worker_category", paragraph20: true,
                  label: "Category of migrant worker", unknown: ["UNK"]),
        Dimension("ethnicity", codeList: "ethnicity", special: true, paragraph20: true, label: "Ethnicity",
                  unknown: ["UNK"]),
        Dimension("migration_status", codeList: "migration_status", required: true, special: true,
                  paragraph20: true, label: "Migration status", unknown: ["UNK"]),
        Dimension("disability", codeList: "disability", special: true, paragraph20: true, label: "Disability",
                  unknown: ["UNK"]),
    ]

    /// Report dimensions that are not record columns: the batch's source and purpose, and the event's period.
    package static let derived: [Dimension] = [
        Dimension("source", codeList: nil, label: "Source"),
        Dimension("purpose", codeList: nil, label: "Purpose"),
        Dimension("period", codeList: nil, sdmxID: "TIME_PERIOD", label: "Period"),
    ]

    /// Every dimension a report may break down by, in `migstat.report`'s order.
    package static let report: [Dimension] = record + derived

    /// The names of the report dimensions.
    package static let reportNames: [String] = report.map(\.name)

    /// The names of the special-category dimensions.
    package static let specialCategoryNames: Set<String> = Set(record.filter(\.isSpecialCategory).map(\.name))

    private static let byName: [String: Dimension] = Dictionary(uniqueKeysWithValues: report.map { ($0.name, $0) })

    /// The entry of a report dimension, or `nil`.
    package static func named(_ name: String) -> Dimension? { byName[name] }
}
