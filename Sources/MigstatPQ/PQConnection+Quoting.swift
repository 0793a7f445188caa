extension PQConnection {
    /// Quotes an SQL identifier (table, column, role, schema name): `"` … `"` with every `"` doubled.
    ///
    /// Pure Swift, no connection needed. Prefer query parameters for values; this is for names that cannot be
    /// parameters. A NUL byte makes the statement fail later with `.invalidArgument`.
    /// - Parameter identifier: the name, exactly as stored (case-sensitive once quoted).
    /// - Returns: the quoted identifier, e.g. `"my ""odd"" table"`.
    package static func quoteIdentifier(_ identifier: String) -> String {
        "\"" + doubling("\"", in: identifier) + "\""
    }

    /// Quotes a string literal for SQL that cannot take parameters (e.g. DDL): `'` … `'` with every `'` doubled.
    ///
    /// Pure Swift, no connection needed. It relies on `standard_conforming_strings = on` (PostgreSQL's default,
    /// and enforced by ``PQConnection``), under which backslashes are ordinary characters.
    /// - Parameter literal: the value.
    /// - Returns: the quoted literal, e.g. `'it''s'`.
    /// - Throws: ``PQError`` `.invalidArgument` if `literal` contains a NUL byte, which PostgreSQL text cannot hold.
    package static func quoteLiteral(_ literal: String) throws -> String {
        guard !literal.utf8.contains(0) else {
            throw PQError(code: .invalidArgument, message: "a string literal cannot contain a NUL byte")
        }
        return "'" + doubling("'", in: literal) + "'"
    }

    /// `text` with every `quote` doubled, scalar by scalar: a quote followed by a combining mark is
    /// one Character in Swift, which a Character-based replace would leave single.
    private static func doubling(_ quote: Unicode.Scalar, in text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == quote { out.append(scalar) }
            out.append(scalar)
        }
        return String(out)
    }
}
