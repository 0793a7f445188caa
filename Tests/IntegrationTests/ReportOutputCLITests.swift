import Foundation
import MigstatCore
import MigstatPQ
import Testing

/// Issue 13, readable output through the real binary: the cross-table of `report --format table` (labels,
/// totals, legend, --rows/--cols, fitting $COLUMNS), `--labels` and `--lang ru|ky`, admin tables that fit 100
/// columns (`--wide` for everything), and typed JSON from every listing command.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ReportOutputCLITests {
    static func batch() -> FlowCSV {
        var csv = FlowCSV()
        var n = 0
        for (sex, direction, count) in [("F", "IN", 9), ("M", "IN", 6), ("F", "OUT", 7), ("M", "OUT", 4)] {
            for _ in 0..<count {
                n += 1
                csv.add("R-\(n)", ["sex": sex, "direction": direction])
            }
        }
        return csv
    }

    @Test func theTableFormatIsACrossTableWithLabelsTotalsAndALegend() throws {
        try withTestDatabase { db in
            let path = try db.write("flows.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            let env = ["COLUMNS": "100"]
            let result = try db.run(["report", "--by", "sex,direction"], as: db.admin, environment: env)
            #expect(result.status == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // Direction (3 categories, the last small dimension) across, sex down, labels beside codes.
            let header = try #require(lines.firstIndex { $0.hasPrefix("Sex") })
            #expect(lines[header].contains("_T") && lines[header].contains("IN") && lines[header].contains("OUT"))
            #expect(lines[header - 1].trimmingCharacters(in: .whitespaces) == "Direction")
            #expect(lines[header + 1].contains("Entry into") && lines[header + 1].contains("Exit from"))
            let rows = lines.filter { $0.hasPrefix("_T ") || $0.hasPrefix("F ") || $0.hasPrefix("M ") }
            #expect(rows.first?.hasPrefix("_T") == true && rows.first?.contains("Total") == true, "\(rows)")
            #expect(rows.contains { $0.hasPrefix("F ") && $0.contains("Female") })
            #expect(result.stdout.contains("Legend:") && result.stdout.contains("_T  total (first row and column)"))
            #expect(result.stdout.contains("Values are perturbed (cell-key method)"))
            for line in lines { #expect(line.count <= 100, "\(line)") }

            // --rows / --cols swap the layout.
            let swapped = try db.mustSucceed(["report", "--by", "sex,direction", "--rows", "direction", "--cols", "sex"],
                                             as: db.admin).stdout
            #expect(swapped.split(separator: "\n").contains { $0.hasPrefix("Direction") && $0.contains("_U") })
            #expect(swapped.contains("IN   Entry into the State"))

            // A wrong --cols names what was typed and what is allowed; usage error (64).
            let wrong = try db.run(["report", "--by", "sex,direction", "--cols", "gender"], as: db.admin)
            #expect(wrong.status == 64, "\(wrong)")
            #expect(wrong.stderr.contains("--cols gender is not a dimension of this report; allowed: sex, direction"))
            let lang = try db.run(["report", "--by", "sex", "--lang", "fr"], as: db.admin)
            #expect(lang.status == 64 && lang.stderr.contains("--lang fr is not a language"), "\(lang)")
        }
    }

    @Test func russianAndKyrgyzLabelsComeFromTheDatabaseAndTheWordsFromTheRepository() throws {
        try withTestDatabase { db in
            let path = try db.write("flows.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            // The shipped translations are in migstat.code_label after db init.
            #expect(try db.int("SELECT count(*) FROM migstat.code_label WHERE lang = 'ky' AND dimension = 'country'") == 253)
            let ru = try db.mustSucceed(["report", "--by", "sex,direction", "--lang", "ru"], as: db.admin).stdout
            #expect(ru.contains("Женщины") && ru.contains("Въезд в") && ru.contains("Всего"), "\(ru)")
            #expect(ru.contains("Разрезы: Пол × Направление"), "\(ru)")
            #expect(ru.contains("Условные обозначения"))
            let ky = try db.mustSucceed(["report", "--by", "sex,direction", "--lang", "ky"], as: db.admin).stdout
            #expect(ky.contains("Аялдар") && ky.contains("Мамлекетке") && ky.contains("Бардыгы"), "\(ky)")
            // --labels: a label column after each code, in CSV and JSON, in the language asked for.
            let csv = try db.mustSucceed(["report", "--by", "sex", "--format", "csv", "--labels", "--lang", "ky"],
                                         as: db.admin).stdout.split(separator: "\n")
            #expect(csv.first == "sex,sex_label,obs_value,obs_status,conf_status,lower_bound,upper_bound")
            #expect(csv.contains { $0.hasPrefix("F,Аялдар,") })
            let json = try db.mustSucceed(["report", "--by", "sex", "--format", "json", "--labels"], as: db.admin).stdout
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(objects.contains { $0["sex"] as? String == "M" && $0["sex_label"] as? String == "Male" })
            #expect(objects.allSatisfy { $0["obs_value"] is NSNumber })
            // HTML: the page's language and its words.
            let html = try db.mustSucceed(["report", "--by", "sex,direction", "--format", "html", "--lang", "ru"],
                                          as: db.admin).stdout
            #expect(html.contains("<html lang=\"ru\">") && html.contains("Таблица") && html.contains("Женщины"))
        }
    }

    /// Every listing's JSON parses, with numbers as numbers and booleans as booleans.
    @Test func jsonOutputsAreTyped() throws {
        try withTestDatabase { db in
            let path = try db.write("flows.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            func objects(_ arguments: [String]) throws -> [[String: JSONValue]] {
                let out = try db.mustSucceed(arguments + ["--format", "json"], as: db.admin).stdout
                return try JSONDecoder().decode([[String: JSONValue]].self, from: Data(out.utf8))
            }
            func isNumber(_ value: JSONValue?) -> Bool { if case .number? = value { true } else { false } }
            func isBool(_ value: JSONValue?) -> Bool { if case .bool? = value { true } else { false } }
            let show = try #require(try objects(["batches", "show", "1"]).first)
            for key in ["id", "rows_read", "accepted", "rejected"] { #expect(isNumber(show[key]), "batches show \(key)") }
            #expect(show["file_name"].map { if case .string = $0 { true } else { false } } == true)
            #expect(show["withdrawn_at"] == .null)
            let list = try #require(try objects(["batches", "list"]).first)
            for key in ["id", "rows", "accepted", "rejected"] { #expect(isNumber(list[key]), "batches list \(key)") }
            let purposes = try objects(["purpose", "list"])
            #expect(!purposes.isEmpty)
            let codes = try objects(["codes", "list", "sex"])
            #expect(codes.allSatisfy { isBool($0["active"]) })
            let lists = try objects(["codes", "list"])
            #expect(lists.allSatisfy { isNumber($0["codes"]) })
            let coverage = try objects(["coverage"])
            #expect(!coverage.isEmpty)
            for row in coverage { #expect(row["records"] == .null || isNumber(row["records"]), "\(row)") }
            let audit = try JSONDecoder().decode([[String: JSONValue]].self, from: Data(
                try db.mustSucceed(["audit", "list", "--format", "json"], as: db.auditor).stdout.utf8))
            #expect(audit.allSatisfy { isNumber($0["seq"]) })
            #expect(audit.contains { if case .object? = $0["details"] { true } else { false } }, "audit details are objects")
            _ = try objects(["access", "list"])
            _ = try objects(["tables", "list"])
        }
    }

    /// Admin tables fit 100 columns (short hashes and times); --wide prints everything.
    @Test func adminTablesFitAHundredColumns() throws {
        try withTestDatabase { db in
            let path = try db.write("a-rather-long-file-name-for-a-batch-of-flows-2024.csv", Self.batch().text)
            #expect(try db.importFile(path).status == 0)
            let env = ["COLUMNS": "100"]
            for command in [["batches", "list"], ["batches", "show", "1"], ["access", "list"], ["purpose", "list"],
                            ["tables", "list"], ["audit", "list"], ["coverage"]] {
                let result = try db.run(command, as: command[0] == "audit" ? db.auditor : db.admin, environment: env)
                #expect(result.status == 0, "\(result)")
                for line in result.stdout.split(separator: "\n") {
                    #expect(line.count <= 100, "\(command.joined(separator: " ")): \(line.count): \(line)")
                }
            }
            let sha = try db.query("SELECT sha256 FROM migstat.batch WHERE id = 1")[0, 0] ?? ""
            let short = try db.run(["batches", "list"], as: db.admin, environment: env).stdout
            #expect(short.contains(String(sha.prefix(12))) && !short.contains(sha))
            let wide = try db.run(["batches", "list", "--wide"], as: db.admin, environment: env).stdout
            #expect(wide.contains(sha) && wide.contains("a-rather-long-file-name-for-a-batch-of-flows-2024.csv"))
        }
    }
}

/// A JSON value by its type (JSONDecoder does not turn a number into a Bool, nor a string into a number).
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
