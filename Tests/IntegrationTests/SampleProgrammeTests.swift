import Foundation
import Testing
import MigstatPQ

/// The sample data's pyramid as a declared table (issue 9): the border and labour-registry batches of
/// `SampleData/` imported through the CLI, `sex × age` with the national bands declared and released, and
/// every published cell checked against an independent count of the CSV files themselves; the small
/// cells are withheld and no female or male age group that is not itself small is.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct SampleProgrammeTests {
    static let bands = "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+"

    static var sampleData: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleData").path
    }

    /// The band label of an age under the national bands ("_Z" = not stated).
    static func band(_ age: String) -> String {
        guard let a = Int(age) else { return "_Z" }
        switch a {
        case ..<15: return "0-14"
        case 15...17: return "15-17"
        case 18...24: return "18-24"
        case 25...34: return "25-34"
        case 35...44: return "35-44"
        case 45...54: return "45-54"
        case 55...64: return "55-64"
        default: return "65+"
        }
    }

    /// sex/age → count over the files, margins included, read with a plain split (the sample files have no
    /// quoted fields; a BOM on the first header is dropped).
    static func independentCounts(_ files: [(String, Character)]) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (path, delimiter) in files {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
            let header = lines[0].replacingOccurrences(of: "\u{FEFF}", with: "")
                .split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
            let sexAt = try #require(header.firstIndex(of: "sex"))
            let ageAt = try #require(header.firstIndex(of: "age"))
            for line in lines.dropFirst() where !line.isEmpty {
                let f = line.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
                let sex = f[sexAt], band = band(f[ageAt])
                for key in [sex + "/" + band, sex + "/_T", "_T/" + band, "_T/_T"] { counts[key, default: 0] += 1 }
            }
        }
        return counts
    }

    @Test func theSamplePyramidIsExactWhereverItIsPublished() throws {
        try withTestDatabase { db in
            let border = Self.sampleData + "/border-2024.csv"
            let registry = Self.sampleData + "/labour-registry-2024.csv"
            #expect(try db.importFile(border).status == 0)
            #expect(try db.importFile(registry, source: "labour-registry", ["--delimiter", ";"]).status == 0)
            try db.mustSucceed(
                ["tables", "declare", "sex_age", "--purpose", db.purpose, "--title", "Entries and exits by sex and age",
                 "--by", "sex,age", "--age-bands", Self.bands], as: db.admin)
            try db.mustSucceed(["tables", "release", "--purpose", db.purpose], as: db.admin)
            let csv = try db.mustSucceed(["report", "--table", "sex_age", "--purpose", db.purpose, "--format", "csv"],
                                         as: db.admin).stdout.split(separator: "\n").map(String.init)
            #expect(csv.first == "sex,age,obs_value,obs_status,conf_status,lower_bound,upper_bound")
            let cells = ReportCLITests.cells(csv)
            let truth = try Self.independentCounts([(border, ","), (registry, ";")])
            #expect(truth["_T/_T"] == 2800, "the two sample files hold 2,000 + 800 records")
            #expect(cells.count == 5 * 10)
            var published = 0
            for (key, cell) in cells {
                let n = truth[key] ?? 0
                switch cell.conf {
                case "F":
                    #expect(cell.value == String(n), "\(key): the published count is the independent count")
                    published += 1
                case "C":
                    #expect(cell.value.isEmpty, "\(key): a withheld cell has no value")
                default:
                    Issue.record("\(key): conf_status \(cell.conf)")
                }
                if (1...4).contains(n) { #expect(cell.conf == "C", "\(key): a count of \(n) is withheld") }
            }
            #expect(published > 30)
            // The pyramid: every female and male age group that is not itself small is published.
            for sex in ["F", "M"] {
                for band in Self.bands.split(separator: ",").map(String.init) where (truth[sex + "/" + band] ?? 0) >= 5 {
                    #expect(cells[sex + "/" + band]?.conf == "F", "\(sex) \(band) (\(truth[sex + "/" + band] ?? 0)) is published")
                }
            }
        }
    }

    /// The demo's whole programme (Scripts/demo.sh): all five batches, two of them through their mapping
    /// profiles and one with its rejects allowed, and both declared tables released together (they share the
    /// grand total). Every female and male age group that is not itself small is published, every small cell
    /// is withheld, and every published cell is the count the superuser reads from the records.
    @Test func theDemosProgrammeKeepsThePyramid() throws {
        try withTestDatabase { db in
            let data = Self.sampleData
            #expect(try db.importFile(data + "/border-2024.csv").status == 0)
            #expect(try db.importFile(data + "/labour-registry-2024.csv", source: "labour-registry", ["--delimiter", ";"]).status == 0)
            #expect(try db.importFile(data + "/consulate-2024-errors.csv", source: "consulate",
                                      ["--max-rejects", "10", "--rejects", db.workDir + "/consulate.rejects.csv"]).status == 0)
            #expect(try db.importFile(data + "/border-export-2024.csv", source: "border-export",
                                      ["--profile", data + "/profiles/border-export.yaml"]).status == 0)
            #expect(try db.importFile(data + "/survey-2024.csv", source: "survey-2024",
                                      ["--profile", data + "/profiles/survey.yaml"]).status == 0)
            try db.mustSucceed(["tables", "declare", "sex_age", "--purpose", db.purpose, "--title", "Entries and exits by sex and age",
                                "--by", "sex,age", "--age-bands", Self.bands], as: db.admin)
            try db.mustSucceed(["tables", "declare", "status_disability", "--purpose", db.purpose,
                                "--title", "Entries and exits by migration status and disability",
                                "--by", "migration_status,disability"], as: db.admin)
            try db.mustSucceed(["tables", "release", "--purpose", db.purpose], as: db.admin)
            let csv = try db.mustSucceed(["report", "--table", "sex_age", "--purpose", db.purpose, "--format", "csv"],
                                         as: db.admin).stdout.split(separator: "\n").map(String.init)
            let cells = ReportCLITests.cells(csv)
            #expect(cells.count == 5 * 10)
            // The truth, as the superuser counts it from the records (bands as Self.band, margins included).
            let result = try db.query("""
                SELECT coalesce(sx.code, '_T') || '/' || coalesce(b.band, '_T'), count(*)
                  FROM migstat.records r JOIN migstat.code sx ON sx.dimension = 'sex' AND sx.id = r.sex
                 CROSS JOIN LATERAL (SELECT CASE WHEN r.age IS NULL THEN '_Z' WHEN r.age < 15 THEN '0-14'
                     WHEN r.age < 18 THEN '15-17' WHEN r.age < 25 THEN '18-24' WHEN r.age < 35 THEN '25-34'
                     WHEN r.age < 45 THEN '35-44' WHEN r.age < 55 THEN '45-54' WHEN r.age < 65 THEN '55-64'
                     ELSE '65+' END AS band) b
                 GROUP BY CUBE (sx.code, b.band)
                """)
            var truth: [String: Int] = [:]
            for i in 0..<result.rowCount { truth[result[i, 0] ?? ""] = Int(result[i, 1] ?? "") ?? 0 }
            #expect(truth["_T/_T"] ?? 0 > 3000, "the five batches hold more than 3,000 records")
            for (key, cell) in cells {
                let n = truth[key] ?? 0
                if cell.conf == "F" { #expect(cell.value == String(n), "\(key): the published count is the true count") }
                if (1...4).contains(n) { #expect(cell.conf == "C", "\(key): a count of \(n) is withheld") }
            }
            for sex in ["F", "M"] {
                for band in Self.bands.split(separator: ",").map(String.init) where (truth[sex + "/" + band] ?? 0) >= 5 {
                    #expect(cells[sex + "/" + band]?.conf == "F", "\(sex) \(band) (\(truth[sex + "/" + band] ?? 0)) is published")
                }
            }
        }
    }
}
