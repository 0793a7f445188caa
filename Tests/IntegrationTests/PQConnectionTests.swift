import Dispatch
import MigstatPQ
import Testing

/// MigstatPQ against a real server. Connects with conninfo "" (libpq's PGHOST/PGPORT/PGUSER/PGDATABASE, a superuser);
/// every test fails, never skips, when no server is reachable. Each test works in TEMP tables, which the server
/// drops with the session.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct PQConnectionTests {
    private func connect() throws -> PQConnection {
        try PQConnection(conninfo: "")
    }

    private func count(_ connection: PQConnection, _ table: String) throws -> Int {
        try connection.execute(sql: "SELECT count(*) FROM \(PQConnection.quoteIdentifier(table))").int(0, 0)
    }

    private struct BodyError: Error, Equatable {}

    @Test func connectsThroughTheEnvironment() throws {
        let connection = try connect()
        #expect(connection.isConnected)
        #expect(!connection.isInTransaction)
        #expect(connection.serverVersion >= 100_000)
        #expect(connection.backendPID > 0)
        #expect(try connection.execute(sql: "SELECT pg_backend_pid()").int(0, 0) == Int(connection.backendPID))
        #expect(try connection.currentUser == connection.user)
        #expect(try connection.execute(sql: "SHOW client_encoding").string(0, 0) == "UTF8")
    }

    @Test func connectFailureIsConnectionFailed() {
        let error = #expect(throws: PQError.self) {
            try PQConnection(conninfo: "host=/nonexistent/migstat-socket-dir connect_timeout=2")
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.sqlState?.isConnectionException == true)
        #expect(error?.message.isEmpty == false)

        let badDatabase = #expect(throws: PQError.self) {
            try PQConnection(conninfo: "dbname=migstat_pq_no_such_database")
        }
        #expect(badDatabase?.code == .connectionFailed)
        #expect(badDatabase?.message.contains("migstat_pq_no_such_database") == true)
    }

    @Test func parametersRoundTripLiterally() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_victim (id int)")
        try connection.execute(sql: "CREATE TEMP TABLE pq_params (id int PRIMARY KEY, name text, note text)")
        let hostile = "'); DROP TABLE pq_victim; --"
        let rows: [[String?]] = [
            ["1", hostile, nil],
            ["2", "Zoë \"quoted\" \\ back\tslash\nline", ""],
            ["3", "$1 $2 %s ?", "'"],
        ]
        for row in rows {
            let insert = try connection.execute(sql: "INSERT INTO pq_params (id, name, note) VALUES ($1, $2, $3)", row)
            #expect(insert.affectedRows == 1)
            #expect(insert.commandTag == "INSERT 0 1")
        }
        let result = try connection.execute(sql: "SELECT id, name, note FROM pq_params ORDER BY id")
        #expect(result.rowCount == 3)
        #expect(result.columnNames == ["id", "name", "note"])
        for (index, row) in rows.enumerated() {
            #expect(result[index, 0] == row[0])
            #expect(result[index, "name"] == row[1])
            #expect(result[index, "note"] == row[2])
        }
        #expect(result[0, 2] == nil)
        #expect(try count(connection, "pq_victim") == 0)

        let typed = try connection.execute(
            sql: "SELECT $1::int + 1 AS n, $2::bool AS b, $3::text IS NULL AS z", ["41", "t", nil])
        #expect(try typed.int(0, "n") == 42)
        #expect(try typed.bool(0, "b") == true)
        #expect(try typed.bool(0, "z") == true)
    }

    /// An interpolation in an unlabelled `execute("…")` is a bound parameter (the literal is a PQQuery), never
    /// SQL text: a value written as SQL comes back as the value, and the statement is not changed by it.
    @Test func interpolationsInExecuteAreBoundNeverSpliced() throws {
        let connection = try connect()
        let hostile = "x'); SELECT pg_sleep(10); --"
        let number = 41
        let result = try connection.execute("SELECT \(hostile)::text, \(number) + 1, \(nil as String?, as: .text) IS NULL")
        #expect(result.rowCount == 1)
        #expect(try result.string(0, 0) == hostile)
        #expect(try result.int(0, 1) == 42)
        #expect(try result.bool(0, 2))
    }

    @Test func nulBytesAreRejectedBeforeSending() throws {
        let connection = try connect()
        let error = #expect(throws: PQError.self) {
            try connection.execute(sql: "SELECT $1::text", ["a\u{0}secret"])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error.map { "\($0)".contains("secret") || $0.debugDescription.contains("secret") } == false)
        #expect(try connection.execute(sql: "SELECT 1").int(0, 0) == 1)
    }

    @Test func transactionCommitsOnReturnAndRollsBackOnThrow() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_tx (id int)")

        let value = try connection.transaction {
            try connection.execute(sql: "INSERT INTO pq_tx VALUES (1)")
            #expect(connection.isInTransaction)
            return "done"
        }
        #expect(value == "done")
        #expect(!connection.isInTransaction)
        #expect(try count(connection, "pq_tx") == 1)

        #expect(throws: BodyError()) {
            try connection.transaction {
                try connection.execute(sql: "INSERT INTO pq_tx VALUES (2)")
                throw BodyError()
            }
        }
        #expect(!connection.isInTransaction)
        #expect(try count(connection, "pq_tx") == 1)

        // A failed statement inside also rolls back, and its PQError comes out unchanged.
        let error = #expect(throws: PQError.self) {
            try connection.transaction {
                try connection.execute(sql: "INSERT INTO pq_tx VALUES (3)")
                try connection.execute(sql: "INSERT INTO pq_tx VALUES ('not a number')")
            }
        }
        #expect(error?.sqlState == .invalidTextRepresentation)
        #expect(!connection.isInTransaction)
        #expect(try count(connection, "pq_tx") == 1)
    }

    @Test func nestedTransactionUsesASavepoint() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_nested (id int)")
        try connection.transaction {
            try connection.execute(sql: "INSERT INTO pq_nested VALUES (1)")
            do {
                try connection.transaction {
                    try connection.execute(sql: "INSERT INTO pq_nested VALUES (2)")
                    try connection.execute(sql: "SELECT 1/0")
                }
                Issue.record("the nested transaction should have thrown")
            } catch {
                #expect(SQLState("22012") ~= error)
            }
            try connection.transaction {
                try connection.execute(sql: "INSERT INTO pq_nested VALUES (3)")
            }
        }
        let ids = try connection.execute(sql: "SELECT id FROM pq_nested ORDER BY id")
        #expect((0..<ids.rowCount).map { ids[$0, 0] } == ["1", "3"])
    }

    @Test func swallowedErrorMakesCommitThrow() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_swallow (id int)")
        let error = #expect(throws: PQError.self) {
            try connection.transaction {
                try connection.execute(sql: "INSERT INTO pq_swallow VALUES (1)")
                _ = try? connection.execute(sql: "SELECT 1/0")
            }
        }
        #expect(error?.sqlState == .inFailedSQLTransaction)
        #expect(!connection.isInTransaction)
        #expect(try count(connection, "pq_swallow") == 0)
    }

    @Test func copyFromReturnsTheRowCount() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_copy (id int, name text, note text)")
        let rows = 50_000
        let copied = try connection.copyFrom("COPY pq_copy (id, name, note) FROM STDIN") { writer in
            for id in 1...rows {
                try writer.write(String(id))
                try writer.write(byte: 9)
                try writer.write("name-\(id)")
                try writer.write(byte: 9)
                if id % 10 == 0 {
                    try writer.write("\\N")
                } else {
                    try Array("note \\t tab".utf8).withUnsafeBytes { try writer.write($0) }
                }
                try writer.write(byte: 10)
            }
        }
        #expect(copied == Int64(rows))
        let check = try connection.execute(
            sql: "SELECT count(*), sum(id), count(note), min(note) FROM pq_copy WHERE name = 'name-' || id"
        )
        #expect(try check.int(0, 0) == rows)
        #expect(try check.int(0, 1) == rows * (rows + 1) / 2)
        #expect(try check.int(0, 2) == rows - rows / 10)
        #expect(try check.string(0, 3) == "note \t tab")
    }

    @Test func copyFromHandlesWritesLargerThanTheBuffer() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_big (id int, payload text)")
        let payload = String(repeating: "x", count: 700_000)
        let copied = try connection.copyFrom("COPY pq_big FROM STDIN") { writer in
            try writer.write("1\t")
            try writer.write(payload)
            try writer.write("\n2\t")
            try Array(payload.utf8).withUnsafeBytes { try writer.write($0) }
            try writer.write("\n")
            try writer.flush()
            try writer.write("3\tsmall\n")
        }
        #expect(copied == 3)
        let lengths = try connection.execute(sql: "SELECT id, length(payload) FROM pq_big ORDER BY id")
        #expect(try lengths.int(0, 1) == 700_000)
        #expect(try lengths.int(1, 1) == 700_000)
        #expect(try lengths.int(2, 1) == 5)
    }

    @Test func copyFromBadDataSurfacesSQLStateAndKeepsTheConnection() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_bad (id int, name text)")
        let error = #expect(throws: PQError.self) {
            try connection.copyFrom("COPY pq_bad (id, name) FROM STDIN") { writer in
                try writer.write("1\tfine\n")
                try writer.write("secret-not-a-number\tbad\n")
                try writer.write("3\tfine\n")
            }
        }
        #expect(error?.code == .copyFailed)
        #expect(error?.sqlState == .invalidTextRepresentation)
        #expect(error?.description.contains("secret-not-a-number") == false)
        #expect(error?.debugDescription.contains("secret-not-a-number") == true)
        #expect(connection.isConnected)
        #expect(!connection.isInTransaction)
        #expect(try count(connection, "pq_bad") == 0)
        let copied = try connection.copyFrom("COPY pq_bad (id, name) FROM STDIN") { writer in
            try writer.write("7\tagain\n")
        }
        #expect(copied == 1)
    }

    @Test func copyFromBodyErrorAbortsTheCopy() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_abort (id int)")
        var escaped: PQCopyWriter?
        #expect(throws: BodyError()) {
            _ = try connection.copyFrom("COPY pq_abort FROM STDIN") { writer in
                escaped = writer
                try writer.write("1\n2\n")
                try writer.flush()
                throw BodyError()
            }
        }
        #expect(connection.isConnected)
        #expect(try count(connection, "pq_abort") == 0)
        let late = #expect(throws: PQError.self) {
            try escaped?.write(byte: 10)
        }
        #expect(late?.code == .invalidArgument)
    }

    @Test func copyFromWithTheWrongStatementThrowsInvalidArgument() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_wrong (id int)")
        try connection.execute(sql: "INSERT INTO pq_wrong VALUES (1)")
        let wrongDirection = #expect(throws: PQError.self) {
            try connection.copyFrom("COPY pq_wrong TO STDOUT") { _ in }
        }
        #expect(wrongDirection?.code == .invalidArgument)
        let copyInExecute = #expect(throws: PQError.self) {
            try connection.execute(sql: "COPY pq_wrong FROM STDIN")
        }
        #expect(copyInExecute?.code == .invalidArgument)
        let syntax = #expect(throws: PQError.self) {
            try connection.copyFrom("COPY pq_missing FROM STDIN") { _ in }
        }
        #expect(syntax?.sqlState == .undefinedTable)
        #expect(try count(connection, "pq_wrong") == 1)
    }

    @Test func copyToStreamsTheRows() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_out (id int, name text)")
        try connection.execute(sql: "INSERT INTO pq_out SELECT g, 'n' || g FROM generate_series(1, 1000) g")
        var bytes: [UInt8] = []
        var chunks = 0
        try connection.copyTo("COPY (SELECT id, name FROM pq_out ORDER BY id) TO STDOUT") { chunk in
            bytes.append(contentsOf: chunk)
            chunks += 1
        }
        let expected = (1...1000).map { "\($0)\tn\($0)\n" }.joined()
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(chunks >= 1)

        var seen = 0
        #expect(throws: BodyError()) {
            try connection.copyTo("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT") { _ in
                seen += 1
                if seen == 10 {
                    throw BodyError()
                }
            }
        }
        #expect(seen == 10)
        #expect(connection.isConnected)
        #expect(try connection.execute(sql: "SELECT 1").int(0, 0) == 1)
    }

    @Test func streamHandsOverRowsOneAtATimeWithParameters() throws {
        let connection = try connect()
        var seen: [String] = []
        let count = try connection.stream(
            sql: "SELECT g, $1 || g, CASE WHEN g % 2 = 0 THEN NULL ELSE 'x' END FROM generate_series(1, $2::int) g ORDER BY g",
            ["n'\"", "2000"]
        ) { row in
            #expect(row.rowCount == 1)
            seen.append("\(try row.int(0, 0)):\(try row.string(0, 1)):\(row[0, 2] ?? "null")")
        }
        #expect(count == 2000)
        #expect(seen.count == 2000)
        #expect(seen.first == "1:n'\"1:x")
        #expect(seen.last == "2000:n'\"2000:null")

        // An error after some rows (division by zero at g = 1000) surfaces with its SQLSTATE.
        var before = 0
        #expect {
            try connection.stream(sql: "SELECT 1 / (1000 - g) FROM generate_series(1, 2000) g") { _ in before += 1 }
        } throws: { error in
            (error as? PQError)?.sqlState == "22012"
        }
        #expect(before == 999)   // single-row mode: the rows before the error were handed over

        // A body error stops the delivery; the connection stays usable.
        var delivered = 0
        #expect(throws: BodyError()) {
            try connection.stream(sql: "SELECT g FROM generate_series(1, 100000) g") { _ in
                delivered += 1
                if delivered == 10 { throw BodyError() }
            }
        }
        #expect(delivered == 10)
        #expect(connection.isConnected && !connection.isInTransaction)
        #expect(try connection.execute(sql: "SELECT 1").int(0, 0) == 1)
    }

    @Test func copyTextDecodesWhatTheServerEncodes() throws {
        let connection = try connect()
        let values: [String?] = ["plain", "tab\there", "new\nline\r\n", "back\\slash \\N", "\\N", "", nil,
                                 "unit\u{1F}sep", "Кыргызстан ☃", "\u{7F}\u{01}\u{08}\u{0C}\u{0B}"]
        var splitter = PQCopyText.RowSplitter()
        var rows: [[String?]] = []
        try connection.copyTo(
            "COPY (SELECT ord, v FROM unnest($$\(pgArrayLiteral(values))$$::text[]) WITH ORDINALITY AS u(v, ord) ORDER BY ord) TO STDOUT"
        ) { chunk in
            splitter.feed(chunk) { rows.append($0) }
        }
        #expect(!splitter.hasPartialLine)
        #expect(rows.map { $0.first ?? nil } == values.indices.map { String($0 + 1) })
        #expect(rows.map { $0.count == 2 ? $0[1] : "?" } == values)
    }

    @Test func uniqueViolationIsMatchableAndDescriptionHidesTheValue() throws {
        let connection = try connect()
        try connection.execute(sql: "CREATE TEMP TABLE pq_unique (record_id text PRIMARY KEY)")
        let value = "secret-record-4711"
        try connection.execute(sql: "INSERT INTO pq_unique VALUES ($1)", [value])
        var matched = false
        do {
            try connection.execute(sql: "INSERT INTO pq_unique VALUES ($1)", [value])
            Issue.record("the duplicate was accepted")
        } catch SQLState.uniqueViolation {
            matched = true
        }
        #expect(matched)
        let error = try #require(throws: PQError.self) {
            try connection.execute(sql: "INSERT INTO pq_unique VALUES ($1)", [value])
        }
        #expect(error.code == .queryFailed)
        #expect(error.constraint == "pq_unique_pkey")
        #expect(error.table == "pq_unique")
        #expect(error.query == "INSERT INTO pq_unique VALUES ($1)")
        #expect(error.detail?.contains(value) == true)
        #expect(!error.description.contains(value))
        #expect(!error.debugDescription.isEmpty)
        #expect(error.description.hasSuffix("(SQLSTATE 23505)"))
    }

    @Test func executeScriptRunsSeveralStatements() throws {
        let connection = try connect()
        try connection.executeScript(
            """
            CREATE TEMP TABLE pq_script (id int);
            INSERT INTO pq_script VALUES (1), (2);
            INSERT INTO pq_script VALUES (3);
            """
        )
        #expect(try count(connection, "pq_script") == 3)
        let error = #expect(throws: PQError.self) {
            try connection.executeScript("INSERT INTO pq_script VALUES (4); SELECT * FROM pq_nowhere;")
        }
        #expect(error?.sqlState == .undefinedTable)
        #expect(try count(connection, "pq_script") == 3)
        let multiple = #expect(throws: PQError.self) {
            try connection.execute(sql: "SELECT 1; SELECT 2")
        }
        #expect(multiple?.code == .queryFailed)
    }

    @Test func noticesGoToTheHandler() throws {
        let connection = try connect()
        try connection.execute(sql: "DO $$ BEGIN RAISE NOTICE 'dropped silently'; END $$")
        var notices: [String] = []
        connection.noticeHandler = { notices.append($0) }
        try connection.execute(sql: "DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$")
        #expect(notices == ["NOTICE: hello 42", "WARNING: careful"])
    }

    @Test func raiseExceptionCarriesHintAndSQLState() throws {
        let connection = try connect()
        let error = #expect(throws: PQError.self) {
            try connection.execute(sql: "DO $$ BEGIN RAISE EXCEPTION 'not allowed' USING HINT = 'ask'; END $$")
        }
        #expect(error?.sqlState == .raiseException)
        #expect(error?.message == "not allowed")
        #expect(error?.hint == "ask")
        #expect(error?.description == "not allowed (SQLSTATE P0001)")
    }

    @Test func cancelHandleCancelsFromAnotherThread() throws {
        let connection = try connect()
        let handle = connection.makeCancelHandle()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) {
            try? handle.cancel()
        }
        let error = #expect(throws: PQError.self) {
            try connection.execute(sql: "SELECT pg_sleep(20)")
        }
        #expect(error?.sqlState == .queryCanceled)
        #expect(try connection.execute(sql: "SELECT 1").int(0, 0) == 1)
    }

    @Test func terminatedBackendIsConnectionLost() throws {
        let victim = try connect()
        let killer = try connect()
        let terminated = try killer.execute(sql: "SELECT pg_terminate_backend($1)", [String(victim.backendPID)])
        #expect(try terminated.bool(0, 0))
        let error = #expect(throws: PQError.self) {
            // The server may need a moment to end the session; the first statement after that fails.
            for _ in 0..<50 {
                try victim.execute(sql: "SELECT pg_sleep(0.1)")
            }
        }
        #expect(error?.code == .connectionLost)
        #expect(error?.sqlState != nil)
        #expect(!victim.isConnected)
        #expect(throws: PQError.self) {
            try victim.execute(sql: "SELECT 1")
        }
    }
}

/// A text[] literal for the values (NULL for nil), with `"` and `\` escaped.
private func pgArrayLiteral(_ values: [String?]) -> String {
    "{" + values.map { value in
        guard let value else { return "NULL" }
        return "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }.joined(separator: ",") + "}"
}
