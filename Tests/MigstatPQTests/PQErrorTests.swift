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

    @Test func descriptionHasMessageAndSQLState() {
        #expect(
            uniqueViolation.description
                == "duplicate key value violates unique constraint \"flows_pkey\" (SQLSTATE 23505)"
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
        #expect(error.description == "could not connect")
        #expect(error.sqlState == nil)
    }

    @Test func dataExceptionValuesAreRedacted() {
        let error = PQError(
            code: .copyFailed,
            message: "invalid input syntax for type integer: \"12a\"34\"",
            sqlState: .invalidTextRepresentation
        )
        #expect(error.redactedMessage == "invalid input syntax for type integer: \"…\"")
        #expect(error.description == "invalid input syntax for type integer: \"…\" (SQLSTATE 22P02)")
        #expect(error.debugDescription.contains("12a"))

        let outOfRange = PQError(
            code: .queryFailed,
            message: "value \"99999999999\" is out of range for type integer",
            sqlState: "22003"
        )
        #expect(outOfRange.description == "value \"…\" is out of range for type integer (SQLSTATE 22003)")

        let unterminated = PQError(code: .queryFailed, message: "bad: \"secret", sqlState: "22P02")
        #expect(unterminated.redactedMessage == "bad: \"…\"")
    }

    /// migstat's own RAISE quotes the caller's options, not input data: shown whole; the same message from
    /// anywhere else (PostgreSQL's input functions, a statement inside a migstat function) is redacted.
    @Test func migstatsOwnRaiseKeepsTheQuotedOption() {
        let own = PQError(code: .queryFailed, message: "unknown report dimension \"gender\"", sqlState: .invalidParameterValue,
                          context: "PL/pgSQL function migstat.report_parameters(text[],jsonb) line 30 at RAISE\n"
                              + "PL/pgSQL function migstat.report(text[]) line 20 at assignment")
        #expect(own.isRaisedByMigstat)
        #expect(own.redactedMessage == "unknown report dimension \"gender\"")
        let unqualified = PQError(code: .queryFailed, message: "filter \"sex\": unknown code \"Q\"", sqlState: "22023",
                                  context: "PL/pgSQL function report_filters(migstat.report_plan) line 47 at RAISE")
        #expect(unqualified.isRaisedByMigstat && unqualified.redactedMessage == unqualified.message)
        let cast = PQError(code: .queryFailed, message: "invalid input syntax for type date: \"1984-13-01\"",
                           sqlState: "22007",
                           context: "PL/pgSQL function migstat.extract(text) line 12 at SQL statement")
        #expect(!cast.isRaisedByMigstat)
        #expect(cast.redactedMessage == "invalid input syntax for type date: \"…\"")
        let elsewhere = PQError(code: .queryFailed, message: "x \"v\"", sqlState: "22023",
                                context: "PL/pgSQL function public.f() line 1 at RAISE")
        #expect(!elsewhere.isRaisedByMigstat && elsewhere.redactedMessage == "x \"…\"")
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
