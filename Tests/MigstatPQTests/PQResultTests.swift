import MigstatPQ
import Testing

@Suite struct PQResultTests {
    private let result = PQResult(
        columnNames: ["id", "name", "active", "note"],
        rows: [
            ["1", "Ada", "t", nil],
            ["-42", "Bob", "f", "x"],
        ],
        commandTag: "SELECT 2",
        affectedRows: 2
    )

    @Test func shape() {
        #expect(result.rowCount == 2)
        #expect(result.columnCount == 4)
        #expect(result.columnNames == ["id", "name", "active", "note"])
        #expect(result.commandTag == "SELECT 2")
        #expect(result.affectedRows == 2)
        #expect(result.columnIndex(named: "active") == 2)
        #expect(result.columnIndex(named: "missing") == nil)
    }

    @Test func subscriptsByIndexAndName() {
        #expect(result[0, 1] == "Ada")
        #expect(result[1, 0] == "-42")
        #expect(result[0, 3] == nil)
        #expect(result[1, 3] == "x")
        #expect(result[1, "name"] == "Bob")
        #expect(result[0, "note"] == nil)
    }

    @Test func typedGetters() throws {
        #expect(try result.string(0, 1) == "Ada")
        #expect(try result.int(1, 0) == -42)
        #expect(try result.int(0, "id") == 1)
        #expect(try result.bool(0, 2) == true)
        #expect(try result.bool(1, "active") == false)
        #expect(try result.string(1, "note") == "x")
    }

    @Test func typedGettersThrowUnexpectedResult() {
        let cases: [() throws -> Void] = [
            { _ = try result.string(0, 3) },  // NULL
            { _ = try result.int(0, 1) },  // not an integer
            { _ = try result.bool(0, 0) },  // not t/f
            { _ = try result.string(2, 0) },  // no such row
            { _ = try result.string(0, 9) },  // no such column
            { _ = try result.string(0, "missing") },
            { _ = try result.int(0, "note") },  // NULL by name
        ]
        for body in cases {
            let error = #expect(throws: PQError.self) {
                try body()
            }
            #expect(error?.code == .unexpectedResult)
        }
    }

    @Test func unexpectedResultMessageDoesNotQuoteTheValue() {
        let secret = PQResult(columnNames: ["n"], rows: [["secret-value"]])
        let error = #expect(throws: PQError.self) {
            try secret.int(0, 0)
        }
        #expect(error?.description.contains("secret-value") == false)
    }

    @Test func emptyResult() {
        let empty = PQResult(columnNames: [], rows: [], commandTag: "CREATE TABLE")
        #expect(empty.rowCount == 0)
        #expect(empty.columnCount == 0)
        #expect(empty.affectedRows == nil)
    }
}
