/// Turns each record of a source's file into a canonical record, following a mapping profile resolved
/// against the file's header; the canonical `RecordEncoder` then validates and encodes it exactly as
/// for a canonical file.
///
/// Per record: one pass over the profile's fields, copying (trimmed) bytes, translating codes through
/// byte-level tables, rewriting dates to YYYY-MM-DD and deriving age, into one reused buffer the
/// canonical record points into. No allocation per record.
package final class ProfileTranslator {
    private enum Kind {
        case copy
        case codes(CodeMap)
        case date(DateFormat)
        case constant([UInt8])
        case ageFromBirthDate(DateFormat)
        case ageFromBirthYear
    }

    private struct Output {
        var column: CanonicalColumn
        var kind: Kind
        var sourceIndex: Int       // -1 for constants
        var missing: [[UInt8]]      // besides the empty field
        var required: Bool
        var field: MappingProfile.Field
    }

    /// What the hot loop reads per output (no strings or profile entries: nothing to retain per field).
    private struct Step {
        var column: CanonicalColumn
        var ordinalBit: UInt32
        var kind: Kind
        var sourceIndex: Int
        var missing: [[UInt8]]
        var required: Bool
    }

    package let profile: MappingProfile
    /// The canonical layout of the translated records (canonical columns in output order).
    package let layout: BatchLayout
    /// Number of fields in the source's header.
    package let sourceFieldCount: Int
    private let outputs: [Output]
    private let steps: UnsafeMutableBufferPointer<Step>
    private let eventDateOutput: Int?
    /// Per source field index: the canonical column it feeds (nil: ignored).
    package let sourceColumns: [CanonicalColumn?]
    /// Per canonical ordinal: the source's header name (or a note for constants), for rejects.
    package let columnLabels: [String?]
    /// Per canonical ordinal: the profile field at work.
    package let fieldsByColumn: [MappingProfile.Field?]

    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    /// Canonical columns whose translation failed on the last record (bit per ordinal).
    package private(set) var failedColumns: UInt32 = 0

    /// Resolves `profile` against a file's header.
    /// - Parameters:
    ///   - header: the header fields as read.
    ///   - ignoring: extra source columns to skip (`--ignore-column`).
    ///   - codes: the database's code lists, to check the x-codes targets (nil: not checked).
    /// - Throws: `MigstatError(.badHeader)` listing every mismatch between the header and the profile
    ///   (naming the profile entries), or `.badProfile` for x-codes targets not in the code lists.
    package init(profile: MappingProfile, header: [String], ignoring: [String] = [], codes: CodeBook? = nil,
                 file: String? = nil) throws {
        self.profile = profile
        let normalized = header.map { $0.trimmingSpaces().lowercased() }
        var problems: [String] = []
        var indexByName: [String: Int] = [:]
        for (i, name) in normalized.enumerated() {
            if name.isEmpty {
                problems.append("column \(i + 1) of the header has no name")
            } else if indexByName[name] != nil {
                problems.append("column \"\(header[i].trimmingSpaces())\" appears twice in the header")
            } else {
                indexByName[name] = i
            }
        }
        let ignored = Set(ignoring.map { $0.trimmingSpaces().lowercased() })
        var claimed = [Bool](repeating: false, count: header.count)
        var outputs: [Output] = []
        var missingFields: [String] = []
        var matched = 0
        var order: [Int] = []
        for field in profile.fields {
            let missing = field.missingValues.filter { !$0.isEmpty }.map { Array($0.utf8) }
            let column = field.target.column
            switch field.source {
            case .constant(let value):
                outputs.append(Output(column: column, kind: .constant(Array(value.utf8)), sourceIndex: -1,
                                      missing: [], required: field.required, field: field))
            case .column(let spellings):
                guard let index = spellings.lazy.compactMap({ indexByName[$0.trimmingSpaces().lowercased()] }).first else {
                    if profile.fieldsMatch.allowsMissingFields && !column.isRequired && !field.required { continue }
                    missingFields.append("\(field.entry) names the column "
                        + spellings.map { "\"\($0)\"" }.joined(separator: " or ")
                        + " (x-source), which the file's header lacks")
                    continue
                }
                matched += 1
                claimed[index] = true
                order.append(index)
                let kind: Kind
                switch field.target {
                case .birthDate: kind = .ageFromBirthDate(field.format ?? (try! DateFormat("default")))
                case .birthYear: kind = .ageFromBirthYear
                case .column(.eventDate): kind = .date(field.format ?? (try! DateFormat("default")))
                case .column:
                    kind = field.codes.map { .codes(CodeMap($0)) } ?? .copy
                }
                outputs.append(Output(column: column, kind: kind, sourceIndex: index, missing: missing,
                                      required: field.required, field: field))
            }
        }
        let extra = (0..<header.count).filter { !claimed[$0] && !normalized[$0].isEmpty && !ignored.contains(normalized[$0]) }
        if matched == 0 && profile.fields.contains(where: { if case .column = $0.source { true } else { false } }) {
            // Most likely a file without its header (or another source's file): quote nothing of it.
            var message = "the first line does not have any column the profile names: is the header row missing, or is this another source's file?"
            if header.count == 1 { message += delimiterHint(header[0], profile: true) }
            throw MigstatError(.badHeader, message, file: file, line: 1)
        }
        problems += missingFields
        if !extra.isEmpty && !profile.fieldsMatch.ignoresExtraColumns {
            problems.append("the profile has no field for the column" + (extra.count == 1 ? " " : "s ")
                + extra.map { "\"\(header[$0].trimmingSpaces())\"" }.joined(separator: ", ")
                + " (add fields for them, use --ignore-column, or set schema.fieldsMatch: superset to skip columns the profile does not name)")
        }
        if profile.fieldsMatch == .exact && problems.isEmpty && order != order.sorted() {
            problems.append("schema.fieldsMatch is exact, but the file's columns are in another order than the profile's fields (use fieldsMatch: equal to match by name in any order)")
        }
        if profile.fieldsMatch == .exact && problems.isEmpty && !extra.isEmpty {
            problems.append("schema.fieldsMatch is exact, but the file has columns the profile does not name")
        }
        if !problems.isEmpty {
            throw MigstatError(.badHeader, "the header does not fit the profile \(profile.label):\n"
                + problems.map { "  " + $0 }.joined(separator: "\n"), file: file, line: 1)
        }
        // x-codes targets must be canonical codes (a profile that translates to a code the database does
        // not know would reject every row with it).
        if let codes {
            var bad: [String] = []
            for output in outputs {
                if case .constant(let value) = output.kind, let list = output.column.codeList, !value.isEmpty,
                   codes[list].id(String(decoding: value, as: UTF8.self)) == nil, output.column != .occupation {
                    bad.append("\(output.field.entry).x-source: the constant \"\(String(decoding: value, as: UTF8.self))\" is not in the code list \(list)")
                }
                guard let pairs = output.field.codes, let list = output.column.codeList else { continue }
                for (from, to) in pairs where !to.isEmpty && codes[list].id(to) == nil {
                    bad.append("\(output.field.entry).x-codes: \"\(from)\" maps to \"\(to)\", which is not in the code list \(list)")
                }
            }
            if !bad.isEmpty {
                throw MigstatError(.badProfile, "the profile \(profile.label) translates to codes the database does not have:\n"
                    + bad.map { "  " + $0 }.joined(separator: "\n"))
            }
        }
        // The event date first: age is derived from it.
        outputs.sort { ($0.column == .eventDate ? 0 : 1) < ($1.column == .eventDate ? 0 : 1) }
        self.outputs = outputs
        self.eventDateOutput = outputs.firstIndex { $0.column == .eventDate }
        self.layout = try BatchLayout(header: outputs.map(\.column.rawValue), file: file)
        self.sourceFieldCount = header.count
        var sourceColumns = [CanonicalColumn?](repeating: nil, count: header.count)
        var labels = [String?](repeating: nil, count: CanonicalColumn.allCases.count)
        var fieldsByColumn = [MappingProfile.Field?](repeating: nil, count: CanonicalColumn.allCases.count)
        for output in outputs {
            fieldsByColumn[output.column.ordinal] = output.field
            if output.sourceIndex >= 0 {
                sourceColumns[output.sourceIndex] = output.column
                labels[output.column.ordinal] = header[output.sourceIndex].trimmingSpaces()
            } else {
                labels[output.column.ordinal] = "\(output.column.rawValue) (constant)"
            }
        }
        self.sourceColumns = sourceColumns
        self.columnLabels = labels
        self.fieldsByColumn = fieldsByColumn
        scratch = .allocate(capacity: scratchCapacity)
        steps = .allocate(capacity: outputs.count)
        _ = steps.initialize(from: outputs.map {
            Step(column: $0.column, ordinalBit: 1 << UInt32($0.column.ordinal), kind: $0.kind, sourceIndex: $0.sourceIndex,
                 missing: $0.missing, required: $0.required)
        })
    }

    deinit {
        scratch.deallocate()
        steps.deinitialize()
        steps.deallocate()
    }

    /// Translates `source` into `canonical` (which points into this translator's buffer until the next call).
    /// - Returns: true when every field translated; otherwise false, with the problems appended to `rejects`
    ///   and their columns in `failedColumns` (the canonical record then has those fields empty, so the
    ///   encoder still checks the rest of the row: ignore its rejects for `failedColumns`).
    package func translate(_ source: CSVRecord, into canonical: inout CSVRecord, rejects: inout [Reject]) -> Bool {
        failedColumns = 0
        let line = source.line
        canonical.reset()
        canonical.line = line
        guard source.count == sourceFieldCount else {
            rejects.append(Reject(line: line, column: nil, reason: .wrongFieldCount))
            // An empty record of the right width: the encoder adds nothing for a row already rejected whole.
            failedColumns = UInt32.max
            var writer = CSVRecord.Writer(canonical)
            for _ in outputs { writer.append(0, 0, to: &canonical) }
            canonical.fieldCount = writer.count
            canonical.base = UnsafePointer(scratch)
            return false
        }
        var used = 0
        var writer = CSVRecord.Writer(canonical)
        var eventYMD = 0
        var ok = true
        for k in 0..<steps.count {
            let output = UnsafeMutablePointer(steps.baseAddress! + k)
            let start = used
            @inline(__always) func fail(_ reason: RejectReason) {
                rejects.append(Reject(line: line, column: output.pointee.column, reason: reason))
                failedColumns |= output.pointee.ordinalBit
                ok = false
                used = start
            }
            if case .constant(let value) = output.pointee.kind {
                reserve(used + value.count)
                value.withUnsafeBufferPointer { (scratch + used).update(from: $0.baseAddress!, count: $0.count) }
                used += value.count
                writer.append(start, used, to: &canonical)
                continue
            }
            source.withField(output.pointee.sourceIndex) { raw in
                var s = 0
                var e = raw.count
                while s < e, raw[s] == 0x20 || raw[s] == 0x09 { s += 1 }
                while e > s, raw[e - 1] == 0x20 || raw[e - 1] == 0x09 { e -= 1 }
                let field = UnsafeBufferPointer(rebasing: raw[s..<e])
                if field.isEmpty || (!output.pointee.missing.isEmpty && output.pointee.missing.contains { $0.elementsEqual(field) }) {
                    return  // not stated: an empty canonical field (the encoder checks required columns)
                }
                switch output.pointee.kind {
                case .copy:
                    reserve(used + field.count)
                    (scratch + used).update(from: field.baseAddress!, count: field.count)
                    used += field.count
                case .codes(let map):
                    guard let range = map.lookup(field) else { return fail(.untranslatedCode) }
                    let count = range.count
                    if count > 0 {
                        reserve(used + count)
                        map.values.withUnsafeBufferPointer { (scratch + used).update(from: $0.baseAddress! + range.lowerBound, count: count) }
                        used += count
                    }
                case .date(let format):
                    guard let ymd = format.parse(field) else { return fail(.dateNotInProfileFormat) }
                    eventYMD = ymd
                    reserve(used + 10)
                    writeISODate(ymd, at: scratch + used)
                    used += 10
                case .ageFromBirthDate(let format):
                    guard let birth = format.parse(field) else { return fail(.dateNotInProfileFormat) }
                    guard eventYMD > 0 else { return }  // the event date is rejected already
                    var age = eventYMD / 10000 - birth / 10000
                    if eventYMD % 10000 < birth % 10000 { age -= 1 }
                    guard birth <= eventYMD else { return fail(.birthAfterEvent) }
                    writeAge(age, &used)
                case .ageFromBirthYear:
                    guard field.count == 4, field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let year = parseSmallInt(field)
                    else { return fail(.notAYear) }
                    guard eventYMD > 0 else { return }
                    guard year <= eventYMD / 10000 else { return fail(.birthAfterEvent) }
                    writeAge(eventYMD / 10000 - year, &used)
                case .constant: break
                }
            }
            if output.pointee.required && used == start && failedColumns & output.pointee.ordinalBit == 0 {
                fail(.missingRequired)
            }
            writer.append(start, used, to: &canonical)
        }
        canonical.fieldCount = writer.count
        canonical.base = UnsafePointer(scratch)
        return ok
    }

    /// Whether the encoder's reject for `column` is about a field whose translation already failed.
    @inline(__always)
    package func translationFailed(_ column: CanonicalColumn?) -> Bool {
        guard let column else { return failedColumns == UInt32.max }
        return failedColumns & (1 << UInt32(column.ordinal)) != 0
    }

    private func writeAge(_ age: Int, _ used: inout Int) {
        reserve(used + 4)
        if age >= 1000 {
            // Out of the canonical range anyway: the encoder rejects it.
            for byte in "1000".utf8 { scratch[used] = byte; used += 1 }
            return
        }
        if age >= 100 { scratch[used] = UInt8(0x30 + age / 100); used += 1 }
        if age >= 10 { scratch[used] = UInt8(0x30 + age / 10 % 10); used += 1 }
        scratch[used] = UInt8(0x30 + age % 10)
        used += 1
    }

    /// Grows the buffer to hold `needed` bytes (keeping what is written; field bounds are offsets).
    @inline(__always)
    private func reserve(_ needed: Int) {
        guard needed > scratchCapacity else { return }
        var capacity = scratchCapacity
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: scratch, count: scratchCapacity)
        scratch.deallocate()
        scratch = grown
        scratchCapacity = capacity
    }
}

/// Writes year*10000+month*100+day as `YYYY-MM-DD` (10 bytes).
@inline(__always)
func writeISODate(_ ymd: Int, at p: UnsafeMutablePointer<UInt8>) {
    let y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100
    p[0] = UInt8(0x30 + y / 1000 % 10); p[1] = UInt8(0x30 + y / 100 % 10)
    p[2] = UInt8(0x30 + y / 10 % 10); p[3] = UInt8(0x30 + y % 10)
    p[4] = 0x2D
    p[5] = UInt8(0x30 + m / 10); p[6] = UInt8(0x30 + m % 10)
    p[7] = 0x2D
    p[8] = UInt8(0x30 + d / 10); p[9] = UInt8(0x30 + d % 10)
}

/// " (did you mean --delimiter ';'?)" when a one-column header splits on another delimiter.
package func delimiterHint(_ header: String, profile: Bool) -> String {
    for (byte, name) in [(";", "';'"), ("\t", "tab"), (",", "','")] where header.contains(byte) {
        return profile
            ? "; the header splits on \(name == "tab" ? "tabs" : name): set dialect.delimiter in the profile"
            : "; the header splits on \(name == "tab" ? "tabs" : name): did you mean --delimiter \(name)?"
    }
    return ""
}
