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

    /// What the hot loop does for an output.
    private enum Op: UInt8 {
        case copy, codes, date, constant, ageFromBirthDate, ageFromBirthYear
    }

    /// What the hot loop reads per output: trivially copyable (plain values and pointers into memory the
    /// translator or its code maps own), so reading a step retains nothing and checks no exclusivity.
    private struct Step {
        var ordinalBit: UInt32
        var column: CanonicalColumn
        var op: Op
        var required: Bool
        var sourceIndex: Int
        /// For `.codes`.
        var codes: CodeTable?
        /// For dates: the pattern's tokens (`DateFormat.compiled`), and whether it is ISO 8601.
        var pattern: UnsafePointer<UInt8>
        var patternCount: Int
        var iso: Bool
        /// For `.constant`: its bytes.
        var constant: UnsafePointer<UInt8>
        var constantCount: Int
        /// Local "not stated" markers besides the empty field: `missingCount` (start, length) pairs into `pool`.
        var missing: UnsafePointer<Int>
        var missingCount: Int
        /// At most this many bytes are written for a field of n bytes: n + `extra`.
        var extra: Int
        /// The value goes to the encoder as a number or id (`RecordEncoder.GivenValues`), not as text.
        var gives: Bool
        var ordinal: Int
    }

    package let profile: MappingProfile
    /// The canonical layout of the translated records (canonical columns in output order).
    package let layout: BatchLayout
    /// Number of fields in the source's header.
    package let sourceFieldCount: Int
    private let outputs: [Output]
    private let steps: UnsafeMutableBufferPointer<Step>
    /// Bytes the steps point into (constants, missing markers, date patterns) and the markers' bounds.
    private let pool: UnsafeMutablePointer<UInt8>
    private let bounds: UnsafeMutablePointer<Int>
    private let eventDateOutput: Int?
    /// Per source field index: the canonical column it feeds (nil: ignored).
    package let sourceColumns: [CanonicalColumn?]
    /// Per canonical ordinal: the source's header name (or a note for constants), for rejects.
    package let columnLabels: [String?]
    /// Per canonical ordinal: the profile field at work.
    package let fieldsByColumn: [MappingProfile.Field?]

    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    /// The values handed to the encoder for the last record (`givenValues`), per canonical ordinal.
    private let given: UnsafeMutablePointer<Int32>
    private var givenMask: UInt32 = 0
    /// Canonical columns whose translation failed on the last record (bit per ordinal).
    package private(set) var failedColumns: UInt32 = 0

    /// Resolves `profile` against a file's header.
    /// - Parameters:
    ///   - header: the header fields as read.
    ///   - ignoring: extra source columns to skip (`--ignore-column`).
    ///   - codes: the database's code lists, to check the x-codes targets (nil: not checked).
    ///   - givesValues: with `codes`, hand the encoder dates, derived ages and translated codes as numbers and
    ///     ids (`givenValues`) instead of canonical text it would parse and look up again (the import); without,
    ///     every field is canonical text (`profile check`, which shows it).
    /// - Throws: `MigstatError(.badHeader)` listing every mismatch between the header and the profile
    ///   (naming the profile entries), or `.badProfile` for x-codes targets not in the code lists.
    package init(profile: MappingProfile, header: [String], ignoring: [String] = [], codes: CodeBook? = nil,
                 givesValues: Bool = false, file: String? = nil) throws {
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
                    let list = givesValues && RecordEncoder.takesGivenValue(column) ? column.codeList.flatMap { codes?[$0] } : nil
                    let id = list.map { list in { RecordEncoder.givenCodeID($0, column: column, list: list) } }
                    kind = field.codes.map { .codes(CodeMap($0, id: id)) } ?? .copy
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
            let bad = outputs.flatMap { MappingProfile.codeProblems(of: $0.field, codes) }
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
        given = .allocate(capacity: CanonicalColumn.allCases.count)
        given.initialize(repeating: 0, count: CanonicalColumn.allCases.count)
        let gives = givesValues && codes != nil
        // The steps' bytes in one pool, allocated once (the steps hold pointers into it).
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        var places: [(constant: Int, constantCount: Int, pattern: Int, patternCount: Int, missing: Int)] = []
        for output in outputs {
            var place = (constant: bytes.count, constantCount: 0, pattern: 0, patternCount: 0, missing: offsets.count)
            if case .constant(let value) = output.kind {
                bytes += value
                place.constantCount = value.count
            }
            if case .date(let format) = output.kind { place.pattern = bytes.count; bytes += format.compiled; place.patternCount = format.compiled.count }
            if case .ageFromBirthDate(let format) = output.kind { place.pattern = bytes.count; bytes += format.compiled; place.patternCount = format.compiled.count }
            for marker in output.missing {
                offsets += [bytes.count, marker.count]
                bytes += marker
            }
            places.append(place)
        }
        pool = .allocate(capacity: max(bytes.count, 1))
        pool.initialize(from: bytes, count: bytes.count)
        bounds = .allocate(capacity: max(offsets.count, 1))
        bounds.initialize(from: offsets, count: offsets.count)
        steps = .allocate(capacity: outputs.count)
        for (i, output) in outputs.enumerated() {
            let place = places[i]
            var op = Op.copy
            var codes: CodeTable?
            var iso = false
            var extra = 0
            switch output.kind {
            case .copy: op = .copy
            case .codes(let map): op = .codes; codes = map.table; extra = map.table.longestValue
            case .date(let format): op = .date; iso = format.isISO; extra = 10
            case .constant: op = .constant; extra = place.constantCount
            case .ageFromBirthDate(let format): op = .ageFromBirthDate; iso = format.isISO; extra = 4
            case .ageFromBirthYear: op = .ageFromBirthYear; extra = 4
            }
            (steps.baseAddress! + i).initialize(to: Step(
                ordinalBit: 1 << UInt32(output.column.ordinal), column: output.column, op: op, required: output.required,
                sourceIndex: output.sourceIndex, codes: codes, pattern: UnsafePointer(pool + place.pattern),
                patternCount: place.patternCount, iso: iso, constant: UnsafePointer(pool + place.constant),
                constantCount: place.constantCount, missing: UnsafePointer(bounds + place.missing),
                missingCount: output.missing.count, extra: extra,
                gives: gives && RecordEncoder.takesGivenValue(output.column) && op != .copy && op != .constant,
                ordinal: output.column.ordinal))
        }
    }

    deinit {
        scratch.deallocate()
        given.deallocate()
        steps.deinitialize()
        steps.deallocate()
        pool.deallocate()
        bounds.deallocate()
    }

    /// The values of the last record handed to the encoder as numbers and ids (`init(givesValues:)`): pass them
    /// to `RecordEncoder.encode(_:given:rejects:)` with the canonical record. Valid until the next `translate`.
    package var givenValues: RecordEncoder.GivenValues {
        RecordEncoder.GivenValues(mask: givenMask, values: UnsafePointer(given))
    }

    /// Translates `source` into `canonical` (which points into this translator's buffer until the next call).
    /// - Returns: true when every field translated; otherwise false, with the problems appended to `rejects`
    ///   and their columns in `failedColumns` (the canonical record then has those fields empty, so the
    ///   encoder still checks the rest of the row: ignore its rejects for `failedColumns`).
    package func translate(_ source: CSVRecord, into canonical: inout CSVRecord, rejects: inout [Reject]) -> Bool {
        let line = source.line
        canonical.reset()
        canonical.line = line
        givenMask = 0
        guard source.count == sourceFieldCount, let base = source.base else {
            rejects.append(Reject(line: line, column: nil, reason: .wrongFieldCount))
            // An empty record of the right width: the encoder adds nothing for a row already rejected whole.
            failedColumns = UInt32.max
            var writer = CSVRecord.Writer(canonical)
            for _ in outputs { writer.append(0, 0, to: &canonical) }
            canonical.fieldCount = writer.count
            canonical.base = UnsafePointer(scratch)
            return false
        }
        // Locals only in the loop: the class's stored properties are read once and written back once.
        var out = scratch
        var capacity = scratchCapacity
        let steps = self.steps
        let pool = UnsafePointer(self.pool)
        let fields = source.bounds
        var used = 0
        var failed: UInt32 = 0
        var writer = CSVRecord.Writer(canonical)
        var eventYMD = 0
        var mask: UInt32 = 0
        let given = self.given
        let stepBase = UnsafePointer(steps.baseAddress.unsafelyUnwrapped)
        for k in 0..<steps.count {
            let step = stepBase + k  // read field by field through the pointer: no copy of the whole step
            let start = used
            if step.pointee.op == .constant {
                if used &+ step.pointee.constantCount > capacity { out = grow(to: used &+ step.pointee.constantCount, used: used); capacity = scratchCapacity }
                copyBytes(step.pointee.constant, step.pointee.constantCount, to: out + used)
                used &+= step.pointee.constantCount
                writer.append(start, used, to: &canonical)
                continue
            }
            // The field, trimmed of spaces and tabs.
            var s = fields[2 &* step.pointee.sourceIndex]
            var e = fields[2 &* step.pointee.sourceIndex &+ 1]
            while s < e, base[s] == 0x20 || base[s] == 0x09 { s &+= 1 }
            while e > s, base[e &- 1] == 0x20 || base[e &- 1] == 0x09 { e &-= 1 }
            let p = base + s
            let n = e &- s
            var reason: RejectReason?
            var isGiven = false
            if n > 0 && !(step.pointee.missingCount > 0 && Self.isMissing(p, n, step.pointee.missing, step.pointee.missingCount, pool)) {
                if used &+ n &+ step.pointee.extra > capacity { out = grow(to: used &+ n &+ step.pointee.extra, used: used); capacity = scratchCapacity }
                switch step.pointee.op {
                case .copy:
                    copyBytes(p, n, to: out + used)
                    used &+= n
                case .codes:
                    let table = step.pointee.codes.unsafelyUnwrapped
                    if let slot = table.slotIndex(p, n) {
                        let id = table.slots[slot].id
                        if step.pointee.gives && id != 0 {
                            given[step.pointee.ordinal] = Int32(id)
                            isGiven = true
                        } else {
                            let count = Int(table.slots[slot].valueLength)
                            copyBytes(table.values + Int(table.slots[slot].valueStart), count, to: out + used)
                            used &+= count
                        }
                    } else {
                        reason = .untranslatedCode
                    }
                case .date:
                    if let ymd = Self.parseDate(p, n, step) {
                        eventYMD = ymd
                        if step.pointee.gives {
                            given[step.pointee.ordinal] = Int32(ymd)
                            isGiven = true
                        } else {
                            writeISODate(ymd, at: out + used)
                            used &+= 10
                        }
                    } else {
                        reason = .dateNotInProfileFormat
                    }
                case .ageFromBirthDate:
                    if let birth = Self.parseDate(p, n, step) {
                        if eventYMD > 0 {  // else the event date is rejected already
                            if birth <= eventYMD {
                                var age = eventYMD / 10000 - birth / 10000
                                if eventYMD % 10000 < birth % 10000 { age -= 1 }
                                if step.pointee.gives {
                                    given[step.pointee.ordinal] = Int32(clamping: age)
                                    isGiven = true
                                } else {
                                    used = Self.writeAge(age, out, used)
                                }
                            } else {
                                reason = .birthAfterEvent
                            }
                        }
                    } else {
                        reason = .dateNotInProfileFormat
                    }
                case .ageFromBirthYear:
                    var year = 0
                    if n == 4 && Self.isDigit(p[0]) && Self.isDigit(p[1]) && Self.isDigit(p[2]) && Self.isDigit(p[3]) {
                        year = Int(p[0] &- 0x30) * 1000 + Int(p[1] &- 0x30) * 100 + Int(p[2] &- 0x30) * 10 + Int(p[3] &- 0x30)
                        if eventYMD > 0 {
                            if year <= eventYMD / 10000 {
                                if step.pointee.gives {
                                    given[step.pointee.ordinal] = Int32(clamping: eventYMD / 10000 - year)
                                    isGiven = true
                                } else {
                                    used = Self.writeAge(eventYMD / 10000 - year, out, used)
                                }
                            } else {
                                reason = .birthAfterEvent
                            }
                        }
                    } else {
                        reason = .notAYear
                    }
                case .constant: break
                }
            }
            if reason == nil, step.pointee.required, used == start, !isGiven {
                reason = .missingRequired
            }
            if let reason {
                rejects.append(Reject(line: line, column: step.pointee.column, reason: reason))
                failed |= step.pointee.ordinalBit
                used = start
            } else if isGiven {
                mask |= step.pointee.ordinalBit
            }
            writer.append(start, used, to: &canonical)
        }
        canonical.fieldCount = writer.count
        canonical.base = UnsafePointer(out)
        failedColumns = failed
        givenMask = mask
        return failed == 0
    }

    /// Whether the `n` bytes at `p` are one of a step's "not stated" markers.
    @inline(__always)
    private static func isMissing(_ p: UnsafePointer<UInt8>, _ n: Int, _ markers: UnsafePointer<Int>, _ count: Int,
                                  _ pool: UnsafePointer<UInt8>) -> Bool {
        for m in 0..<count where markers[2 &* m &+ 1] == n {
            let marker = pool + markers[2 &* m]
            var j = 0
            while j < n, marker[j] == p[j] { j &+= 1 }
            if j == n { return true }
        }
        return false
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// A date in the step's pattern (`DateFormat.compiled`) as year*10000+month*100+day, or nil.
    @inline(__always)
    private static func parseDate(_ p: UnsafePointer<UInt8>, _ n: Int, _ step: UnsafePointer<Step>) -> Int? {
        if step.pointee.iso { return MigstatCore.parseDate(UnsafeBufferPointer(start: p, count: n)) }
        return DateFormat.parse(p, n, tokens: step.pointee.pattern, count: step.pointee.patternCount)
    }

    /// Copies a field's bytes. Fields are short: up to 16 bytes with two overlapping loads and stores (never
    /// reading or writing outside either range), which beats a call to memcpy.
    @inline(__always)
    private func copyBytes(_ from: UnsafePointer<UInt8>, _ count: Int, to: UnsafeMutablePointer<UInt8>) {
        let src = UnsafeRawPointer(from), dst = UnsafeMutableRawPointer(to)
        if count >= 8 {
            if count > 16 {
                dst.copyMemory(from: src, byteCount: count)
                return
            }
            let head = src.loadUnaligned(as: UInt64.self)
            let tail = src.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            dst.storeBytes(of: head, as: UInt64.self)
            dst.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        } else if count >= 4 {
            let head = src.loadUnaligned(as: UInt32.self)
            let tail = src.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            dst.storeBytes(of: head, as: UInt32.self)
            dst.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
        } else if count > 0 {
            to[0] = from[0]
            to[count >> 1] = from[count >> 1]
            to[count &- 1] = from[count &- 1]
        }
    }

    /// Whether the encoder's reject for `column` is about a field whose translation already failed.
    @inline(__always)
    package func translationFailed(_ column: CanonicalColumn?) -> Bool {
        guard let column else { return failedColumns == UInt32.max }
        return failedColumns & (1 << UInt32(column.ordinal)) != 0
    }

    /// Writes an age (0-999; larger ones as 1000, which the encoder rejects) at `out + used`; returns the new `used`.
    @inline(__always)
    private static func writeAge(_ age: Int, _ out: UnsafeMutablePointer<UInt8>, _ used: Int) -> Int {
        var used = used
        if age >= 1000 {
            // Out of the canonical range anyway: the encoder rejects it.
            for byte in "1000".utf8 { out[used] = byte; used += 1 }
            return used
        }
        if age >= 100 { out[used] = UInt8(0x30 + age / 100); used += 1 }
        if age >= 10 { out[used] = UInt8(0x30 + age / 10 % 10); used += 1 }
        out[used] = UInt8(0x30 + age % 10)
        return used + 1
    }

    /// Grows the buffer to hold `needed` bytes, keeping the `used` bytes written (field bounds are offsets).
    /// - Returns: the new buffer.
    @inline(never)
    private func grow(to needed: Int, used: Int) -> UnsafeMutablePointer<UInt8> {
        var capacity = scratchCapacity
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: scratch, count: used)
        scratch.deallocate()
        scratch = grown
        scratchCapacity = capacity
        return grown
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
