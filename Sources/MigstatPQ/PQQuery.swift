/// One SQL statement and its parameters, built together, so a `$n` can never be misnumbered nor a
/// value spliced into the text by mistake.
///
/// Write the statement as a literal whose interpolations are bound parameters:
///
/// ```swift
/// let query: PQQuery = "SELECT migstat.access_grant(\(login), \(role), \(purposes, as: .textArray), \(special))"
/// // query.sql        == "SELECT migstat.access_grant($1, $2, $3::text[], $4)"
/// // query.parameters == ["alice", "steward", "{\"a\"}", "false"]
/// ```
///
/// or build it step by step with ``append(_:)`` and the `bind` methods. An interpolation never becomes SQL
/// text: only the literal parts (and ``append(_:)``) do, and they are the program's own. That holds for
/// `PQQuery("… \(x) …")` and `connection.execute("… \(x) …")` too, which Swift reads as literals of this type:
/// `x` is bound, not spliced (the raw-text `execute(sql:_:)` needs its label, so an interpolation can never
/// reach SQL text by overload resolution). To write program text built with `String` interpolation (a
/// constant column list), pass it to ``append(_:)``.
///
/// `COPY` takes no parameters; ``inlined()`` writes every parameter as a quoted literal (with its cast) in
/// the one place it was bound, so text inserted for one value is never searched again for `$n`.
package struct PQQuery: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// A piece of the statement: program text, or the parameter with this (1-based) number.
    private enum Piece: Sendable, Equatable {
        case text(String)
        case parameter(Int, PQType?)
    }

    private var pieces: [Piece] = []
    /// The values of `$1`, `$2`, … in order, in PostgreSQL's text format (`nil` is SQL NULL).
    package private(set) var parameters: [String?] = []

    /// Starts a statement with program text (no values).
    /// - Parameter sql: SQL text written in the program, never built from input.
    package init(_ sql: String = "") {
        if !sql.isEmpty { pieces.append(.text(sql)) }
    }

    package init(stringLiteral value: String) {
        self.init(value)
    }

    package init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.query
    }

    /// The statement with `$1`, `$2`, … (each followed by its cast, e.g. `$3::date`).
    package var sql: String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .parameter(let number, let type): out += "$\(number)" + (type.map { "::" + $0.name } ?? "")
            }
        }
        return out
    }

    /// ``sql``, for messages and logs (never a value).
    package var description: String { sql }

    /// The statement with every parameter written as a quoted literal (`NULL` for nil) followed by its cast,
    /// for the statements that take no parameters (`COPY (…) TO STDOUT`).
    /// - Throws: ``PQError`` `.invalidArgument` if a value contains a NUL byte.
    package func inlined() throws -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text):
                out += text
            case .parameter(let number, let type):
                out += try parameters[number - 1].map(PQConnection.quoteLiteral) ?? "NULL"
                if let type { out += "::" + type.name }
            }
        }
        return out
    }

    // MARK: Building

    /// Appends program text (no values: bind those).
    package mutating func append(_ sql: String) {
        pieces.append(.text(sql))
    }

    /// Appends the next parameter, `$n` (with `::type` when given), bound to `value` in text format.
    /// - Parameters:
    ///   - value: the value as PostgreSQL reads it in text format; `nil` is NULL.
    ///   - type: the cast written after `$n`, if the server cannot infer the type.
    package mutating func bind(_ value: String?, as type: PQType? = nil) {
        parameters.append(value)
        pieces.append(.parameter(parameters.count, type))
    }

    /// Appends the next parameter bound to an integer (`nil` is NULL).
    package mutating func bind(_ value: Int?, as type: PQType? = nil) {
        bind(value.map { String($0) }, as: type)
    }

    /// Appends the next parameter bound to a boolean (`true`/`false`; `nil` is NULL).
    package mutating func bind(_ value: Bool?, as type: PQType? = nil) {
        bind(value.map { $0 ? "true" : "false" }, as: type)
    }

    /// Appends the next parameter bound to an array (an array literal, every element quoted; `nil` elements
    /// are NULL); `nil` is a NULL array.
    package mutating func bind(_ values: [String?]?, as type: PQType) {
        bind(values.map(Self.arrayLiteral), as: type)
    }

    /// Appends the next parameter bound to an array of text values; `nil` is a NULL array.
    package mutating func bind(_ values: [String]?, as type: PQType) {
        bind(values.map { Self.arrayLiteral($0.map { Optional($0) }) }, as: type)
    }

    /// Appends the next parameter bound to an array of integers; `nil` is a NULL array.
    package mutating func bind(_ values: [Int]?, as type: PQType) {
        bind(values.map { Self.arrayLiteral($0.map { Optional(String($0)) }) }, as: type)
    }

    /// A PostgreSQL array literal of text values: `{"a","b\"c",NULL}`, every element quoted, `\` and `"`
    /// escaped by Unicode scalar (a quote followed by a combining mark is one Character in Swift, which a
    /// Character-based escape would leave bare). For a bound parameter, never for SQL text.
    package static func arrayLiteral(_ values: [String?]) -> String {
        "{" + values.map { value in
            guard let value else { return "NULL" }
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in value.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { quoted.append("\\") }
                quoted.append(scalar)
            }
            quoted.append("\"")
            return String(quoted)
        }.joined(separator: ",") + "}"
    }

    // MARK: Interpolation

    /// Builds a ``PQQuery`` from a literal: the literal parts are SQL text, every interpolation a parameter.
    package struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var query = PQQuery()

        package init(literalCapacity: Int, interpolationCount: Int) {}

        package mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { query.append(literal) }
        }

        /// `\(value)` or `\(value, as: .date)`: a text parameter.
        package mutating func appendInterpolation(_ value: String?, as type: PQType? = nil) {
            query.bind(value, as: type)
        }

        /// `\(count)`: an integer parameter.
        package mutating func appendInterpolation(_ value: Int?, as type: PQType? = nil) {
            query.bind(value, as: type)
        }

        /// `\(flag)`: a boolean parameter.
        package mutating func appendInterpolation(_ value: Bool?, as type: PQType? = nil) {
            query.bind(value, as: type)
        }

        /// `\(codes, as: .textArray)`: an array parameter.
        package mutating func appendInterpolation(_ values: [String]?, as type: PQType) {
            query.bind(values, as: type)
        }

        /// `\(parents, as: .textArray)`: an array parameter with NULL elements.
        package mutating func appendInterpolation(_ values: [String?]?, as type: PQType) {
            query.bind(values, as: type)
        }

        /// `\(levels, as: .smallintArray)`: an integer array parameter.
        package mutating func appendInterpolation(_ values: [Int]?, as type: PQType) {
            query.bind(values, as: type)
        }
    }
}

/// The name of a PostgreSQL type, written as a cast after a parameter (`$1::text[]`).
///
/// Only literals in the program (or the constants here) make one, so a cast is never built from input.
package struct PQType: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The type as written in SQL, e.g. `text[]`.
    package let name: String

    package init(stringLiteral value: StaticString) {
        name = value.description
    }

    package static let text: PQType = "text"
    package static let textArray: PQType = "text[]"
    package static let integer: PQType = "integer"
    package static let smallint: PQType = "smallint"
    package static let smallintArray: PQType = "smallint[]"
    package static let integerArray: PQType = "integer[]"
    package static let bigint: PQType = "bigint"
    package static let boolean: PQType = "boolean"
    package static let date: PQType = "date"
    package static let jsonb: PQType = "jsonb"
}
