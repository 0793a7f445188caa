import MigstatPQ
import Testing

@Suite struct PQErrorTests {
    private let uniqueViolation = PQError(
        code: .queryFailed,
        message: "duplicate key value violates unique constraint \"flows_pkey\"",
        sqlState: .uniqueViolation,
        detail: "Key (record_id)=(secret-4711) already exists.",
        hint: "Hint mentioning secret-hint-value.",
        constraint: "flows_pkey",
        schema: "public",
        table: "flows",
        column: "record_id",
        context: "COPY flows, line 3: \"secret-context-row\"",
        query: "INSERT INTO flows (record_id) VALUES ($1)"
    )

    @Test func descriptionHasCodeMessageAndSQLState() {
        #expect(
            uniqueViolation.description
                == "queryFailed: duplicate key value violates unique constraint \"flows_pkey\" (SQLSTATE 23505)"
        )
    }

    @Test func descriptionLeavesOutDetailHintContextAndQuery() {
        let text = uniqueViolation.description
        #expect(!text.contains("secret-4711"))
        #expect(!text.contains("secret-hint-value"))
        #expect(!text.contains("secret-context-row"))
        #expect(!text.contains("INSERT"))
        #expect(!"\(uniqueViolation)".contains("secret"))
    }

    @Test func debugDescriptionHasEveryField() {
        let text = uniqueViolation.debugDescription
        for part in [
            "queryFailed", "23505", "flows_pkey", "secret-4711", "secret-hint-value", "secret-context-row",
            "INSERT INTO flows", "public", "record_id",
        ] {
            #expect(text.contains(part), "missing \(part)")
        }
    }

    @Test func descriptionWithoutSQLState() {
        let error = PQError(code: .connectionFailed, message: "could not connect")
        #expect(error.description == "connectionFailed: could not connect")
        #expect(error.sqlState == nil)
    }

    @Test func dataExceptionValuesAreRedacted() {
        let error = PQError(
            code: .copyFailed,
            message: "invalid input syntax for type integer: \"12a\"34\"",
            sqlState: .invalidTextRepresentation
        )
        #expect(error.redactedMessage == "invalid input syntax for type integer: \"…\"")
        #expect(error.description == "copyFailed: invalid input syntax for type integer: \"…\" (SQLSTATE 22P02)")
        #expect(error.debugDescription.contains("12a"))

        let outOfRange = PQError(
            code: .queryFailed,
            message: "value \"99999999999\" is out of range for type integer",
            sqlState: "22003"
        )
        #expect(outOfRange.description == "queryFailed: value \"…\" is out of range for type integer (SQLSTATE 22003)")

        let unterminated = PQError(code: .queryFailed, message: "bad: \"secret", sqlState: "22P02")
        #expect(unterminated.redactedMessage == "bad: \"…\"")
    }

    @Test func otherClassesKeepQuotedNames() {
        #expect(uniqueViolation.redactedMessage == uniqueViolation.message)
    }

    @Test func codesDescribeThemselvesAndCompare() {
        let codes: [PQError.Code] = [
            .connectionFailed, .queryFailed, .copyFailed, .unexpectedResult, .connectionLost, .invalidArgument,
        ]
        #expect(
            codes.map(\.description) == [
                "connectionFailed", "queryFailed", "copyFailed", "unexpectedResult", "connectionLost",
                "invalidArgument",
            ])
        #expect(Set(codes).count == codes.count)
        #expect(PQError.Code.queryFailed == .queryFailed)
    }
}

/// The server's fields are exposed by name, so callers map errors from SQLSTATE and fields, never from text.
@Suite struct PQErrorFieldTests {
    @Test func serverFieldsAreExposed() {
        let error = PQError(code: .queryFailed, message: "not a code of the list", sqlState: .invalidParameterValue,
                            detail: "row=2", hint: "h", constraint: "c", table: "t", column: "dims.sex")
        #expect(error.column == "dims.sex" && error.detail == "row=2" && error.hint == "h")
        #expect(error.constraint == "c" && error.table == "t")
        #expect(SQLState.invalidParameterValue.rawValue == "22023")
    }
}
