import Foundation
import MigstatPQ
import Testing

/// `migstat tables …` and `migstat report --table` through the real binary: a declared table is published, once
/// its programme is released, with exact counts, its withheld cells marked C alike in every format (nothing tells primary from secondary), and
/// only stewards and auditors see the true values behind them.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct DeclaredTableCLITests {
    static let counts = ReportCLITests.counts

    /// Imports the batch of `ReportCLITests` and declares `sd` (sex × direction) as the administrator.
    static func declared(_ db: TestDatabase) throws {
        let path = try db.write("report.csv", ReportCLITests.batch().text)
        #expect(try db.importFile(path).status == 0)
        let declared = try db.mustSucceed(
            ["tables", "declare", "sd", "--purpose", db.purpose, "--title", "Entries and exits by sex",
             "--by", "sex,direction"], as: db.admin)
        #expect(declared.stdout.hasPrefix("declared table sd (#"), "\(declared)")
        let released = try db.mustSucceed(["tables", "release", "--purpose", db.purpose], as: db.admin)
        #expect(released.stdout.hasPrefix("released the programme of purpose \(db.purpose) (run "), "\(released)")
        #expect(released.stdout.hasSuffix(": sd\n"), "\(released)")
    }

    @Test func aDeclaredTableHasExactCountsAndWithholdsCellsAsC() throws {
        try withTestDatabase { db in
            try Self.declared(db)
            func report(_ format: String, as user: String? = nil) throws -> String {
                try db.mustSucceed(["report", "--table", "sd", "--purpose", db.purpose, "--format", format],
                                   as: user ?? db.admin).stdout
            }
            let csv = try report("csv").split(separator: "\n").map(String.init)
            #expect(csv.first == "sex,direction,obs_value,obs_status,conf_status,lower_bound,upper_bound")
            let cells = ReportCLITests.cells(csv)
            let truth = ReportCLITests.truth()
            #expect(cells.count == 5 * 3)
            for (key, cell) in cells {
                switch cell.conf {
                case "F": #expect(cell.value == String(truth[key] ?? 0), "\(key): exact count")
                case "C": #expect(cell.value.isEmpty, "\(key)")
                default: Issue.record("\(key): conf_status \(cell.conf) (only F and C are published)")
                }
            }
            // The small counts (2 and 1, below K = 5) are withheld; larger ones may be, to protect them.
            #expect(cells["M/OUT"]?.conf == "C" && cells["_U/IN"]?.conf == "C")
            #expect(cells["F/IN"]?.value == "9" && cells["F/OUT"]?.value == "7")
            // No additive relation with exactly one withheld cell.
            for row in ["F", "M", "_U", "_O", "_T"] {
                let withheld = ["IN", "OUT", "_T"].filter { cells[row + "/" + $0]?.conf != "F" }.count
                #expect(withheld != 1, "row \(row)")
            }
            for column in ["IN", "OUT", "_T"] {
                let withheld = ["F", "M", "_U", "_O", "_T"].filter { cells[$0 + "/" + column]?.conf != "F" }.count
                #expect(withheld != 1, "column \(column)")
            }

            // json, sdmx-csv, table and html show the same cells and flags.
            let json = try JSONSerialization.jsonObject(with: Data(try report("json").utf8)) as? [[String: Any]]
            #expect(json?.count == cells.count)
            for object in json ?? [] {
                let key = "\(object["sex"] ?? "?")/\(object["direction"] ?? "?")"
                #expect(cells[key]?.value == (object["obs_value"] as? Int).map(String.init) ?? "", "\(key)")
                #expect(cells[key]?.conf == object["conf_status"] as? String, "\(key)")
            }
            // sdmx-csv: a declared table without a period unit has no reference period, so it is refused (usage, 64);
            // Scripts/test-sql-sdmx.sh checks the SDMX-CSV of a declared table with one.
            let sdmx = try db.run(["report", "--table", "sd", "--purpose", db.purpose, "--format", "sdmx-csv"],
                                  as: db.admin)
            #expect(sdmx.status == 64 && sdmx.stdout.isEmpty, "\(sdmx)")
            #expect(sdmx.stderr.contains("no period dimension") && sdmx.stderr.contains("--period-unit"), "\(sdmx)")
            let text = try report("table")
            #expect(text.contains("x   withheld (confidential, CONF_STATUS C)")
                    && text.contains("Declared table sd of purpose \(db.purpose): exact counts"), "\(text)")
            #expect(!text.contains("perturbed"))
            let html = try report("html")
            #expect(html.contains("<h1>Entries and exits by sex</h1>") && html.contains("x<sup>C</sup>"))
            for mark in ["<sup>A</sup>", "<sup>D</sup>", "CONF_STATUS A", "CONF_STATUS D", "primary", "secondary"] {
                #expect(!html.contains(mark), "\(mark)")
            }

            // The listing has the latest run's cells and withheld cells.
            let listing = try db.mustSucceed(["tables", "list", "--purpose", db.purpose, "--format", "json"],
                                             as: db.auditor).stdout
            let tables = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [[String: Any]])
            #expect(tables.count == 1)
            #expect(tables.first?["name"] as? String == "sd" && tables.first?["dims"] as? String == "sex,direction")
            #expect(tables.first?["title"] as? String == "Entries and exits by sex")
            #expect(tables.first?["retired_at"] is NSNull)
            let withheld = cells.values.filter { $0.conf == "C" }.count
            #expect(tables.first?["cells"] as? Int == cells.count, "\(listing)")        // typed JSON
            #expect(tables.first?["withheld"] as? Int == withheld, "\(listing)")

            // The auditor sees the withheld cells' true values, which are never in any report.
            let audit = try db.mustSucceed(["tables", "audit", "sd", "--purpose", db.purpose, "--format", "csv"],
                                           as: db.auditor).stdout.split(separator: "\n").map(String.init)
            #expect(audit.first == "sex,direction,value,status,lower_bound,upper_bound")
            var audited: Set<String> = []
            for line in audit.dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let key = f[0] + "/" + f[1]
                audited.insert(key)
                #expect(cells[key]?.conf == "C", "\(line)")
                #expect(f[2] == String(truth[key] ?? 0), "\(line)")
                #expect(f[3] == ((1...4).contains(truth[key] ?? 0) ? "primary" : "secondary"), "\(line)")
            }
            #expect(audited == Set(cells.filter { $0.value.conf == "C" }.keys))

            // The information loss, for the auditor and the administrator.
            for user in [db.auditor, db.admin] {
                let loss = try db.mustSucceed(["tables", "loss", "--purpose", db.purpose, "--format", "csv"], as: user)
                    .stdout.split(separator: "\n").map(String.init)
                #expect(loss.first == "name,cells,nonzero,withheld,withheld_interior,withheld_value,total")
                #expect(loss.dropFirst().first?.hasPrefix("sd,15,") == true, "\(loss)")
                #expect(loss.dropFirst().first?.hasSuffix(",25") == true, "\(loss)")
            }
        }
    }

    @Test func whoMayDoWhatAndRefusalsSayWhy() throws {
        try withTestDatabase { db in
            try Self.declared(db)
            // A loader reads no aggregate, declares nothing, audits nothing.
            let report = try db.run(["report", "--table", "sd", "--purpose", db.purpose, "--format", "csv"], as: db.loader)
            #expect(report.status == 77 && report.stdout.isEmpty, "\(report)")
            let declare = try db.run(["tables", "declare", "x", "--purpose", db.purpose, "--title", "X", "--by", "sex"],
                                     as: db.loader)
            #expect(declare.status == 77, "\(declare)")
            // An administrator (promised no record-level data) does not see the true values behind C.
            let audit = try db.run(["tables", "audit", "sd", "--purpose", db.purpose], as: db.admin)
            #expect(audit.status == 77 && audit.stdout.isEmpty, "\(audit)")

            // A bad declaration is refused with the database's words (not redacted: they are the caller's own
            // parameters) and exit 65.
            let bad = try db.run(["tables", "declare", "bad", "--purpose", db.purpose, "--title", "B", "--by", "sex,colour"],
                                 as: db.admin)
            #expect(bad.status == 65, "\(bad)")
            #expect(bad.stderr.hasPrefix("error: ") && bad.stderr.contains("\"colour\""), "\(bad)")
            let twice = try db.run(["tables", "declare", "sd", "--purpose", db.purpose, "--title", "again",
                                    "--by", "sex"], as: db.admin)
            #expect(twice.status == 65 && twice.stderr.contains("sd"), "\(twice)")
            // A table declared after the release is not published until the next one, and the refusal says how.
            try db.mustSucceed(["tables", "declare", "late", "--purpose", db.purpose, "--title", "Late", "--by", "direction"],
                               as: db.admin)
            let late = try db.run(["report", "--table", "late", "--purpose", db.purpose], as: db.admin)
            #expect(late.status == 65 && late.stderr.contains("has not been released"), "\(late)")
            #expect(late.stderr.contains("\n  hint: ") && late.stderr.contains("migstat tables release"), "\(late)")
            let releases = try db.mustSucceed(["tables", "releases", "--purpose", db.purpose, "--format", "csv"],
                                              as: db.auditor).stdout.split(separator: "\n").map(String.init)
            #expect(releases.first == "purpose,run,released_at,released_by,tables,batches,stale,seconds")
            #expect(releases.count == 2 && releases[1].hasPrefix(db.purpose + ",") && releases[1].contains(",sd,1,f,"),
                    "\(releases)")
            // An unknown table.
            let unknown = try db.run(["report", "--table", "nope", "--purpose", db.purpose], as: db.admin)
            #expect(unknown.status == 65 && unknown.stderr.contains("no declared table nope"), "\(unknown)")

            // Retired: listed with its time, no longer run.
            try db.mustSucceed(["tables", "retire", "sd", "--purpose", db.purpose], as: db.admin)
            let listing = try db.mustSucceed(["tables", "list", "--format", "json"], as: db.admin).stdout
            let tables = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [[String: Any]])
            #expect(tables.count == 2 && tables.first { $0["name"] as? String == "sd" }?["retired_at"] is String,
                    "\(listing)")
            let retired = try db.run(["report", "--table", "sd", "--purpose", db.purpose, "--format", "csv"], as: db.admin)
            #expect(retired.status == 65 && retired.stdout.isEmpty, "\(retired)")
            let again = try db.run(["tables", "retire", "sd", "--purpose", db.purpose], as: db.admin)
            #expect(again.status == 65, "\(again)")
        }
    }
}
