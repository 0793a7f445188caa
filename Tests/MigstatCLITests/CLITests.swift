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

    /// A write failure is not "data rejected": it has its own code, 74 (EX_IOERR).
    @Test func aWriteFailureExitsWithIOError() throws {
        #expect(ExitStatus.describe(MigstatError(.writeFailed, "cannot write"), verbose: false).0 == 74)
        let sink = OutputSink(path: "/nonexistent-migstat-dir/report.csv")
        do {
            try sink.write("x")
            Issue.record("writing into a missing directory succeeded")
        } catch let failure as MigstatError {
            #expect(failure.code == .writeFailed && failure.file == "/nonexistent-migstat-dir/report.csv")
            #expect(ExitStatus.describe(failure, verbose: false).0 == 74)
        }
    }
}

@Suite struct CommandPreludeTests {
    /// Every command that connects takes --dsn and --verbose from the one shared option group.
    @Test func everyDatabaseCommandTakesDSNAndVerbose() throws {
        let arguments: [[String]] = [
            ["db", "init"], ["purpose", "list"], ["purpose", "add", "p", "--description", "d", "--retain-until", "5 years"],
            ["import", "b.csv", "--source", "s", "--purpose", "p"], ["batches"], ["batches", "show", "1"],
            ["batches", "withdraw", "1", "--reason", "r"], ["report", "--by", "sex"],
            ["extract", "--purpose", "p", "--reason", "r"], ["codes"], ["codes", "load", "ethnicity", "f.csv"],
            ["estimates", "import", "f.csv", "--source", "s", "--purpose", "p"], ["coverage"],
            ["access", "grant", "a", "loader"], ["access", "revoke", "a", "loader"], ["access"], ["audit"],
            ["audit", "verify"],
        ]
        for argument in arguments {
            let command = try Migstat.parseAsRoot(argument + ["--dsn", "dbname=x", "--verbose"])
            let prelude = try #require(command as? any DatabaseCommand, "\(argument)")
            #expect(prelude.connection.dsn == "dbname=x" && prelude.connection.verbose, "\(argument)")
        }
    }

    @Test func badFiltersAndHeadsAreUsageErrors() {
        #expect(throws: (any Error).self) { try Migstat.parseAsRoot(["audit", "verify", "--head", "12"]) }
        #expect(throws: (any Error).self) {
            try Migstat.parseAsRoot(["extract", "--purpose", "p", "--reason", "r", "--filter", "sex"])
        }
    }

    @Test func helpListsTheCataloguesDimensions() {
        let help = ReportCommand.helpMessage()
        for dimension in DimensionCatalog.reportNames { #expect(help.contains(dimension), "\(dimension)") }
    }
}
