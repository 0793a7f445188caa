import Foundation
import MigstatPQ
import Testing

/// `migstat report` through the real binary: csv, json and sdmx-csv are written cell by cell as
/// the database sends them (COPY); table is built whole. All must show the same cells.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ReportCLITests {
    /// 9 F/IN, 6 M/IN, 7 F/OUT, 2 M/OUT (below K = 5), 1 record of unknown sex (`_U`), IN.
    static let counts = [("F", "IN", 9), ("M", "IN", 6), ("F", "OUT", 7), ("M", "OUT", 2), ("_U", "IN", 1)]

    static func batch() -> FlowCSV {
        var csv = FlowCSV()
        var n = 0
        for (sex, direction, count) in counts {
            for _ in 0..<count {
                n += 1
                csv.add("R-\(n)", ["sex": sex, "direction": direction])
            }
        }
        return csv
    }

    @Test func streamedFormatsCarryTheSameProtectedCellsAsTheTable() throws {
        try withTestDatabase { db in
            let path = try db.write("report.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            func report(_ format: String, _ extra: [String] = []) throws -> String {
                try db.mustSucceed(["report", "--by", "sex,direction", "--format", format] + extra, as: db.admin).stdout
            }
            // csv: header + one line per cell; cells keyed by (sex, direction).
            let csv = try report("csv").split(separator: "\n").map(String.init)
            #expect(csv.first == "sex,direction,obs_value,obs_status,conf_status,lower_bound,upper_bound")
            var cells: [String: (value: String, conf: String)] = [:]
            for line in csv.dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(f.count == 7, "\(line)")
                cells[f[0] + "/" + f[1]] = (f[2], f[4])
            }
            // Every published value is the true count; every primary suppression (A) hides 1..K-1.
            var truth: [String: Int] = [:]
            for (sex, direction, count) in Self.counts {
                for key in [sex + "/" + direction, sex + "/_T", "_T/" + direction, "_T/_T"] { truth[key, default: 0] += count }
            }
            #expect(cells.count == 5 * 3)                                          // F, M, _O, _U, _T x IN, OUT, _T
            for (key, cell) in cells {
                switch cell.conf {
                case "F": #expect(cell.value == String(truth[key] ?? 0), "\(key)")
                case "A": #expect(cell.value.isEmpty && (1...4).contains(truth[key] ?? 0), "\(key)")
                case "D": #expect(cell.value.isEmpty && (truth[key] ?? 0) >= 5, "\(key)")
                default: Issue.record("\(key): conf_status \(cell.conf)")
                }
            }
            #expect(cells["_T/_T"]?.value == "25")
            #expect(cells["M/OUT"]?.conf == "A" && cells["_U/IN"]?.conf == "A")    // 2 and 1 < K
            #expect(cells["_O/IN"]?.value == "0")                                  // a zero cell, published
            // No additive relation with exactly one suppressed cell.
            for row in ["F", "M", "_U", "_O", "_T"] {
                let suppressed = ["IN", "OUT", "_T"].filter { cells[row + "/" + $0]?.conf != "F" }.count
                #expect(suppressed != 1, "row \(row)")
            }
            for column in ["IN", "OUT", "_T"] {
                let suppressed = ["F", "M", "_U", "_O", "_T"].filter { cells[$0 + "/" + column]?.conf != "F" }.count
                #expect(suppressed != 1, "column \(column)")
            }

            // The same cells, in the same order, through --output, json and sdmx-csv.
            let file = db.workDir + "/out.csv"
            _ = try report("csv", ["--output", file])
            #expect(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init) == csv)

            let json = try JSONSerialization.jsonObject(with: Data(try report("json").utf8)) as? [[String: Any]]
            #expect(json?.count == csv.count - 1)
            for object in json ?? [] {
                let key = "\(object["sex"] ?? "?")/\(object["direction"] ?? "?")"
                let value = (object["obs_value"] as? Int).map(String.init) ?? ""
                #expect(cells[key]?.value == value, "\(key)")
                #expect(cells[key]?.conf == object["conf_status"] as? String, "\(key)")
            }

            let sdmx = try report("sdmx-csv").split(separator: "\n").map(String.init)
            #expect(sdmx.count == csv.count)
            #expect(sdmx.first?.hasPrefix("STRUCTURE,STRUCTURE_ID,ACTION,SEX,DIRECTION,DATA_SOURCE_TYPE,OBS_VALUE") == true)

            // The table format (built whole) shows the same cells: its rows are "sex direction value".
            let table = try report("table").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            for (key, cell) in cells where cell.conf == "F" {
                let codes = key.split(separator: "/").map(String.init)
                #expect(table.contains(codes + [cell.value]), "table row for \(key)")
            }

            // An empty selection streams a valid empty JSON array.
            let none = try report("json", ["--period", "1999"])
            #expect((try JSONSerialization.jsonObject(with: Data(none.utf8)) as? [Any]) != nil)
        }
    }

    @Test func aRefusedReportWritesNothingAndLeavesNoFile() throws {
        try withTestDatabase { db in
            let path = try db.write("report.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            let file = db.workDir + "/refused.csv"
            for format in ["csv", "json", "sdmx-csv", "table"] {
                // A loader is not a reader of aggregates: the database refuses the report.
                let refused = try db.run(["report", "--by", "sex", "--format", format], as: db.loader)
                #expect(refused.status == 77, "\(format): \(refused)")
                #expect(refused.stdout.isEmpty, "\(format): \(refused.stdout)")
                let toFile = try db.run(["report", "--by", "sex", "--format", format, "--output", file], as: db.loader)
                #expect(toFile.status == 77)
                #expect(!FileManager.default.fileExists(atPath: file))
                #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
            }
            // A report to an existing file replaces it only once complete.
            try "old".write(toFile: file, atomically: true, encoding: .utf8)
            _ = try db.run(["report", "--by", "sex", "--format", "csv", "--output", file], as: db.loader)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "old")
            try db.mustSucceed(["report", "--by", "sex", "--format", "csv", "--output", file], as: db.admin)
            #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("sex,obs_value"))
        }
    }
}
