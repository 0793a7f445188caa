import Crypto
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mapping profile: how one source's batch layout reaches the canonical layout
/// (`shared/spec/flow-records.md`).
///
/// A profile is a Frictionless Data v2 **Data Resource** descriptor written in YAML, with its **Table
/// Dialect** (`dialect`) and **Table Schema** (`schema`) inline. Standard keys carry the standard
/// meaning: `encoding`, `dialect.delimiter`, `dialect.header`, `schema.fieldsMatch`,
/// `schema.missingValues`, and per field `name` (the canonical column), `type`, `format` (a strptime
/// pattern for dates), `missingValues`, `constraints.required`. Two namespaced keys are added:
///
/// - `x-source`: the source's header for the field (a string, or a list of accepted spellings; default:
///   the field's `name`), or `{constant: VALUE}` for a column the source lacks.
/// - `x-codes`: a map from the source's codes to canonical ones (`М: M`); every stated source value must
///   have an entry (an untranslated code is rejected with the entry to extend).
///
/// Derived fields: `birth_date` (type `date`) and `birth_year` (type `year`) give `age` at the event
/// date (completed years; with a year only, the age reached in the event's year). Columns of the file
/// that no field names are an error, unless `fieldsMatch` is `superset` or `partial` (then ignored).
package struct MappingProfile: Sendable {
    /// Where each field's value comes from.
    package enum Source: Sendable, Equatable {
        /// One of these header spellings (matched case-insensitively, spaces trimmed).
        case column([String])
        /// The same value on every row.
        case constant(String)
    }

    /// What a field fills.
    package enum Target: Sendable, Equatable {
        case column(CanonicalColumn)
        /// `age`, from a birth date and the event date.
        case birthDate
        /// `age`, from a birth year and the event date's year.
        case birthYear

        /// The canonical column the field ends up in.
        package var column: CanonicalColumn {
            switch self {
            case .column(let column): column
            case .birthDate, .birthYear: .age
            }
        }
    }

    /// One entry of `schema.fields`.
    package struct Field: Sendable {
        /// `schema.fields[i] (name)`, as problems and rejects name it.
        package var entry: String
        /// Line of the entry in the profile file (1-based), when known.
        package var line: Int?
        package var name: String
        package var target: Target
        package var type: String
        /// For dates: the strptime pattern (`default`: YYYY-MM-DD).
        package var format: DateFormat?
        package var source: Source
        /// Source code → canonical code (nil: no translation; values pass as they are).
        package var codes: [(String, String)]?
        /// Local "not stated" markers (the field's own, else the schema's).
        package var missingValues: [String]
        package var required: Bool
    }

    /// How the file's header must match the fields (Frictionless `fieldsMatch`).
    package enum FieldsMatch: String, Sendable, CaseIterable {
        /// The same columns in the same order (the Frictionless default).
        case exact
        /// The same columns, any order.
        case equal
        /// Every column of the file is a field; fields may be missing from the file.
        case subset
        /// Every field is in the file; other columns are ignored.
        case superset
        /// Fields may be missing and other columns are ignored.
        case partial

        /// Fields may be absent from the file (optional columns only).
        package var allowsMissingFields: Bool { self == .subset || self == .partial }
        /// Columns that no field names are skipped.
        package var ignoresExtraColumns: Bool { self == .superset || self == .partial }
    }

    /// The file the profile was read from (for messages), if any.
    package var path: String?
    /// The resource's `name`.
    package var name: String?
    package var encoding: TextEncoding
    package var delimiter: UInt8
    package var fieldsMatch: FieldsMatch
    package var fields: [Field]
    /// The descriptor as written (what `profile add` registers).
    package var text: String
    /// SHA-256 of `text`, 64 hex digits.
    package var sha256: String
    /// Where the profile came from when it is one registered in the database (`migstat profile add`).
    package var registration: Registration?

    /// A profile registered for a source: which source and which version.
    package struct Registration: Sendable, Equatable {
        package var source: String
        package var version: Int

        package init(source: String, version: Int) {
            self.source = source
            self.version = version
        }
    }

    /// Where the profile is named in messages: the source it is registered for, else its path, else its
    /// resource name.
    package var label: String {
        registration.map { "registered for source \($0.source) (version \($0.version))" } ?? path ?? name ?? "profile"
    }

    /// Every constant and every `x-codes` target that is not an active code of its list, named by entry
    /// (an import through the profile would reject every row with it).
    package func codeProblems(_ codes: CodeBook) -> [String] {
        fields.flatMap { Self.codeProblems(of: $0, codes) }
    }

    /// The code problems of one field (`codeProblems`).
    static func codeProblems(of field: Field, _ codes: CodeBook) -> [String] {
        let column = field.target.column
        guard let list = column.codeList else { return [] }
        var bad: [String] = []
        if case .constant(let value) = field.source, !value.isEmpty, column != .occupation, codes[list].id(value) == nil {
            bad.append("\(field.entry).x-source: the constant \"\(value)\" is not in the code list \(list)")
        }
        for (from, to) in field.codes ?? [] where !to.isEmpty && codes[list].id(to) == nil {
            bad.append("\(field.entry).x-codes: \"\(from)\" maps to \"\(to)\", which is not in the code list \(list)")
        }
        return bad
    }
}

/// A problem in a profile itself: where (entry and line) and what.
package struct ProfileProblem: Sendable, Equatable, CustomStringConvertible {
    package var entry: String
    package var line: Int?
    package var message: String

    package init(_ entry: String, line: Int?, _ message: String) {
        self.entry = entry
        self.line = line
        self.message = message
    }

    package var description: String {
        (line.map { "line \($0): " } ?? "") + "\(entry): \(message)"
    }
}

extension MappingProfile {
    /// Canonical and derived names a field may have.
    static let derivedNames = ["birth_date", "birth_year"]

    /// Reads and checks a profile file.
    /// - Throws: `MigstatError(.fileUnreadable)`, or `MigstatError(.badProfile)` listing every problem found.
    package static func load(path: String) throws -> MappingProfile {
        guard let text = readTextFile(path) else {
            throw MigstatError(.fileUnreadable, "cannot read the profile", file: path)
        }
        return try parse(text, path: path)
    }

    /// Parses and checks a profile.
    /// - Throws: `MigstatError(.badProfile)` listing every problem (entry, line, what to change).
    package static func parse(_ text: String, path: String? = nil) throws -> MappingProfile {
        let (profile, problems) = check(text, path: path)
        if let profile, problems.isEmpty { return profile }
        throw MigstatError(.badProfile, problemsMessage(problems), file: path)
    }

    /// Parses a profile registered in the database (`migstat profile add`) for `source`.
    /// - Throws: `MigstatError(.badProfile)` naming the source and version (a profile registered by an
    ///   older migstat may not pass a newer one's checks).
    package static func parse(registered text: String, source: String, version: Int) throws -> MappingProfile {
        let (parsed, problems) = check(text)
        guard var profile = parsed, problems.isEmpty else {
            throw MigstatError(.badProfile, "the profile registered for source \(source) (version \(version)) "
                + problemsMessage(problems).dropFirst("the profile ".count)
                + "\n  register a corrected one with: migstat profile add \(source) PATH --replace (or import with --profile PATH)")
        }
        profile.registration = Registration(source: source, version: version)
        return profile
    }

    /// The message for a list of profile problems.
    package static func problemsMessage(_ problems: [ProfileProblem]) -> String {
        "the profile has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  " + $0.description }.joined(separator: "\n")
    }

    /// Parses a profile and lists every problem in it (the profile is nil when it cannot be used).
    package static func check(_ text: String, path: String? = nil) -> (MappingProfile?, [ProfileProblem]) {
        var problems: [ProfileProblem] = []
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return (nil, [ProfileProblem("profile", line: nil, "the file is empty")])
            }
            root = node
        } catch let error as YamlError {
            return (nil, [ProfileProblem("profile", line: yamlErrorLine(error), "not valid YAML: \(yamlErrorSummary(error))")])
        } catch {
            return (nil, [ProfileProblem("profile", line: nil, "not valid YAML")])
        }
        guard let resource = root.mapping else {
            return (nil, [ProfileProblem("profile", line: root.mark?.line,
                                         "a profile is a Frictionless Data Resource: a YAML mapping with dialect and schema")])
        }
        func problem(_ entry: String, _ node: Node?, _ message: String) {
            problems.append(ProfileProblem(entry, line: node?.mark?.line, message))
        }
        let resourceKeys: Set = [
            "$schema", "name", "title", "description", "path", "data", "format", "mediatype", "encoding", "dialect",
            "schema", "profile", "sources", "licenses", "homepage", "keywords", "version", "created", "hash", "bytes",
        ]
        for (key, value) in resource where !resourceKeys.contains(key.text) {
            problem(key.text, value, unknownKey(key.text, in: "a Data Resource"))
        }
        if let format = resource["format"]?.scalar?.string, format.lowercased() != "csv" {
            problem("format", resource["format"], "migstat reads CSV batches only (format: csv)")
        }
        // encoding
        var encoding = TextEncoding.utf8
        if let node = resource["encoding"] {
            if let name = node.scalar?.string, let parsed = TextEncoding(name: name) {
                encoding = parsed
            } else {
                problem("encoding", node, "must be utf-8 or windows-1251")
            }
        }
        // dialect
        var delimiter = UInt8(ascii: ",")
        if let node = resource["dialect"] {
            if let dialect = node.mapping {
                let known: Set = [
                    "$schema", "name", "title", "description", "delimiter", "quoteChar", "doubleQuote", "header",
                    "headerRows", "lineTerminator", "skipInitialSpace", "caseSensitiveHeader",
                ]
                for (key, value) in dialect where !known.contains(key.text) {
                    problem("dialect.\(key.text)", value, unknownKey(key.text, in: "the dialect"))
                }
                if let d = dialect["delimiter"] {
                    switch d.scalar?.string {
                    case ",": delimiter = UInt8(ascii: ",")
                    case ";": delimiter = UInt8(ascii: ";")
                    case "\t": delimiter = UInt8(ascii: "\t")
                    default: problem("dialect.delimiter", d, "must be \",\", \";\" or \"\\t\" (tab)")
                    }
                }
                if let q = dialect["quoteChar"], q.scalar?.string != "\"" {
                    problem("dialect.quoteChar", q, "migstat reads RFC 4180 quoting: quoteChar must be '\"'")
                }
                if let q = dialect["doubleQuote"], q.bool != true {
                    problem("dialect.doubleQuote", q, "migstat reads RFC 4180 quoting: doubleQuote must be true")
                }
                if let h = dialect["header"], h.bool != true {
                    problem("dialect.header", h, "a batch needs its header row: header must be true")
                }
                if let rows = dialect["headerRows"], rows.sequence?.map({ $0.int }) != [1] {
                    problem("dialect.headerRows", rows, "the header is one row, the first: headerRows must be [1]")
                }
                if let s = dialect["skipInitialSpace"], s.bool == nil {
                    problem("dialect.skipInitialSpace", s, "must be true or false (surrounding spaces are trimmed anyway)")
                }
            } else {
                problem("dialect", node, "must be written inline, as a mapping (a dialect in another file is not supported)")
            }
        }
        // schema
        var fieldsMatch = MappingProfile.FieldsMatch.exact
        var fields: [Field] = []
        if let node = resource["schema"] {
            if let schema = node.mapping {
                let known: Set = [
                    "$schema", "name", "title", "description", "fields", "fieldsMatch", "missingValues", "primaryKey",
                    "uniqueKeys", "foreignKeys",
                ]
                for (key, value) in schema where !known.contains(key.text) {
                    problem("schema.\(key.text)", value, unknownKey(key.text, in: "the Table Schema"))
                }
                if let m = schema["fieldsMatch"] {
                    if let value = m.scalar.flatMap({ FieldsMatch(rawValue: $0.string) }) {
                        fieldsMatch = value
                    } else {
                        problem("schema.fieldsMatch", m, "must be one of exact, equal, subset, superset, partial")
                    }
                }
                let schemaMissing = missingValues(schema["missingValues"], entry: "schema.missingValues", problem) ?? [""]
                if let keys = schema["primaryKey"] {
                    let names = keys.scalar.map { [$0.string] } ?? keys.sequence?.compactMap { $0.scalar?.string }
                    if names != ["record_id"] {
                        problem("schema.primaryKey", keys, "the key of a batch is record_id (leave primaryKey out or write record_id)")
                    }
                }
                if schema["foreignKeys"] != nil || schema["uniqueKeys"] != nil {
                    problem("schema", node, "foreignKeys and uniqueKeys are not supported (migstat checks record_id itself)")
                }
                if let list = schema["fields"]?.sequence {
                    for (i, fieldNode) in list.enumerated() {
                        if let field = parseField(fieldNode, index: i, schemaMissing: schemaMissing, problem) {
                            fields.append(field)
                        }
                    }
                    checkFieldSet(fields, problem)
                } else {
                    problem("schema.fields", schema["fields"] ?? node, "the schema needs a list of fields")
                }
            } else {
                problem("schema", node, "must be written inline, as a mapping (a schema in another file is not supported)")
            }
        } else {
            problem("schema", root, "the profile needs a Table Schema (schema:, with fields)")
        }
        let profile = MappingProfile(
            path: path, name: resource["name"]?.scalar?.string, encoding: encoding, delimiter: delimiter,
            fieldsMatch: fieldsMatch, fields: fields, text: text, sha256: hexString(SHA256.hash(data: Array(text.utf8))))
        return (profile, problems)
    }

    private static func parseField(_ node: Node, index i: Int, schemaMissing: [String],
                                   _ problem: (String, Node?, String) -> Void) -> Field? {
        guard let field = node.mapping else {
            problem("schema.fields[\(i)]", node, "a field is a mapping with at least a name")
            return nil
        }
        guard let name = field["name"]?.scalar?.string, !name.isEmpty else {
            problem("schema.fields[\(i)]", node, "the field has no name (the canonical column it fills)")
            return nil
        }
        let entry = "schema.fields[\(i)] (\(name))"
        let known: Set = [
            "name", "title", "description", "example", "type", "format", "constraints", "missingValues", "rdfType",
            "x-source", "x-codes",
        ]
        for (key, value) in field where !known.contains(key.text) {
            problem("\(entry).\(key.text)", value, unknownKey(key.text, in: "a field")
                + (key.text.hasPrefix("x-") ? " (the keys migstat adds are x-source and x-codes)" : ""))
        }
        let target: Target
        if let column = CanonicalColumn(rawValue: name) {
            target = .column(column)
        } else if name == "birth_date" {
            target = .birthDate
        } else if name == "birth_year" {
            target = .birthYear
        } else {
            problem("\(entry).name", field["name"], "not a canonical column (\(CanonicalColumn.allCases.map(\.rawValue).joined(separator: ", "))) nor birth_date or birth_year; to skip a column of the file, leave it out of the fields and use fieldsMatch: superset")
            return nil
        }
        let type = field["type"]?.scalar?.string ?? "string"
        let expected: [String]
        switch target {
        case .column(.eventDate), .birthDate: expected = ["date"]
        case .birthYear: expected = ["year", "integer"]
        case .column(.age): expected = ["integer", "string"]
        case .column(let c) where CanonicalColumn.washingtonGroup.contains(c): expected = ["integer", "string"]
        default: expected = ["string"]
        }
        if !expected.contains(type) {
            problem("\(entry).type", field["type"] ?? node, "must be \(expected.joined(separator: " or "))")
        }
        var format: DateFormat?
        if let f = field["format"] {
            let pattern = f.scalar?.string ?? ""
            if type == "date" {
                do { format = try DateFormat(pattern) } catch let error as DateFormat.PatternError {
                    problem("\(entry).format", f, error.message)
                } catch {}
            } else if pattern != "default" {
                problem("\(entry).format", f, "only date fields take a format")
            }
        } else if type == "date" {
            format = try? DateFormat("default")
        }
        var source = Source.column([name])
        if let s = field["x-source"] {
            if let scalar = s.scalar, !scalar.string.isEmpty {
                source = .column([scalar.string])
            } else if let list = s.sequence, !list.isEmpty, list.allSatisfy({ $0.scalar.map { !$0.string.isEmpty } ?? false }) {
                source = .column(list.compactMap { $0.scalar?.string })
            } else if let map = s.mapping, map.count == 1, let c = map["constant"]?.scalar?.string {
                source = .constant(c)
                if target != .column(target.column) {
                    problem("\(entry).x-source", s, "a birth date or year cannot be a constant; give age as a constant instead")
                }
            } else {
                problem("\(entry).x-source", s, "must be the source's column name, a list of accepted names, or {constant: VALUE}")
            }
        }
        var codes: [(String, String)]?
        if let c = field["x-codes"] {
            if let map = c.mapping, !map.isEmpty {
                var pairs: [(String, String)] = []
                var seen: Set<String> = []
                for (key, value) in map {
                    guard let from = key.scalar?.string, let to = value.scalar?.string
                    else {
                        problem("\(entry).x-codes", key, "each entry maps one source code to one canonical code")
                        continue
                    }
                    if !seen.insert(CodeMap.foldedKey(from)).inserted {
                        problem("\(entry).x-codes", key, "the source code \"\(from)\" appears twice (codes match case-insensitively)")
                    }
                    pairs.append((from, to.trimmingSpaces()))
                }
                codes = pairs
                switch target {
                case .column(.recordID), .column(.personID), .column(.eventDate), .column(.age), .birthDate, .birthYear:
                    problem("\(entry).x-codes", c, "\(name) is not a coded column; x-codes applies to coded columns")
                default: break
                }
            } else {
                problem("\(entry).x-codes", c, "must be a mapping from source codes to canonical codes")
            }
        }
        let missing = missingValues(field["missingValues"], entry: "\(entry).missingValues", problem) ?? schemaMissing
        var required = false
        if let constraints = field["constraints"] {
            if let map = constraints.mapping {
                for (key, value) in map {
                    if key.text == "required" {
                        if let b = value.bool { required = b } else { problem("\(entry).constraints.required", value, "must be true or false") }
                    } else {
                        problem("\(entry).constraints.\(key.text)", value,
                                "not supported by migstat (only required; the canonical validation applies to every column)")
                    }
                }
            } else {
                problem("\(entry).constraints", constraints, "must be a mapping")
            }
        }
        return Field(entry: entry, line: node.mark?.line, name: name, target: target, type: type, format: format,
                     source: source, codes: codes, missingValues: missing, required: required)
    }

    private static func checkFieldSet(_ fields: [Field], _ problem: (String, Node?, String) -> Void) {
        var byColumn: [CanonicalColumn: Field] = [:]
        for field in fields {
            if let other = byColumn[field.target.column] {
                problem(field.entry, nil, "fills \(field.target.column.rawValue), as \(other.entry) does already (one field per canonical column; birth_date and birth_year fill age)")
            } else {
                byColumn[field.target.column] = field
            }
        }
        for column in CanonicalColumn.allCases where column.isRequired && byColumn[column] == nil {
            problem("schema.fields", nil, "no field fills the required column \(column.rawValue): add a field with name: \(column.rawValue) and x-source naming the source's column (or x-source: {constant: ...})")
        }
        if byColumn[.age].map({ $0.target != .column(.age) }) == true, byColumn[.eventDate] == nil {
            problem("schema.fields", nil, "age is derived from the event date: add an event_date field")
        }
    }

    private static func missingValues(_ node: Node?, entry: String, _ problem: (String, Node?, String) -> Void) -> [String]? {
        guard let node else { return nil }
        guard let list = node.sequence else {
            problem(entry, node, "must be a list of strings (or of {value, label})")
            return nil
        }
        var values: [String] = []
        for item in list {
            if let s = item.scalar?.string {
                values.append(s.trimmingSpaces())
            } else if let v = item.mapping?["value"]?.scalar?.string {
                values.append(v.trimmingSpaces())
            } else {
                problem(entry, item, "must be a list of strings (or of {value, label})")
            }
        }
        return values
    }

    private static func unknownKey(_ key: String, in place: String) -> String {
        "\"\(key)\" is not a key migstat reads in \(place); remove it or check its spelling"
    }
}

private func yamlErrorLine(_ error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
    default: nil
    }
}

private func yamlErrorSummary(_ error: YamlError) -> String {
    switch error {
    case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
    default: "\(error)"
    }
}

extension Node {
    /// A scalar's text as written ("" for anything else).
    var text: String { scalar?.string ?? "" }
}

/// A whole (small) text file as UTF-8 (nil when unreadable or not UTF-8).
func readTextFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { return nil }
        if n == 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
        if bytes.count > 16 << 20 { return nil }
    }
    return String(validating: bytes, as: UTF8.self)
}
