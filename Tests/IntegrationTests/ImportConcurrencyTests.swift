import Foundation
import MigstatPQ
import Testing

/// Two imports at the same time: the duplicate checks must see each other (the source and file
/// locks in begin_batch), so neither the same file nor the same records get stored twice.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ImportConcurrencyTests {
    static let rows = 20_000

    static func file(ages age: String, prefix: String) -> String {
        var csv = FlowCSV()
        for index in 1...rows { csv.add("\(prefix)-\(index)", ["age": age]) }
        return csv.text
    }

    /// Starts two imports together and returns both results.
    static func race(_ db: TestDatabase, _ first: [String], _ second: [String]) throws -> [CommandResult] {
        let a = try db.start(first, as: db.loader)
        let b = try db.start(second, as: db.loader)
        return [db.finish(a), db.finish(b)]
    }

    @Test func theSameRecordsInTwoConcurrentFilesAreStoredOnce() throws {
        try withTestDatabase { db in
            let a = try db.write("a.csv", Self.file(ages: "30", prefix: "X"))
            let b = try db.write("b.csv", Self.file(ages: "31", prefix: "X"))
            let results = try Self.race(
                db, ["import", a, "--source", "border", "--purpose", db.purpose, "--json"],
                ["import", b, "--source", "border", "--purpose", db.purpose, "--json"])
            #expect(results.map(\.status).sorted() == [0, 65], "\(results)")
            #expect(try db.recordCount() == Self.rows)
            #expect(try db.batches().count == 1)
            #expect(try db.int("SELECT count(DISTINCT record_id) FROM migstat.records") == Self.rows)
            if let loser = results.firstIndex(where: { $0.status == 65 }) {
                let rejects = try readRejects((loser == 0 ? a : b) + ".rejects.csv")
                #expect(rejects.count == Self.rows)
                #expect(rejects.allSatisfy { $0.column == "record_id" && $0.reason == Reason.alreadyStored })
            }
        }
    }

    @Test func theSameFileImportedTwiceAtOnceIsStoredOnce() throws {
        try withTestDatabase { db in
            let path = try db.write("same.csv", Self.file(ages: "40", prefix: "Y"))
            let arguments = ["import", path, "--source", "border", "--purpose", db.purpose, "--json"]
            let results = try Self.race(db, arguments, arguments)
            #expect(results.map(\.status).sorted() == [0, 65], "\(results)")
            let batches = try db.batches()
            #expect(batches.count == 1)
            if let winner = results.first(where: { $0.status == 0 }),
                let loser = results.first(where: { $0.status == 65 })
            {
                let batch = try winner.summary().batch
                #expect(batch == batches.first?.id)
                #expect(loser.stderr.contains("already imported as batch \(batch ?? -1)"), "\(loser.stderr)")
            }
            #expect(try db.recordCount() == Self.rows)
        }
    }
}
