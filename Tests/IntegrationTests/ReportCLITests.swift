import Foundation
import MigstatCore
import MigstatPQ
import Testing

/// `migstat report --by` (flexible tables, perturbed) through the real binary: csv, json and sdmx-csv are
/// written cell by cell as the database sends them (COPY); table is built whole. All must show the same cells.
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

    /// The true count of every cell of sex × direction with its margins (`_T`), from `counts`.
    static func truth() -> [String: Int] {
        var truth: [String: Int] = [:]
        for (sex, direction, count) in counts {
            for key in [sex + "/" + direction, sex + "/_T", "_T/" + direction, "_T/_T"] { truth[key, default: 0] += count }
        }
        return truth
    }

    /// A CSV report of two dimensions as cells keyed `code1/code2`: (obs_value, conf_status).
    static func cells(_ csv: [String]) -> [String: (value: String, conf: String)] {
        var cells: [String: (value: String, conf: String)] = [:]
        for line in csv.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 7 else {
                Issue.record("\(line)")
                continue
            }
            cells[f[0] + "/" + f[1]] = (f[2], f[4])
        }
        return cells
    }

    /// A flexible table: every cell, margins included, is published (CONF_STATUS F), perturbed by at most 3 from
    /// an independent count, and never 1 or 2; the same records give the same value in another table.
    @Test func streamedFormatsCarryTheSamePerturbedCellsAsTheTable() throws {
        try withTestDatabase { db in
            let path = try db.write("report.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            func report(_ format: String, _ extra: [String] = [], by: String = "sex,direction") throws -> String {
                try db.mustSucceed(["report", "--by", by, "--format", format] + extra, as: db.admin).stdout
            }
            // csv: header + one line per cell; cells keyed by (sex, direction).
            let csv = try report("csv").split(separator: "\n").map(String.init)
            #expect(csv.first == "sex,direction,obs_value,obs_status,conf_status,lower_bound,upper_bound")
            let cells = Self.cells(csv)
            let truth = Self.truth()
            #expect(cells.count == 5 * 3)                                          // F, M, _O, _U, _T x IN, OUT, _T
            for (key, cell) in cells {
                #expect(cell.conf == "F", "\(key): conf_status \(cell.conf)")   // nothing suppressed
                guard let value = Int(cell.value) else {
                    Issue.record("\(key): no value")
                    continue
                }
                #expect(abs(value - (truth[key] ?? 0)) <= 3, "\(key): \(value) for \(truth[key] ?? 0)")
                #expect(value >= 0 && value != 1 && value != 2, "\(key): \(value)")
            }
            // The same set of records, the same value: sex alone against the sex margin of sex x direction.
            let bySex = try report("csv", by: "sex").split(separator: "\n").dropFirst()
            for line in bySex {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(cells[f[0] + "/_T"]?.value == f[1], "\(line)")
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

            // sdmx-csv needs a reference period (every record is of 2024-03-01): every DSD dimension, TIME_PERIOD 2024.
            let sdmx = try report("sdmx-csv", ["--period", "2024"]).split(separator: "\n").map(String.init)
            #expect(sdmx.count == csv.count)
            #expect(sdmx.first == (["STRUCTURE", "STRUCTURE_ID", "ACTION"] + ReportSDMXRenderer.dimensionIDs
                                   + ReportSDMXRenderer.valueColumns).joined(separator: ","))
            let sdmxRows = sdmx.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let sdmxHeader = try #require(sdmx.first).split(separator: ",").map(String.init)
            let column = { (name: String) in sdmxHeader.firstIndex(of: name)! }
            for row in sdmxRows {
                let key = row[column("SEX")] + "/" + row[column("DIRECTION")]
                #expect(cells[key]?.value == row[column("OBS_VALUE")], "\(row)")
                #expect(row[column("TIME_PERIOD")] == "2024" && row[column("NATIONALITY")] == "_T"
                        && row[column("TABLE_TYPE")] == "FLEX" && row[column("UNIT_MEASURE")] == "EVT", "\(row)")
            }
            // Without a period it is refused, naming what to add.
            let noPeriod = try db.run(["report", "--by", "sex", "--format", "sdmx-csv"], as: db.admin)
            #expect(noPeriod.status == 64 && noPeriod.stdout.isEmpty, "\(noPeriod)")
            #expect(noPeriod.stderr.contains("needs a reference period") && noPeriod.stderr.contains("--period"),
                    "\(noPeriod)")

            // The table format (built whole) shows the same cells as a cross-table: sex down the side (code,
            // label), direction across (_T, IN, OUT); and it says that the values are perturbed.
            let text = try report("table")
            let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            let header = try #require(lines.first { $0.first == "Sex" }, "\(text)")
            #expect(header == ["Sex", "_T", "IN", "OUT"], "\(text)")
            for (key, cell) in cells {
                let codes = key.split(separator: "/").map(String.init)
                let row = lines.first { $0.first == codes[0] && $0.count >= 5 }
                let column = try #require(header.firstIndex(of: codes[1]))
                #expect(row.map { $0[$0.count - 4 + column] } == cell.value, "table cell for \(key): \(text)")
            }
            #expect(text.contains("Values are perturbed (cell-key method)"))
            #expect(try report("html").contains("Values are perturbed (cell-key method)"))

            // --threshold is gone.
            let threshold = try db.run(["report", "--by", "sex", "--threshold", "10"], as: db.admin)
            #expect(threshold.status == 64, "\(threshold)")
        }
    }

    /// A table outside the database's bounds (here: no record at all, far below the minimum total) is refused
    /// with the database's reason, and writes nothing.
    @Test func aTableOutsideTheBoundsIsRefusedWithItsReason() throws {
        try withTestDatabase { db in
            let path = try db.write("report.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            for format in ["json", "table"] {
                let refused = try db.run(["report", "--by", "sex", "--period", "1999", "--format", format], as: db.admin)
                #expect(refused.status == 65, "\(refused)")
                #expect(refused.stdout.isEmpty, "\(refused)")
                #expect(refused.stderr.hasPrefix("error: the table's total is below ")
                        && refused.stderr.contains("\n  hint: "), "\(refused)")
            }
        }
    }

    @Test func aRefusedReportWritesNothingAndLeavesNoFile() throws {
        try withTestDatabase { db in
            let path = try db.write("report.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            let file = db.workDir + "/refused.csv"
            for format in ["csv", "json", "sdmx-csv", "table", "xlsx"] {
                // A loader is not a reader of aggregates: the database refuses the report (sdmx-csv needs a
                // period before it asks the database, xlsx a file).
                let refused = try db.run(["report", "--by", "sex", "--period", "2024", "--format", format]
                                             + (format == "xlsx" ? ["--output", file] : []), as: db.loader)
                #expect(refused.status == 77, "\(format): \(refused)")
                #expect(refused.stdout.isEmpty, "\(format): \(refused.stdout)")
                let toFile = try db.run(["report", "--by", "sex", "--period", "2024", "--format", format, "--output", file],
                                        as: db.loader)
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
