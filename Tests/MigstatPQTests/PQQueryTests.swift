import MigstatPQ
import Testing

/// The query builder: `$n` and the parameter array come from the same calls, so they cannot disagree.
@Suite struct PQQueryTests {
    @Test func interpolationsBecomeNumberedParametersWithTheirCasts() {
        let purposes = ["a", "b\"c"]
        let query: PQQuery = """
            SELECT migstat.access_grant(\("alice"), \("steward"), \(purposes, as: .textArray), \(true))
            """
        #expect(query.sql == "SELECT migstat.access_grant($1, $2, $3::text[], $4)")
        #expect(query.parameters == ["alice", "steward", "{\"a\",\"b\\\"c\"}", "true"])
    }

    @Test func bindingStepByStepNumbersInOrder() {
        var query = PQQuery("SELECT f(")
        query.bind("x")
        query.append(", ")
        query.bind(nil as String?, as: .date)
        query.append(", ")
        query.bind(42, as: .integer)
        query.append(", ")
        query.bind([1, 2], as: .smallintArray)
        query.append(", ")
        query.bind(["p", nil] as [String?], as: .textArray)
        query.append(")")
        #expect(query.sql == "SELECT f($1, $2::date, $3::integer, $4::smallint[], $5::text[])")
        #expect(query.parameters == ["x", nil, "42", "{\"1\",\"2\"}", "{\"p\",NULL}"])
        #expect(query.description == query.sql)
    }

    /// `PQQuery("…")` is a literal of the type too: its interpolations are bound, never spliced.
    @Test func theInitialiserWithAnInterpolationBindsIt() {
        let columns = "id, name"
        let query = PQQuery("SELECT \(columns) FROM t")
        #expect(query.sql == "SELECT $1 FROM t" && query.parameters == ["id, name"])
        var spliced = PQQuery()
        spliced.append("SELECT \(columns) FROM t")
        #expect(spliced.sql == "SELECT id, name FROM t" && spliced.parameters.isEmpty)
    }

    @Test func aStatementWithoutValuesHasNoParameters() {
        let query: PQQuery = "SELECT 1"
        #expect(query.sql == "SELECT 1" && query.parameters.isEmpty)
        #expect(PQQuery().sql.isEmpty)
    }

    /// Inlined (for COPY), every value is a quoted literal in the place it was bound: a value that reads
    /// like a parameter or holds quotes stays inside its literal, and NULL keeps its cast.
    @Test func inliningQuotesEachValueWhereItWasBound() throws {
        let tricky = "$1'; DROP TABLE x; --"
        let query: PQQuery = "SELECT f(\(tricky), \("$2"), \(nil as String?, as: .date), \(7, as: .integer), \(false))"
        #expect(try query.inlined()
            == "SELECT f('$1''; DROP TABLE x; --', '$2', NULL::date, '7'::integer, 'false')")
        #expect(try PQConnection.copyStatement(selecting: "SELECT \(1)") == "COPY (SELECT '1') TO STDOUT")
    }

    @Test func aNULByteCannotBeInlined() {
        let query: PQQuery = "SELECT \("a\u{0}b")"
        #expect(throws: PQError.self) { try query.inlined() }
    }

    @Test func arrayLiteralsEscapeByScalar() {
        // A quote followed by a combining mark is one Character; it must still be escaped.
        #expect(PQQuery.arrayLiteral(["\"\u{301}", "\\", nil]) == "{\"\\\"\u{301}\",\"\\\\\",NULL}")
        #expect(PQQuery.arrayLiteral([]) == "{}")
    }
}
