import ArgumentParser
import Testing
@testable import migstat

@Suite struct PurgeCLIParsingTests {
    @Test func purgeIsADryRunUnlessExecuteIsGiven() throws {
        let dry = try #require(try Migstat.parseAsRoot(["purge", "--purpose", "p"]) as? PurgeCommand.Run)
        #expect(dry.purpose == "p" && !dry.execute && !dry.due)
        let due = try #require(try Migstat.parseAsRoot(["purge", "--due", "--execute", "--format", "json"])
                               as? PurgeCommand.Run)
        #expect(due.due && due.execute && due.format == .json)
        #expect(try Migstat.parseAsRoot(["purge", "status"]) is PurgeCommand.Status)
        let schedule = try #require(try Migstat.parseAsRoot(["purge", "schedule"]) as? PurgeCommand.Schedule)
        #expect(schedule.at == "0 3 * * *" && schedule.cronDatabase == "postgres")
        #expect(try Migstat.parseAsRoot(["purpose", "end", "p", "--reason", "done"]) is PurposeCommand.End)
        #expect(try Migstat.parseAsRoot(["purpose", "extend", "p", "--until", "2031-01-01"]) is PurposeCommand.Extend)
        #expect(try Migstat.parseAsRoot(["keys"]) is KeysCommand)
    }

    @Test(arguments: [
        ["purge", "--execute"],                              // what to purge?
        ["purge", "--purpose", "p", "--due"],                 // both
        ["purge", "--format", "csv"],
        ["purge", "schedule", "--at", "daily"],
        ["purpose", "end", "p"],                             // no reason
        ["purpose", "end", "p", "--reason", " "],
        ["purpose", "extend", "p", "--until", "next year"],
    ])
    func invalidPurgeArgumentsAreRefused(arguments: [String]) {
        #expect(throws: (any Error).self) { try Migstat.parseAsRoot(arguments) }
    }

    @Test func everyRetentionCommandTakesTheSharedPrelude() throws {
        for argument in [["purge"], ["purge", "--purpose", "p", "--execute"], ["purge", "status"], ["purge", "schedule"],
                         ["purge", "unschedule"], ["purge", "verify", "3"], ["keys"], ["purpose", "end", "p", "--reason", "r"],
                         ["purpose", "extend", "p", "--until", "2031-01-01"]] {
            let command = try Migstat.parseAsRoot(argument + ["--dsn", "dbname=x", "--verbose"])
            let prelude = try #require(command as? any DatabaseCommand, "\(argument)")
            #expect(prelude.connection.dsn == "dbname=x" && prelude.connection.verbose, "\(argument)")
        }
    }

    @Test func theCronDatabaseReplacesTheDSNsDatabase() {
        #expect(conninfo("", database: "postgres") == "dbname='postgres'")
        #expect(conninfo("host=/run user=dba dbname=migstat", database: "postgres")
                == "host=/run user=dba dbname=migstat dbname='postgres'")
        #expect(conninfo("postgresql://dba@h:5433/migstat?sslmode=require", database: "postgres")
                == "postgresql://dba@h:5433/postgres?sslmode=require")
        #expect(conninfo("postgres://h", database: "cron db") == "postgres://h/cron%20db")
        let units = systemdAndCrontab(database: "migstat", at: "0 3 * * *")
        #expect(units.contains("OnCalendar=*-*-* 03:00:00 UTC"))
        #expect(units.contains("0 3 * * * postgres psql -X -v ON_ERROR_STOP=1 -d migstat -c 'CALL migstat.purge_run()'"))
    }
}
