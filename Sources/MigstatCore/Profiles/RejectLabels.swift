/// How rejects are named when a file is read through a mapping profile: the column as the SOURCE's
/// header names it, the reason with the profile entry at work, and a hint on how to fix it. Never a
/// record value: only the names and entries the profile's author wrote.
package final class RejectLabels {
    private let labels: [String?]
    private let fields: [MappingProfile.Field?]
    private let profileLabel: String

    init(translator: ProfileTranslator) {
        labels = translator.columnLabels
        fields = translator.fieldsByColumn
        profileLabel = translator.profile.label
    }

    /// The source column (or the canonical column when no field maps it).
    func column(_ reject: Reject) -> String? {
        guard let column = reject.column else { return nil }
        return labels[column.ordinal] ?? column.rawValue
    }

    private func field(_ reject: Reject) -> MappingProfile.Field? {
        reject.column.flatMap { fields[$0.ordinal] }
    }

    /// The reason, naming the canonical column and the profile entry.
    func reason(_ reject: Reject) -> String {
        guard let field = field(reject) else { return reject.reason.text }
        var text = reject.reason.text
        switch reject.reason {
        case .dateNotInProfileFormat:
            text = "not a real calendar date in the format \"\(field.format?.pattern ?? "default")\""
        case .invalidDate:
            text = "not a real calendar date"
        default: break
        }
        return "\(text) (\(field.target.column.rawValue); profile \(field.entry))"
    }

    /// How to fix it.
    func hint(_ reject: Reject) -> String? {
        guard let field = field(reject) else { return RejectLabels.canonicalHint(reject) }
        switch reject.reason {
        case .untranslatedCode:
            return "add the source's code to \(field.entry).x-codes of \(profileLabel) (or to its missingValues if it means \"not stated\"); `migstat profile check \(profileLabel) FILE` lists every untranslated value with its count"
        case .dateNotInProfileFormat:
            return "\(field.entry).format is \"\(field.format?.pattern ?? "default")\": correct it if the source writes dates another way (e.g. \"%d.%m.%Y\", \"%m/%d/%Y\", \"%Y-%m-%d\"), or correct the dates"
        case .notAYear:
            return "\(field.entry) expects four-digit years"
        case .birthAfterEvent:
            return "the birth date (\(field.entry)) is after the event date: check both columns of these rows"
        case .notInCodeList where field.codes == nil:
            return "the source does not write the canonical codes of \(field.target.column.rawValue): translate them with x-codes in \(field.entry) (see `migstat codes list \(field.target.column.rawValue)`)"
        case .missingRequired:
            return "\(field.target.column.rawValue) is required: the source's value is empty or one of the profile's missingValues"
        default:
            return RejectLabels.canonicalHint(reject)
        }
    }

    /// Hints for the canonical layout.
    package static func canonicalHint(_ reject: Reject) -> String? {
        switch reject.reason {
        case .invalidDate:
            return "canonical dates are YYYY-MM-DD; for a source that writes dates another way (31.12.2024), import through a mapping profile whose field has format: \"%d.%m.%Y\" (--profile, see `migstat profile --help`)"
        case .notInCodeList:
            let column = reject.column.map(\.rawValue) ?? "COLUMN"
            return "see `migstat codes list \(column)`; a source with its own codes needs a mapping profile with x-codes (--profile)"
        case .invalidEncoding:
            return "the bytes are not UTF-8; a file from a Cyrillic Windows system is usually Windows-1251: did you mean --encoding windows-1251?"
        case .wrongFieldCount:
            return "these rows have more or fewer fields than the header: check the delimiter and the quoting of fields that hold it"
        case .futureDate:
            return "check the date layout (day and month swapped?) and the year"
        case .duplicateInBatch, .alreadyStored:
            return "record_id identifies an event within the source: the same event must not be imported twice"
        default:
            return nil
        }
    }
}

/// A field of the rejects file, quoted when it holds a comma, a quote or a line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    var quoted = "\""
    for c in text { if c == "\"" { quoted.append("\"") }; quoted.append(c) }
    return quoted + "\""
}
