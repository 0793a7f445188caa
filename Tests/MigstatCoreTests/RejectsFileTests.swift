import Foundation
import Testing
@testable import MigstatCore

@Suite struct RejectsFileTests {
    private func directory() throws -> String {
        let path = NSTemporaryDirectory() + "migstat-rejects-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func bothStreamsAreMergedByLineWithMigstatsFirst() throws {
        let path = try directory() + "/batch.rejects.csv"
        let file = RejectsFile(path: path)
        for line in [2, 5, 5, 9] { try file.add(Reject(line: line, column: .sex, reason: .notInCodeList)) }
        for line in [3, 5, 10, 11] {
            try file.addFromDatabase(Reject(line: line, column: .recordID, reason: RejectReason(databaseReason: "duplicate_in_batch")))
        }
        #expect(file.count == 8)
        #expect(FileManager.default.fileExists(atPath: path + ".client.partial"))
        #expect(try file.finish() == path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "line,column,reason")
        #expect(lines.dropFirst().map { $0.split(separator: ",")[0] } == ["2", "3", "5", "5", "5", "9", "10", "11"])
        #expect(lines[3].contains(",sex,") && lines[4].contains(",sex,") && lines[5].contains(",record_id,"))
        #expect(!FileManager.default.fileExists(atPath: path + ".client.partial"))
        #expect(!FileManager.default.fileExists(atPath: path + ".database.partial"))
    }

    @Test func onlyOneSideOrNoneAtAll() throws {
        let dir = try directory()
        let none = RejectsFile(path: dir + "/none.csv")
        #expect(try none.finish() == nil)
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.csv"))

        let database = RejectsFile(path: dir + "/db.csv")
        try database.addFromDatabase(Reject(line: 7, column: .recordID, reason: RejectReason(databaseReason: "already_stored")))
        #expect(try database.finish() == dir + "/db.csv")
        let written = try String(contentsOfFile: dir + "/db.csv", encoding: .utf8).split(separator: "\n")
        #expect(written.count == 2)
        #expect(written.last == "7,record_id,record_id already stored for this source")
    }

    @Test func partsLeftByAKilledImportAreNotMerged() throws {
        let path = try directory() + "/killed.csv"
        try "2,sex,not in the code list\n".write(toFile: path + ".client.partial", atomically: true, encoding: .utf8)
        let file = RejectsFile(path: path)
        try file.addFromDatabase(Reject(line: 9, column: .recordID, reason: RejectReason(databaseReason: "duplicate_in_batch")))
        #expect(try file.finish() == path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("9,record_id,") == true)
    }

    @Test func anAbandonedFileLeavesNoPartialFiles() throws {
        let path = try directory() + "/abandoned.csv"
        do {
            let file = RejectsFile(path: path)
            try file.add(Reject(line: 4, column: .age, reason: .ageOutOfRange))
            #expect(FileManager.default.fileExists(atPath: path + ".client.partial"))
        }
        #expect(!FileManager.default.fileExists(atPath: path + ".client.partial"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
