import ArgumentParser
import Testing
import MigstatCore
import MigstatPQ
@testable import migstat

@Suite struct CLIParsingTests {
    @Test func importParsesItsOptions() throws {
        let command = try Migstat.parseAsRoot([
            "import", "b.csv", "--source", "border", "--purpose", "p", "--delimiter", ";", "--encoding",
            "windows-1251", "--max-rejects", "2%", "--dry-run", "--json", "--ignore-column", "note",
        ])
        let parsed = try #require(command as? ImportCommand)
        #expect(parsed.file == "b.csv")
        #expect(parsed.delimiterByte == UInt8(ascii: ";"))
        #expect(parsed.maxRejects == "2%")
        #expect(parsed.dryRun && parsed.json)
        #expect(parsed.ignoreColumn == ["note"])
        #expect(parsed.connection.dsn == "")
    }

    @Test(arguments: [
        ["import", "b.csv", "--source", "s", "--purpose", "p", "--delimiter", "|"],
        ["import", "b.csv", "--source", "s", "--purpose", "p", "--encoding", "latin9"],
        ["import", "b.csv", "--source", "s", "--purpose", "p", "--max-rejects", "ten"],
        ["import", "b.csv", "--purpose", "p"],
        ["import", "b.csv", "--source", "border 2024", "--purpose", "p"],
        ["import", "b.csv", "--source", "x'); DROP TABLE migstat.batch; --", "--purpose", "p"],
        ["purpose", "add", "x", "--description", " ", "--retain-until", "2030-01-01"],
        ["access", "grant", "alice", "superuser"],
    ])
    func invalidArgumentsAreRefused(arguments: [String]) {
        #expect(throws: (any Error).self) { try Migstat.parseAsRoot(arguments) }
    }

    @Test func subcommandsHaveDefaults() throws {
        #expect(try Migstat.parseAsRoot(["batches"]) is BatchesCommand.List)
        #expect(try Migstat.parseAsRoot(["access"]) is AccessCommand.List)
        #expect(try Migstat.parseAsRoot(["batches", "withdraw", "3", "--reason", "sent twice"]) is BatchesCommand.Withdraw)
        let grant = try #require(try Migstat.parseAsRoot(
            ["access", "grant", "bob", "steward", "--purpose", "a", "--purpose", "b", "--special-category"])
            as? AccessCommand.Grant)
        #expect(grant.purpose == ["a", "b"] && grant.specialCategory && grant.role == .steward)
    }
}

@Suite struct ExitStatusTests {
    func error(_ state: SQLState?, code: PQError.Code = .queryFailed) -> PQError {
        PQError(code: code, message: "m", sqlState: state)
    }

    @Test func databaseErrorsMapToSysexits() {
        #expect(ExitStatus.describe(error(.insufficientPrivilege), verbose: false).0 == 77)
        #expect(ExitStatus.describe(error(.serializationFailure), verbose: false).0 == 75)
        #expect(ExitStatus.describe(error(.deadlockDetected), verbose: false).0 == 75)
        #expect(ExitStatus.describe(error(nil, code: .connectionFailed), verbose: false).0 == 69)
        #expect(ExitStatus.describe(error("08006", code: .connectionLost), verbose: false).0 == 69)
        #expect(ExitStatus.describe(error("MS409"), verbose: false).0 == 65)
        #expect(ExitStatus.describe(error("XX000"), verbose: false).0 == 70)
    }

    @Test func migstatErrorsMapToDataErrorAndKeepTheLocation() {
        let header = MigstatError(.badHeader, "required column is missing", file: "b.csv", line: 1, column: "sex")
        let (code, message) = ExitStatus.describe(header, verbose: false)
        #expect(code == 65)
        #expect(message == "error: b.csv:1: column \"sex\": required column is missing")
        #expect(ExitStatus.describe(MigstatError(.malformedCSV, "x"), verbose: false).0 == 65)
        #expect(ExitStatus.describe(MigstatError(.keyStore, "x"), verbose: false).0 == 70)
        let denied = MigstatError(database: error(.insufficientPrivilege))
        #expect(ExitStatus.describe(denied, verbose: false).0 == 77)
    }
}
