import MigstatPQ
import Testing

@Suite struct PQConnectionQuotingTests {
    @Test(arguments: [
        ("flows", "\"flows\""),
        ("Mixed Case", "\"Mixed Case\""),
        ("a\"b", "\"a\"\"b\""),
        ("\"", "\"\"\"\""),
        ("", "\"\""),
        ("x\"; DROP TABLE y; --", "\"x\"\"; DROP TABLE y; --\""),
        ("überstadt", "\"überstadt\""),
        ("a\"\u{301}b", "\"a\"\"\u{301}b\""),
    ])
    func quoteIdentifier(input: String, expected: String) {
        #expect(PQConnection.quoteIdentifier(input) == expected)
    }

    @Test(arguments: [
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("''", "''''''"),
        ("", "''"),
        ("'); DROP TABLE x; --", "'''); DROP TABLE x; --'"),
        ("back\\slash", "'back\\slash'"),
        ("line\nbreak \"quoted\"", "'line\nbreak \"quoted\"'"),
        // A quote that is one Character with what follows or precedes it is still doubled.
        ("'\u{301}", "'''\u{301}'"),
        ("0-14\u{600}'), x --", "'0-14\u{600}''), x --'"),
    ])
    func quoteLiteral(input: String, expected: String) throws {
        #expect(try PQConnection.quoteLiteral(input) == expected)
    }

    @Test func quoteLiteralRejectsNUL() {
        let error = #expect(throws: PQError.self) {
            try PQConnection.quoteLiteral("a\u{0}b")
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.description.contains("a\u{0}b") == false)
    }
}
