/// The header of a canonical batch (no profile), checked before the import so that every problem is
/// reported at once (issue 12, "help for the files that still fail"): every unknown, repeated, unnamed and
/// missing column in one message; a first line with none of the canonical columns is reported as a missing
/// header or another layout **without quoting any of it** (it may be a record: its first field could be a
/// person_id); a header that splits on another delimiter gets "did you mean --delimiter ...?".
package enum CanonicalHeaderCheck {
    /// Reads the file's first record with the import's delimiter and encoding.
    /// - Returns: the problem to report, or nil when the header fits or cannot be read (an empty file, an
    ///   unreadable one or a broken first line: the import itself reports those).
    package static func problem(path: String, delimiter: UInt8, encoding: TextEncoding,
                                ignoring: [String]) -> MigstatError? {
        guard let reader = try? CSVReader(path: path, delimiter: delimiter, encoding: encoding, chunkSize: 1 << 16)
        else { return nil }
        var record = CSVRecord()
        guard (try? reader.next(into: &record)) == true else { return nil }
        return problem(header: record.strings, delimiter: delimiter, ignoring: ignoring, file: path)
    }

    /// The problem with a header read with `delimiter`, or nil when it fits the canonical layout.
    package static func problem(header: [String], delimiter: UInt8, ignoring: [String], file: String?) -> MigstatError? {
        let ignored = Set(ignoring.map { $0.trimmingSpaces().lowercased() })
        let names = header.map { $0.trimmingSpaces().lowercased() }
        var found = Set<CanonicalColumn>()
        var problems: [String] = []
        var seen = Set<String>()
        for (i, name) in names.enumerated() {
            if name.isEmpty {
                problems.append("column \(i + 1) of the header has no name")
            } else if !seen.insert(name).inserted {
                problems.append("column \"\(name)\": appears twice in the header")
            } else if let column = CanonicalColumn(rawValue: name) {
                found.insert(column)
            } else if !ignored.contains(name) {
                problems.append("column \"\(name)\": unknown column (not in the canonical layout; use --ignore-column to skip it)")
            }
        }
        if found.isEmpty {
            // A record, or another source's layout: nothing of it is quoted.
            var message = "the first line has none of the canonical columns (\(header.count) field\(header.count == 1 ? "" : "s")): "
                + "is the header row missing, or is the file in a source's own layout (migstat import --profile, "
                + "migstat profile check)?"
            if header.count == 1, let hint = otherDelimiter(header[0], than: delimiter) {
                message += " The line splits on \(hint.name): did you mean --delimiter \(hint.option)?"
            }
            return MigstatError(.badHeader, message, file: file, line: 1)
        }
        for column in CanonicalColumn.allCases where column.isRequired && !found.contains(column) {
            problems.append("column \"\(column.rawValue)\": required column is missing")
        }
        guard !problems.isEmpty else { return nil }
        var message = problems.count == 1
            ? problems[0]
            : "the header has \(problems.count) problems:\n" + problems.map { "  " + $0 }.joined(separator: "\n")
        if let hint = header.lazy.compactMap({ otherDelimiter($0, than: delimiter) }).first, header.count <= 3 {
            message += "\n  the header splits on \(hint.name): did you mean --delimiter \(hint.option)?"
        }
        return MigstatError(.badHeader, message, file: file, line: 1)
    }

    /// Another delimiter a header field contains: its name and the option to give.
    private static func otherDelimiter(_ field: String, than delimiter: UInt8) -> (name: String, option: String)? {
        for (byte, name, option) in [(UInt8(ascii: ";"), "';'", "';'"), (UInt8(ascii: "\t"), "tabs", "tab"),
                                     (UInt8(ascii: ","), "','", "','")]
        where byte != delimiter && field.utf8.contains(byte) {
            return (name, option)
        }
        return nil
    }
}
