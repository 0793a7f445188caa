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

@Suite struct ReportAndTablesParsingTests {
    @Test func aFlexibleReportHasNoThresholdAnyMore() throws {
        #expect(throws: (any Error).self) { try Migstat.parseAsRoot(["report", "--by", "sex", "--threshold", "10"]) }
        let report = try #require(try Migstat.parseAsRoot(
            ["report", "--by", "sex,Age", "--age-bands", "0-17,18+", "--filter", "nationality=UZB,TJK",
             "--period", "2024", "--count", "persons"]) as? ReportCommand)
        let query = try report.query()
        #expect(query.dimensions == ["sex", "age"] && query.filters == ["nationality": ["UZB", "TJK"]])
        #expect(query.count == .persons && query.occupationLevel == 1 && query.periodUnit == nil)
        #expect(try (Migstat.parseAsRoot(["report", "--by", "period"]) as? ReportCommand)?.query().periodUnit == "year")
        #expect(ReportCommand.helpMessage().contains("perturbed"))
        #expect(!ReportCommand.helpMessage().contains("--threshold"))
    }

    @Test func aDeclaredTableIsRunByNameAndPurpose() throws {
        let report = try #require(try Migstat.parseAsRoot(
            ["report", "--table", "sex_age", "--purpose", "labour_2024", "--format", "sdmx-csv", "--output", "o.csv"])
            as? ReportCommand)
        #expect(report.table == "sex_age" && report.purpose == "labour_2024" && report.by == nil)
        #expect(report.format == .sdmxCSV && report.output == "o.csv")
    }

    @Test(arguments: [
        ["report"],                                                          // neither --by nor --table
        ["report", "--by", "sex", "--table", "t", "--purpose", "p"],          // both
        ["report", "--table", "t"],                                          // no purpose
        ["report", "--by", "sex", "--purpose", "p"],                         // purpose without table
        ["report", "--table", "t", "--purpose", "p", "--filter", "sex=F"],   // flexible options
        ["report", "--table", "t", "--purpose", "p", "--age-bands", "0-17,18+"],
        ["report", "--table", "t", "--purpose", "p", "--period", "2024"],
        ["report", "--table", "t", "--purpose", "p", "--period-unit", "month"],
        ["report", "--table", "t", "--purpose", "p", "--with-estimates"],
        ["report", "--table", "t", "--purpose", "p", "--count", "persons"],
        ["report", "--by", "sex", "--count", "people"],
        ["tables", "declare", "t", "--purpose", "p", "--by", "sex"],         // no title
        ["tables", "declare", "t", "--purpose", "p", "--title", " ", "--by", "sex"],
        ["tables", "declare", "t", "--purpose", "p", "--title", "T", "--by", "sex,,age"],
        ["tables", "declare", "t", "--purpose", "p", "--title", "T", "--by", "sex", "--period-unit", "week"],
        ["tables", "declare", "t", "--purpose", "p", "--title", "T", "--by", "sex", "--filter", "nationality=UZB,TJK"],
        ["tables", "declare", "t", "--purpose", "p", "--title", "T", "--by", "sex", "--filter", "nationality"],
        ["tables", "declare", "t", "--purpose", "p", "--title", "T", "--by", "sex", "--filter", "a=X", "--filter", "a=Y"],
        ["tables", "retire", "t"],
        ["tables", "audit", "t"],
        ["tables", "loss"],
        ["tables", "release"],
    ])
    func badReportAndTablesArgumentsAreUsageErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try Migstat.parseAsRoot(arguments) }
    }

    @Test func tablesDeclareBuildsTheDeclaration() throws {
        let declare = try #require(try Migstat.parseAsRoot(
            ["tables", "declare", "sex_age", "--purpose", "labour_2024", "--title", "Entries and exits by sex and age",
             "--by", "sex, Age", "--age-bands", "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+",
             "--period-unit", "quarter", "--filter", "direction=IN", "--filter", "Nationality=UZB"])
            as? TablesCommand.Declare)
        let spec = try declare.spec()
        #expect(spec == DeclaredTableSpec(purpose: "labour_2024", name: "sex_age",
                                          title: "Entries and exits by sex and age", dimensions: ["sex", "age"],
                                          filters: ["direction": "IN", "nationality": "UZB"],
                                          ageBands: "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+",
                                          periodUnit: "quarter"))
        #expect(spec.filtersJSON == "{\"direction\": [\"IN\"], \"nationality\": [\"UZB\"]}")
        #expect(DeclaredTableSpec(purpose: "p", name: "t", title: "T", dimensions: ["sex"]).filtersJSON == "{}")
        #expect(try Migstat.parseAsRoot(["tables"]) is TablesCommand.List)
    }

    @Test func theListingsHaveOneColumnPerField() {
        let listing = TextTable(declaredTables: [
            DeclaredTable(purpose: "p", name: "t", title: "T", dimensions: ["sex", "age"], periodUnit: "year",
                          declaredAt: "2025-01-01 00:00:00+00", declaredBy: "alice", cells: 40, withheld: 3),
        ])
        #expect(listing.rows == [["p", "t", "T", "sex,age", "{}", nil, "year", "2025-01-01 00:00:00+00", "alice", nil,
                                  "40", "3"]])
        let audit = TextTable(withheld: [WithheldCell(codes: ["F", "Y5-9"], value: 2, status: "primary", lower: 0,
                                                      upper: nil)], dimensions: ["sex", "age"])
        #expect(audit.names == ["sex", "age", "value", "status", "lower_bound", "upper_bound"])
        #expect(audit.rows == [["F", "Y5-9", "2", "primary", "0", nil]])
        let loss = TextTable(infoLoss: [TableInfoLoss(name: "t", cells: 40, nonzero: 30, withheld: 3,
                                                      withheldInterior: 2, withheldValue: 7, total: 500)])
        #expect(loss.rows == [["t", "40", "30", "3", "2", "7", "500"]])
    }

    /// A refusal of the database's bounds is shown whole (migstat raised it: the quoted option is not cut out),
    /// with its hint indented under it, and exits 65.
    @Test func aRefusalIsShownWithItsHint() {
        let refusal = PQError(code: .queryFailed, message: "filter \"nationality\" lists 120 of 200 codes",
                              sqlState: .invalidParameterValue, hint: "a filter lists at most half of a code list",
                              context: "PL/pgSQL function report_bounds(migstat.report_plan) line 60 at RAISE")
        let (code, message) = ExitStatus.describe(refusal, verbose: false)
        #expect(code == 65)
        #expect(message == "error: filter \"nationality\" lists 120 of 200 codes\n"
                + "  hint: a filter lists at most half of a code list")
        #expect(ExitStatus.describe(refusal, verbose: true).1.hasSuffix("\n  sqlstate: 22023"))
        // A permission refusal is not a data refusal.
        let denied = PQError(code: .queryFailed, message: "permission denied", sqlState: .insufficientPrivilege)
        #expect(ExitStatus.describe(denied, verbose: false).0 == 77)
    }

    /// ArgumentParser's errors in migstat's one style, naming the value typed and what is allowed.
    @Test func parserErrorsAreRestyled() {
        #expect(Migstat.restyled("Error: The value 'xml' is invalid for '--format <format>'. Please provide one of the "
                                 + "following:\n  - table\n  - csv\nHelp:  --format <format>  Output format.\n"
                                 + "Usage: migstat report <options>\n  See 'migstat report --help' for more information.")
                == "error: unknown value \"xml\" in --format; allowed: table, csv\n  usage: migstat report <options>\n"
                    + "  hint: see 'migstat report --help' for more information.")
        #expect(Migstat.restyled("Error: The value 'x' is invalid for '--count <count>'. Please provide one of 'a' and 'b'.")
                == "error: unknown value \"x\" in --count; allowed: a, b")
        #expect(Migstat.restyled("Error: Unknown option '--colour'\nUsage: migstat report <options>")
                == "error: Unknown option '--colour'\n  usage: migstat report <options>")
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
        #expect(ExitStatus.describe(error("XX000"), verbose: false).1.hasPrefix("error: internal error: m\n  hint: "))
        // migstat's own refusals (any SQLSTATE but 42501, 40xxx, 08xxx) are refusals of the request: 65.
        let noLogin = PQError(code: .queryFailed, message: "no login role \"x\"", sqlState: "42704", hint: "h",
                              context: "PL/pgSQL function access_grant(name,text,text[],boolean) line 12 at RAISE")
        #expect(ExitStatus.describe(noLogin, verbose: false) == (65, "error: no login role \"x\"\n  hint: h"))
        #expect(ExitStatus.describe(error("42704"), verbose: false).0 == 70)
        let noSchema = PQError(code: .queryFailed, message: "schema \"migstat\" does not exist", sqlState: "3F000")
        #expect(ExitStatus.describe(noSchema, verbose: false).0 == 69)
        let connect = ExitStatus.describe(error(nil, code: .connectionFailed), verbose: false).1
        #expect(connect.hasPrefix("error: cannot connect to the database: m\n  hint: migstat connects with --dsn"))
        #expect(!connect.contains("connectionFailed"))
        // A raw 42501 without a connection to read grants from: who, and the generic hint.
        let raw = ExitStatus.describe(error(.insufficientPrivilege), verbose: false, context: .init(user: "bob"))
        #expect(raw.0 == 77 && raw.1.hasPrefix("error: permission denied: bob may not do this"))
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
            ["audit", "verify"], ["report", "--table", "t", "--purpose", "p"],
            ["tables", "declare", "t", "--purpose", "p", "--title", "T", "--by", "sex"], ["tables"],
            ["tables", "list", "--purpose", "p"], ["tables", "retire", "t", "--purpose", "p"],
            ["tables", "audit", "t", "--purpose", "p"], ["tables", "loss", "--purpose", "p"],
            ["tables", "release", "--purpose", "p"], ["tables", "releases"],
        ]
        for argument in arguments {
            let command = try Migstat.parseAsRoot(argument + ["--dsn", "dbname=x", "--verbose"])
            let prelude = try #require(command as? any DatabaseCommand, "\(argument)")
            #expect(prelude.connection.dsn == "dbname=x" && prelude.connection.verbose, "\(argument)")
        }
    }

    @Test func badFiltersAndHeadsAreUsageErrors() {
        // (audit verify --head now takes a checkpoint, a file or its text, read when the command runs)
        #expect(throws: (any Error).self) {
            try Migstat.parseAsRoot(["extract", "--purpose", "p", "--reason", "r", "--filter", "sex"])
        }
    }

    @Test func helpListsTheCataloguesDimensions() {
        let help = ReportCommand.helpMessage()
        for dimension in DimensionCatalog.reportNames { #expect(help.contains(dimension), "\(dimension)") }
    }
}
