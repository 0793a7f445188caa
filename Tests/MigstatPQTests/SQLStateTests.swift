import MigstatPQ
import Testing

@Suite struct SQLStateTests {
    private func failing(with sqlState: SQLState?) throws {
        throw PQError(code: .queryFailed, message: "duplicate key value violates unique constraint", sqlState: sqlState)
    }

    @Test func constantsHaveTheDocumentedCodes() {
        let expected: [(SQLState, String)] = [
            (.successfulCompletion, "00000"), (.uniqueViolation, "23505"), (.foreignKeyViolation, "23503"),
            (.notNullViolation, "23502"), (.checkViolation, "23514"), (.serializationFailure, "40001"),
            (.deadlockDetected, "40P01"), (.insufficientPrivilege, "42501"), (.queryCanceled, "57014"),
            (.adminShutdown, "57P01"), (.crashShutdown, "57P02"), (.cannotConnectNow, "57P03"),
            (.raiseException, "P0001"), (.undefinedTable, "42P01"), (.undefinedFunction, "42883"),
            (.invalidTextRepresentation, "22P02"), (.dataException, "22000"),
            (.objectNotInPrerequisiteState, "55000"), (.featureNotSupported, "0A000"),
            (.inFailedSQLTransaction, "25P02"), (.connectionFailure, "08006"),
        ]
        for (state, code) in expected {
            #expect(state.rawValue == code)
            #expect(state.description == code)
            #expect(state == SQLState(code))
        }
    }

    @Test func errorClassIsTheFirstTwoCharacters() {
        #expect(SQLState.uniqueViolation.errorClass == "23")
        #expect(SQLState.deadlockDetected.errorClass == "40")
        #expect(SQLState.featureNotSupported.errorClass == "0A")
    }

    @Test func connectionExceptionsAreClass08() {
        #expect(SQLState("08006").isConnectionException)
        #expect(SQLState("08001").isConnectionException)
        #expect(SQLState.connectionFailure.isConnectionException)
        #expect(!SQLState.adminShutdown.isConnectionException)
        #expect(!SQLState.uniqueViolation.isConnectionException)
    }

    @Test func patternMatchesPQErrorWithThatState() {
        let error = PQError(code: .queryFailed, message: "m", sqlState: .uniqueViolation)
        #expect(SQLState.uniqueViolation ~= error)
        #expect(!(SQLState.foreignKeyViolation ~= error))
        #expect(!(SQLState.uniqueViolation ~= PQError(code: .queryFailed, message: "m")))
        struct OtherError: Error {}
        #expect(!(SQLState.uniqueViolation ~= OtherError()))
    }

    @Test func catchClauseMatchesOnSQLState() {
        var matched: SQLState?
        do {
            try failing(with: .uniqueViolation)
        } catch SQLState.foreignKeyViolation {
            matched = .foreignKeyViolation
        } catch SQLState.uniqueViolation {
            matched = .uniqueViolation
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(matched == .uniqueViolation)
    }

    @Test func catchClauseMatchesTypedThrows() {
        var matched = false
        do throws(PQError) {
            throw PQError(code: .queryFailed, message: "m", sqlState: .serializationFailure)
        } catch SQLState.serializationFailure {
            matched = true
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(matched)
    }

    @Test func catchClauseMatchesOnCode() {
        var matched = false
        do {
            throw PQError(code: .connectionLost, message: "gone", sqlState: .connectionFailure)
        } catch PQError.Code.connectionLost {
            matched = true
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(matched)
    }

    @Test func literalMustHaveFiveCharacters() async {
        await #expect(processExitsWith: .failure) {
            let state: SQLState = "2350"
            _ = state
        }
    }
}
