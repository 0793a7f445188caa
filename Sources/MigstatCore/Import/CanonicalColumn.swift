/// The columns of the canonical batch layout (`shared/spec/flow-records.md`).
package enum CanonicalColumn: String, CaseIterable, Sendable {
    case recordID = "record_id"
    case personID = "person_id"
    case eventDate = "event_date"
    case direction
    case sex
    case age
    case nationality
    case country
    case region
    case reason
    case occupation
    case workerCategory = "worker_category"
    case ethnicity
    case migrationStatus = "migration_status"
    case disability
    case wgSeeing = "wg_seeing"
    case wgHearing = "wg_hearing"
    case wgMobility = "wg_mobility"
    case wgCognition = "wg_cognition"
    case wgSelfcare = "wg_selfcare"
    case wgCommunication = "wg_communication"

    /// Whether every batch must have this column: `record_id`, `event_date` and the catalogue's required
    /// dimensions.
    package var isRequired: Bool { Self.required[ordinal] }

    private static let required: [Bool] = allCases.map { column in
        column == .recordID || column == .eventDate || DimensionCatalog.named(column.rawValue)?.isRequired == true
    }

    /// The code list a coded column is checked against, from the dimension catalogue (nil for free or numeric
    /// columns).
    package var codeList: String? { DimensionCatalog.named(rawValue)?.codeList }

    /// The dimension columns, in the catalogue's order (`DimensionCatalog.record`; a test checks they match).
    package static let dimensions: [CanonicalColumn] = DimensionCatalog.record.compactMap { CanonicalColumn(rawValue: $0.name) }

    /// Position in `allCases` (used for per-column arrays; a switch, so no search).
    package var ordinal: Int {
        switch self {
        case .recordID: 0
        case .personID: 1
        case .eventDate: 2
        case .direction: 3
        case .sex: 4
        case .age: 5
        case .nationality: 6
        case .country: 7
        case .region: 8
        case .reason: 9
        case .occupation: 10
        case .workerCategory: 11
        case .ethnicity: 12
        case .migrationStatus: 13
        case .disability: 14
        case .wgSeeing: 15
        case .wgHearing: 16
        case .wgMobility: 17
        case .wgCognition: 18
        case .wgSelfcare: 19
        case .wgCommunication: 20
        }
    }

    /// The six Washington Group Short Set questions, from which `disability` can be derived.
    package static let washingtonGroup: [CanonicalColumn] = [
        .wgSeeing, .wgHearing, .wgMobility, .wgCognition, .wgSelfcare, .wgCommunication,
    ]
}
