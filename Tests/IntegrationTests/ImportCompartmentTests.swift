import Foundation
import MigstatPQ
import Testing

/// Issue 14: compartments (source within purpose) do not interfere, every begin_batch and
/// check_batch call leaves a server-log line even when rolled back, and a superuser's import is
/// checked once.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportCompartmentTests {
    static func logStart() -> (path: String?, offset: Int) {
        let path = environment("MIGSTAT_PG_LOG")
        if path == nil && databaseRequired {
            Issue.record("MIGSTAT_PG_LOG is not set: the server log cannot be searched (eval \"$(Scripts/pg.sh env)\")")
        }
        return (path, path.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int } ?? 0)
    }

    static func log(since start: (path: String?, offset: Int)) throws -> [Substring] {
        guard let path = start.path, let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: UInt64(size >= start.offset ? start.offset : 0))
        return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self).split(separator: "\n")
    }

    /// The squatting attempt of the issue: the loader of one purpose stores the record ids another
    /// purpose's loader is about to send, from the same source; the second batch is stored whole.
    @Test func recordIDsStoredInOnePurposeDoNotBlockAnother() throws {
        try withTestDatabase(purposes: ["flows", "survey"]) { db in
            var csv = FlowCSV()
            for i in 1...10 { csv.add("SQ-\(i)") }
            let squat = try db.importFile(try db.write("squat.csv", csv.text), purpose: "flows")
            #expect(squat.status == 0, "\(squat)")
            var genuine = FlowCSV()
            for i in 1...10 { genuine.add("SQ-\(i)", ["age": "40"]) }
            let path = try db.write("genuine.csv", genuine.text)
            let result = try db.importFile(path, purpose: "survey", ["--max-rejects", "100%"])
            #expect(result.status == 0, "\(result)")
            let summary = try result.summary()
            #expect(summary.accepted == 10 && summary.rejected == 0, "\(summary)")
            let rejects = FileManager.default.fileExists(atPath: path + ".rejects.csv") ? try readRejects(path + ".rejects.csv") : []
            #expect(rejects.isEmpty)
        }
    }

    /// The probing attempt of the issue: begin_batch, COPY, check_batch, ROLLBACK as the loader of one
    /// purpose, with another purpose's record ids: nothing is reported, and both calls are in the
    /// server log (numbered, with the login), without any record id.
    @Test func aRolledBackProbeFindsNothingAndIsLogged() throws {
        let start = Self.logStart()
        try withTestDatabase(purposes: ["flows", "survey"]) { db in
            var csv = FlowCSV()
            csv.add("SECRET-B1")
            csv.add("SECRET-B2")
            #expect(try db.importFile(try db.write("b.csv", csv.text), purpose: "survey").status == 0)

            let loader = try PQConnection(conninfo: db.server.conninfo(database: db.name, user: db.loader))
            try loader.execute(sql: "BEGIN")
            let begun = try loader.execute(
                sql: "SELECT batch_id, table_name FROM migstat.begin_batch('border', 'flows', 'probe.csv', repeat('ab', 32), (SELECT key_fingerprint FROM migstat.purpose WHERE name = 'flows'))")
            let batch = try begun.int(0, 0)
            let table = try begun.string(0, 1)
            try loader.execute(
                sql: """
                    INSERT INTO \(table) (line_no, record_id, event_date, direction, sex, nationality, migration_status)
                    VALUES (2, 'SECRET-B1', '2024-01-01', 1, 1, 1, 1), (3, 'SECRET-B2', '2024-01-01', 1, 1, 1, 1)
                    """)
            let found = try loader.execute(
                sql: "SELECT count(*) FROM migstat.check_batch($1, ARRAY['SECRET-B1', 'SECRET-B2'])", ["\(batch)"])
            #expect(try found.int(0, 0) == 0, "another purpose's record ids are not compared")
            try loader.execute(sql: "ROLLBACK")

            let lines = try Self.log(since: start)
            if start.path != nil {
                let begins = lines.filter { $0.contains("call=begin_batch") && $0.contains("user=\(db.loader) ") && $0.contains("probe.csv") }
                let checks = lines.filter {
                    $0.contains("call=check_batch") && $0.contains("user=\(db.loader) ") && $0.contains("\"batch\": \(batch)")
                }
                #expect(begins.count == 1, "the rolled-back begin_batch is in the server log")
                #expect(checks.count == 1, "the rolled-back check_batch is in the server log")
                #expect(begins.allSatisfy { $0.contains("migstat import call ") && $0.contains("db=\(db.name)") })
                #expect(checks.allSatisfy { $0.contains("\"candidates\": 2") })
                #expect(!lines.contains { $0.contains("migstat import call") && $0.contains("SECRET") }, "no record id in the log lines")
            }
        }
    }

    /// A superuser's import runs check_batch once (finish_batch knows it ran by check_call, not by
    /// the INSERT privilege a superuser always has).
    @Test func aSuperusersImportIsCheckedOnce() throws {
        let start = Self.logStart()
        try withTestDatabase { db in
            var csv = FlowCSV()
            for i in 1...50 { csv.add("SU-\(i)") }
            let path = try db.write("su.csv", csv.text)
            let result = try db.run(["import", path, "--source", "border", "--purpose", db.purpose, "--json"], as: nil)
            #expect(result.status == 0, "\(result)")
            let batch = try #require(try result.summary().batch)
            #expect(try db.int("SELECT count(*) FROM migstat.batch WHERE id = $1 AND check_call IS NOT NULL AND begin_call IS NOT NULL", ["\(batch)"]) == 1)
            let lines = try Self.log(since: start)
            if start.path != nil {
                #expect(lines.filter { $0.contains("call=check_batch") && $0.contains("\"batch\": \(batch),") }.count == 1,
                        "check_batch ran once")
            }
            let audit = try db.query(
                "SELECT details -> 'calls' FROM migstat.audit_log WHERE action = 'batch.import' AND batch_id = $1", ["\(batch)"])
            #expect(audit.rowCount == 1 && audit[0, 0]?.hasPrefix("[") == true)
        }
    }
}
