import Foundation
import MigstatPQ
import MigstatCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Acceptance 9: person_id never appears in clear anywhere (database, dump, server log, CLI output,
/// rejects files); the stored pseudonym is HMAC-SHA256 under the purpose's key file.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportPrivacyTests {
    @Test func canaryPersonIDsAppearNowhereAndPseudonymsAreKeyedPerPurpose() throws {
        // The server log is shared; remember where this test's part of it starts.
        let serverLog = environment("MIGSTAT_PG_LOG")
        if serverLog == nil && databaseRequired {
            Issue.record("MIGSTAT_PG_LOG is not set: the server log cannot be searched (eval \"$(Scripts/pg.sh env)\")")
        }
        let logStart = serverLog.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int } ?? 0

        try withTestDatabase(purposes: ["flows", "survey"]) { db in
            let token = randomToken(12).uppercased()
            let stored = "CANARY\(token)S"  // in a valid, stored row
            let rejected = "CANARY\(token)R"  // in a row rejected in the client
            let dbRejected = "CANARY\(token)D"  // in a row the database rejects (duplicate)
            let failedFile = "CANARY\(token)F"  // in a valid row of a file refused as a whole
            let brokenFile = "CANARY\(token)B"  // in a file with an unterminated quote
            let ignored = "CANARY\(token)I"  // in an ignored column
            let canaries = [stored, rejected, dbRejected, failedFile, brokenFile, ignored]

            var first = FlowCSV(columns: FlowCSV.standardColumns + ["note"])
            first.add("C-1", ["person_id": stored, "note": ignored])
            first.add("C-2", ["person_id": rejected, "sex": "X"])
            first.add("C-3", ["person_id": "ac 123-456"])
            first.add("C-4", ["person_id": "AC123456"])
            first.add("C-1", ["person_id": dbRejected])
            let firstPath = try db.write("canary-1.csv", first.text)
            let firstResult = try db.importFile(firstPath, ["--max-rejects", "2", "--ignore-column", "note"])
            #expect(firstResult.status == 0, "\(firstResult)")
            #expect(try firstResult.summary().accepted == 3)

            var refused = FlowCSV()
            refused.add("F-1", ["person_id": failedFile])
            refused.add("F-2", ["age": "200"])
            let refusedPath = try db.write("canary-2.csv", refused.text)
            let refusedResult = try db.importFile(refusedPath)
            #expect(refusedResult.status == 65, "\(refusedResult)")
            let refusedVerbose = try db.importFile(refusedPath, ["--verbose"])
            #expect(refusedVerbose.status == 65, "\(refusedVerbose)")

            var broken = FlowCSV()
            broken.add("B-1", ["person_id": brokenFile])
            broken.addRaw("B-2,\"\(brokenFile),2024-03-01,IN,F,30,KGZ,,,,,,,REG,")
            let brokenPath = try db.write("canary-3.csv", broken.text)
            let brokenResult = try db.importFile(brokenPath, ["--verbose"])
            #expect(brokenResult.status == 65, "\(brokenResult)")

            // The same person in the second purpose (another source, so no duplicate).
            var second = FlowCSV()
            second.add("S-1", ["person_id": stored.lowercased()])
            let secondResult = try db.importFile(
                try db.write("canary-4.csv", second.text), source: "survey-2024",
                purpose: "survey")
            #expect(secondResult.status == 0, "\(secondResult)")

            // Listing commands, too.
            try db.mustSucceed(["batches"], as: db.loader)
            try db.mustSucceed(["audit", "list"], as: db.auditor)

            // Control: the batch files do hold the canaries, so the searches below can find them.
            let batchFiles = try [firstPath, refusedPath, brokenPath].map {
                try String(contentsOfFile: $0, encoding: .utf8)
            }
            #expect(canaries.allSatisfy { canary in batchFiles.contains { $0.contains(canary) } })

            // 1. The database: the full dump, as the superuser.
            let dump = try CommandRunner.run(
                "/usr/bin/env", ["pg_dump", "--no-owner", "-d", db.name], directory: db.workDir,
                environment: db.server.clientEnvironment)
            #expect(dump.status == 0, "\(dump)")
            #expect(dump.stdout.contains("C-1") && dump.stdout.contains("S-1"), "the dump holds the records")
            #expect(dump.stdout.count > 10_000)
            for canary in canaries {
                #expect(!dump.stdout.contains(canary), "pg_dump contains \(canary)")
                #expect(!dump.stdout.localizedCaseInsensitiveContains(canary), "pg_dump contains \(canary)")
            }
            // 2. Every output of the CLI.
            #expect(db.transcript.count >= 8)
            for run in db.transcript {
                for canary in canaries {
                    #expect(
                        !run.stdout.contains(canary) && !run.stderr.contains(canary),
                        "output of \(run.arguments.dropFirst().prefix(2)) contains \(canary)")
                }
            }
            // 3. The rejects files.
            let rejectsFiles = try FileManager.default.contentsOfDirectory(atPath: db.workDir)
                .filter { $0.hasSuffix(".rejects.csv") }
            #expect(rejectsFiles.count >= 2)
            for file in rejectsFiles {
                let text = try String(contentsOfFile: db.workDir + "/" + file, encoding: .utf8)
                for canary in canaries { #expect(!text.contains(canary), "\(file) contains \(canary)") }
            }
            // 4. The server log (this test's part of it).
            if let serverLog {
                let log = try readFile(serverLog, from: logStart)
                for canary in canaries {
                    #expect(!log.contains(canary), "the server log contains \(canary)")
                }
            }

            // Pseudonyms: HMAC-SHA256 of the normalised identifier under the purpose's key file.
            let flowsKey = try db.key(purpose: "flows")
            let surveyKey = try db.key(purpose: "survey")
            #expect(flowsKey != surveyKey)
            let flows = Pseudonymizer(key: flowsKey)
            let survey = Pseudonymizer(key: surveyKey)
            let records = try db.storedRecords()
            let byID = Dictionary(grouping: records, by: \.recordID)
            let c1 = try #require(byID["C-1"]?.first)
            let c3 = try #require(byID["C-3"]?.first)
            let c4 = try #require(byID["C-4"]?.first)
            let s1 = try #require(byID["S-1"]?.first)
            #expect(c1["person_pseudonym"] == flows.pseudonymHex(of: stored))
            #expect(c1["person_pseudonym"]?.count == 64)
            // Normalisation: case, spaces and hyphens do not make another person.
            #expect(c3["person_pseudonym"] == flows.pseudonymHex(of: "AC123456"))
            #expect(c3["person_pseudonym"] == c4["person_pseudonym"])
            // Another purpose, another key: the same person cannot be linked across purposes.
            #expect(s1["purpose"] == "survey")
            #expect(s1["person_pseudonym"] == survey.pseudonymHex(of: stored))
            #expect(s1["person_pseudonym"] != c1["person_pseudonym"])
            #expect(records.count == 4)

            // The key files: 64 hex digits, mode 0600, in a folder of mode 0700.
            for purpose in ["flows", "survey"] {
                let path = try db.keyFilePath(purpose: purpose)
                var info = stat()
                #expect(stat(path, &info) == 0, "\(path)")
                #expect(info.st_mode & 0o777 == 0o600, "key file mode \(String(info.st_mode & 0o777, radix: 8))")
            }
            var dirInfo = stat()
            #expect(stat(db.keyDir, &dirInfo) == 0)
            #expect(dirInfo.st_mode & 0o777 == 0o700, "key folder mode \(String(dirInfo.st_mode & 0o777, radix: 8))")
        }
    }

    /// The bytes of a file from an offset (the whole file if it is shorter: it was rotated).
    func readFile(_ path: String, from offset: Int) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IntegrationFailure("cannot read the server log \(path)")
        }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: UInt64(size >= offset ? offset : 0))
        let data = try handle.readToEnd() ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
