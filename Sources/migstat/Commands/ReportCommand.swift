import ArgumentParser
import MigstatCore
import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Disaggregated table with all margins and disclosure control, computed in PostgreSQL.",
        discussion: """
            Dimensions: direction, sex, age (banded), nationality, country, region, reason, occupation,
            worker_category, ethnicity, migration_status, disability, source, purpose, period.
            Totals are _T, "not stated" is _Z. Cells 1..K-1 are suppressed (CONF_STATUS A) and enough
            others (D) that none can be recovered by subtraction; the database does it, so no role
            can obtain an unprotected small count by any path.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
        case sdmxCSV = "sdmx-csv"
    }

    @Option(help: "Comma-separated dimensions.") var by: String
    @Option(help: "DIM=CODE[,CODE...]; repeatable.") var filter: [String] = []
    @Option(help: "2024, 2024-Q1, 2024-01, or FROM..TO of those.") var period: String?
    @Option(help: "Unit of the period dimension: year, quarter or month.") var periodUnit: String = "year"
    @Option(help: "Age bands, e.g. 0-5,6-13,14,15,16,17,18-19,20-24,...,65+ (default: Eurostat 5-year bands).")
    var ageBands: String?
    @Option(help: "Suppression threshold K (can only be raised above the database's setting).") var threshold: Int?
    @Option(help: "records or persons (distinct pseudonymised persons).") var count: String = "records"
    @Option(help: "ISCO-08 level for occupation (1-4).") var occupationLevel: Int = 1
    @Flag(help: "Add estimates (OBS_STATUS E), never added into counted cells.") var withEstimates = false
    @Option(help: "Output format.") var format: Format = .table
    @Option(help: "Write to this file instead of stdout.") var output: String?
    @OptionGroup var connection: ConnectionOptions
    @Flag var verbose = false

    var dimensions: [String] { by.split(separator: ",").map { String($0).trimmingSpaces().lowercased() } }

    func validate() throws {
        guard !dimensions.isEmpty else { throw ValidationError("--by needs at least one dimension") }
        guard ["records", "persons"].contains(count) else { throw ValidationError("--count is records or persons") }
        guard (1...4).contains(occupationLevel) else { throw ValidationError("--occupation-level is 1 to 4") }
        if let period { guard PeriodRange(period) != nil else { throw ValidationError("bad --period \(period)") } }
    }

    func run() throws {
        try ExitStatus.run(verbose: verbose) {
            let db = try connection.connect()
            let range = period.flatMap(PeriodRange.init)
            let result = try db.execute("""
                SELECT array_to_string(cell_dims, E'\\x1f'), obs_value, obs_status, conf_status, lower_bound,
                       upper_bound, is_estimate
                  FROM migstat.report($1::text[], $2::jsonb, $3::date, $4::date, $5, $6, $7::integer, $8, $9::integer, $10)
                """, [pgArray(dimensions), try FilterArgument.json(filter, listValued: true), range?.from, range?.to,
                      dimensions.contains("period") ? periodUnit : nil, ageBands, threshold.map(String.init), count,
                      String(occupationLevel), withEstimates ? "true" : "false"])
            let text = render(result)
            if let output {
                guard let handle = fopen(output, "w") else { throw MigstatError(.fileUnreadable, "cannot write \(output)") }
                fputs(text, handle)
                fclose(handle)
            } else {
                print(text, terminator: "")
            }
        }
    }

    func render(_ result: PQResult) -> String {
        let dims = dimensions
        var rows: [[String?]] = []
        for row in 0..<result.rowCount {
            let cells = (result[row, 0] ?? "").split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            rows.append(cells + [result[row, 1], result[row, 2], result[row, 3], result[row, 4], result[row, 5]])
        }
        switch format {
        case .sdmxCSV:
            let header = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
                + dims.map { $0 == "period" ? "TIME_PERIOD" : $0.uppercased() }
                + ["OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND"]
            var out = header.joined(separator: ",") + "\n"
            for row in rows {
                let values = ["dataflow", "MIGSTAT:MIGRATION_FLOWS(1.0)", "I"] + row.map { csvField($0 ?? "") }
                out += values.joined(separator: ",") + "\n"
            }
            return out
        case .csv, .json, .table:
            let names = dims + ["obs_value", "obs_status", "conf_status", "lower_bound", "upper_bound"]
            return captureStdout { ResultPrinter.print(names: names, rows: rows, format: OutputOptions.Format(rawValue: format.rawValue)!) }
        }
    }
}

/// Captures what `body` prints (ResultPrinter writes to stdout).
func captureStdout(_ body: () -> Void) -> String {
    var collected = ""
    ResultPrinter.sink = { collected += $0 + "\n" }
    body()
    ResultPrinter.sink = nil
    return collected
}

/// A period given as 2024, 2024-Q1, 2024-01, or FROM..TO, as an inclusive date range.
struct PeriodRange {
    let from: String
    let to: String

    init?(_ text: String) {
        let parts = text.components(separatedBy: "..")
        guard parts.count <= 2, let first = Self.bounds(parts[0]), let last = Self.bounds(parts.last!) else { return nil }
        from = first.0
        to = last.1
    }

    private static func bounds(_ text: String) -> (String, String)? {
        let p = text.split(separator: "-").map(String.init)
        guard let year = Int(p.first ?? ""), (1900...9999).contains(year), p[0].count == 4 else { return nil }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        func lastDay(_ m: Int) -> Int {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        }
        if p.count == 1 { return ("\(year)-01-01", "\(year)-12-31") }
        guard p.count == 2 else { return nil }
        if p[1].hasPrefix("Q"), let q = Int(p[1].dropFirst()), (1...4).contains(q) {
            let m1 = (q - 1) * 3 + 1
            return ("\(year)-\(pad(m1))-01", "\(year)-\(pad(m1 + 2))-\(lastDay(m1 + 2))")
        }
        guard let m = Int(p[1]), (1...12).contains(m), p[1].count == 2 else { return nil }
        return ("\(year)-\(pad(m))-01", "\(year)-\(pad(m))-\(lastDay(m))")
    }
}

extension String {
    func components(separatedBy separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            result.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}
