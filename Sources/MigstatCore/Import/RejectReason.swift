/// Why a row was rejected. The text names the rule broken, never the value.
package enum RejectReason: UInt8, Sendable, CaseIterable {
    case missingRequired
    case tooLong
    case controlCharacter
    case invalidDate
    case futureDate
    case dateTooEarly
    case notInCodeList
    case notAWholeNumber
    case ageOutOfRange
    case washingtonGroupOutOfRange
    case disabilityContradictsWashingtonGroup
    case wrongFieldCount
    case misplacedQuote
    case invalidEncoding
    case duplicateInBatch
    case alreadyStored
    case rejectedByDatabase
    // Through a mapping profile.
    case untranslatedCode
    case dateNotInProfileFormat
    case notAYear
    case birthAfterEvent

    /// The reason as written in the rejects file.
    package var text: String {
        switch self {
        case .missingRequired: "required value is missing"
        case .tooLong: "longer than 64 characters"
        case .controlCharacter: "contains a control character"
        case .invalidDate: "not a real calendar date in YYYY-MM-DD form"
        case .futureDate: "date is in the future"
        case .dateTooEarly: "date is before 1900-01-01"
        case .notInCodeList: "not in the code list"
        case .notAWholeNumber: "not a whole number"
        case .ageOutOfRange: "age outside 0 to 130"
        case .washingtonGroupOutOfRange: "Washington Group answer outside 1 to 4"
        case .disabilityContradictsWashingtonGroup: "disability contradicts the Washington Group answers"
        case .wrongFieldCount: "number of fields differs from the header"
        case .misplacedQuote: "quote inside an unquoted field or text after a closing quote"
        case .invalidEncoding: "invalid byte sequence for the file's encoding"
        case .duplicateInBatch: "duplicate record_id within the batch"
        case .alreadyStored: "record_id already stored for this source"
        case .rejectedByDatabase: "rejected by the database"
        case .untranslatedCode: "source code has no translation in the profile's x-codes"
        case .dateNotInProfileFormat: "not a real calendar date in the profile's format"
        case .notAYear: "not a four-digit year"
        case .birthAfterEvent: "birth date after the event date"
        }
    }

    /// Maps the machine code `migstat.check_batch` returns in its `reason` column (`duplicate_in_batch`,
    /// `already_stored`); an unknown code is `rejectedByDatabase`.
    package init(databaseReason code: String) {
        switch code {
        case "duplicate_in_batch": self = .duplicateInBatch
        case "already_stored": self = .alreadyStored
        default: self = .rejectedByDatabase
        }
    }
}

/// One problem found in one row: its physical line, the column (nil for the whole row) and why.
package struct Reject: Sendable, Equatable {
    package var line: Int
    package var column: CanonicalColumn?
    package var reason: RejectReason

    /// Creates a reject entry.
    package init(line: Int, column: CanonicalColumn?, reason: RejectReason) {
        self.line = line
        self.column = column
        self.reason = reason
    }
}
