/// `migstat profile check PROFILE FILE`: before any import, how a file reads through a profile — the
/// profile's own problems (with entries and lines), whether the header fits, how the first rows map,
/// and every source value of a coded column without a translation, with counts, and the rows whose
/// dates do not match the format. Reads the file only (no database): the code lists themselves are
/// checked on import. Never shows record_id or person_id.
package struct ProfileCheck: Sendable {
    /// A translated value: (canonical column, value or a note).
    package struct MappedRow: Sendable {
        package var line: Int
        package var values: [(column: String, source: String?, value: String)]
    }

    /// Values of one source column without a translation in x-codes.
    package struct Untranslated: Sendable {
        package var entry: String
        package var column: String
        /// (source value, rows), most frequent first.
        package var values: [(String, Int)]
        package var distinctValuesOmitted: Int
    }

    package var profileProblems: [ProfileProblem] = []
    package var headerProblem: String?
    package var rows = 0
    package var firstRows: [MappedRow] = []
    package var untranslated: [Untranslated] = []
    /// Other problems per (source column, reason): count and first line.
    package var problems: [(column: String, reason: String, count: Int, firstLine: Int)] = []

    /// Whether the profile and the file fit: no problem of any kind.
    package var isClean: Bool {
        profileProblems.isEmpty && headerProblem == nil && untranslated.isEmpty && problems.isEmpty
    }

    /// Runs the check.
    /// - Parameter sampleRows: how many rows to show mapped.
    package static func run(profilePath: String, file: String, sampleRows: Int = 3) throws -> ProfileCheck {
        var check = ProfileCheck()
        guard let text = readTextFile(profilePath) else {
            throw MigstatError(.fileUnreadable, "cannot read the profile", file: profilePath)
        }
        let (parsed, problems) = MappingProfile.check(text, path: profilePath)
        check.profileProblems = problems
        guard let profile = parsed, problems.isEmpty else { return check }
        let reader: CSVReader
        do {
            reader = try CSVReader(path: file, delimiter: profile.delimiter, encoding: profile.encoding)
        } catch {
            throw MigstatError(.fileUnreadable, error.message, file: file)
        }
        var record = CSVRecord()
        let translator: ProfileTranslator
        do {
            guard try reader.next(into: &record) else {
                check.headerProblem = "empty file: no header row"
                return check
            }
            translator = try ProfileTranslator(profile: profile, header: record.strings, file: file)
        } catch let error as MigstatError {
            check.headerProblem = error.message
            return check
        } catch let error as CSVError {
            check.headerProblem = error.message
            return check
        }
        let labels = RejectLabels(translator: translator)
        var canonical = CSVRecord()
        var rejects: [Reject] = []
        var untranslated: [Int: [String: Int]] = [:]   // by canonical ordinal
        var omitted: [Int: Int] = [:]
        var tally: [String: (column: String, reason: String, count: Int, firstLine: Int)] = [:]
        var order: [String] = []
        let header = translator.layout
        while true {
            do {
                guard try reader.next(into: &record) else { break }
            } catch let error {
                guard error.isRecoverable else {
                    check.headerProblem = "line \(error.line): \(error.message)"
                    break
                }
                check.rows += 1
                let key = "encoding|\(error.line)"
                _ = key
                let reason = error.kind == .invalidEncoding ? RejectReason.invalidEncoding : .misplacedQuote
                let k = "|" + reason.text
                if tally[k] == nil { order.append(k); tally[k] = ("", reason.text, 0, error.line) }
                tally[k]!.count += 1
                continue
            }
            check.rows += 1
            rejects.removeAll(keepingCapacity: true)
            let ok = translator.translate(record, into: &canonical, rejects: &rejects)
            if check.firstRows.count < sampleRows {
                var values: [(String, String?, String)] = []
                for column in CanonicalColumn.allCases {
                    guard let i = header.index(of: column) else { continue }
                    let value: String
                    if column == .recordID || column == .personID {
                        value = canonical.isEmpty(i) ? "(empty)" : "(not shown)"
                    } else if translator.translationFailed(column) {
                        value = "(rejected)"
                    } else {
                        value = canonical.isEmpty(i) ? "(not stated)" : canonical.string(i)
                    }
                    values.append((column.rawValue, translator.columnLabels[column.ordinal], value))
                }
                check.firstRows.append(MappedRow(line: record.line, values: values.map { (column: $0.0, source: $0.1, value: $0.2) }))
            }
            if ok { continue }
            for reject in rejects {
                if reject.reason == .untranslatedCode, let column = reject.column,
                   let sourceIndex = translator.sourceColumns.firstIndex(where: { $0 == column }) {
                    let value = record.string(sourceIndex).trimmingSpaces()
                    if untranslated[column.ordinal]?[value] != nil || (untranslated[column.ordinal]?.count ?? 0) < 1000 {
                        untranslated[column.ordinal, default: [:]][value, default: 0] += 1
                    } else {
                        omitted[column.ordinal, default: 0] += 1
                    }
                    continue
                }
                let column = labels.column(reject) ?? ""
                let reason = labels.reason(reject)
                let k = column + "|" + reason
                if tally[k] == nil { order.append(k); tally[k] = (column, reason, 0, reject.line) }
                tally[k]!.count += 1
            }
        }
        for column in CanonicalColumn.allCases {
            guard let values = untranslated[column.ordinal], let field = translator.fieldsByColumn[column.ordinal] else { continue }
            check.untranslated.append(Untranslated(
                entry: field.entry, column: translator.columnLabels[column.ordinal] ?? column.rawValue,
                values: values.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) },
                distinctValuesOmitted: omitted[column.ordinal] ?? 0))
        }
        check.problems = order.compactMap { tally[$0] }
        return check
    }

    /// The report for people.
    package var text: String {
        var lines: [String] = []
        if !profileProblems.isEmpty {
            lines.append(MappingProfile.problemsMessage(profileProblems))
            return lines.joined(separator: "\n")
        }
        if let headerProblem {
            lines.append("the file does not fit the profile: \(headerProblem)")
            return lines.joined(separator: "\n")
        }
        lines.append("profile: no problems")
        lines.append("rows: \(rows)")
        for row in firstRows {
            lines.append("line \(row.line):")
            for value in row.values {
                lines.append("  \(value.column)" + (value.source.map { " <- \($0)" } ?? "") + ": \(value.value)")
            }
        }
        for group in untranslated {
            lines.append("\(group.column): \(group.values.count) source value\(group.values.count == 1 ? "" : "s") without a translation in \(group.entry).x-codes:")
            for (value, count) in group.values { lines.append("  \"\(value)\": \(count) row\(count == 1 ? "" : "s")") }
            if group.distinctValuesOmitted > 0 { lines.append("  ... and \(group.distinctValuesOmitted) rows with other values") }
        }
        for problem in problems {
            lines.append("\(problem.count) row\(problem.count == 1 ? "" : "s") (first line \(problem.firstLine))"
                + (problem.column.isEmpty ? "" : ", column \(problem.column)") + ": \(problem.reason)")
        }
        if isClean { lines.append("every row translates (the canonical checks and the code lists apply on import)") }
        return lines.joined(separator: "\n")
    }
}
