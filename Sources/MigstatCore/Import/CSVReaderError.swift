/// An error from `CSVReader`.
///
/// The message never contains field content (the data may be personal, e.g. passport numbers); it names the
/// problem, and `line` / `fieldIndex` say where it is.
///
/// Some errors reject only the current record: after `unexpectedQuote` or `invalidEncoding` the reader has
/// already skipped to the end of the offending record, and `CSVReader.next(into:)` may be called again to read
/// the following one (see `isRecoverable`). The others are fatal: every later call throws the same error.
package struct CSVError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package enum Kind: Sendable, Equatable {
        /// The file could not be opened (missing, unreadable, a directory).
        case cannotOpen
        /// A quoted field was still open at end of file. Fatal; `line` is where the field started.
        case unterminatedQuote
        /// Bytes that are not valid in the input encoding. Rejects only the current record.
        case invalidEncoding
        /// A quote inside an unquoted field, or anything but a delimiter or line end after a closing quote.
        /// Rejects only the current record.
        case unexpectedQuote
        /// Reading from the file failed. Fatal.
        case readFailed
        /// A record is longer than `CSVReader.maxRecordSize`, usually because a quote is never closed. Fatal;
        /// `line` is where the record started.
        case recordTooLarge
    }

    /// What went wrong.
    package var kind: Kind
    /// The physical line (1-based) where the problem is; for `unterminatedQuote`, where the quoted field started.
    /// 0 when no line applies (`cannotOpen`).
    package var line: Int
    /// The 0-based index of the field with the problem, when known, so callers can name the column.
    package var fieldIndex: Int?
    /// A description of the problem. Never includes field content.
    package var message: String

    /// Creates an error; `message` must not contain field content.
    package init(_ kind: Kind, line: Int, fieldIndex: Int? = nil, message: String) {
        self.kind = kind
        self.line = line
        self.fieldIndex = fieldIndex
        self.message = message
    }

    /// Whether reading may go on after this error: `true` when only the current record was rejected and
    /// `CSVReader.next(into:)` will continue with the next record.
    package var isRecoverable: Bool {
        switch kind {
        case .invalidEncoding, .unexpectedQuote:
            return true
        case .cannotOpen, .unterminatedQuote, .readFailed, .recordTooLarge:
            return false
        }
    }

    /// The message with its location, e.g. `line 17, field 3: …`. The field number here is 1-based.
    package var description: String {
        var location = ""
        if line > 0 {
            location = "line \(line)"
        }
        if let fieldIndex {
            location += location.isEmpty ? "field \(fieldIndex + 1)" : ", field \(fieldIndex + 1)"
        }
        return location.isEmpty ? message : "\(location): \(message)"
    }
}
