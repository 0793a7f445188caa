package import MigstatPQ

/// How many records of a source and period state one dimension of paragraph 20(a).
package struct CoverageRow: Sendable, Equatable {
    package var source: String
    /// The period (a year, `2024`).
    package var period: String
    package var dimension: String
    /// Records of the source and period; nil when suppressed (below the threshold).
    package var records: Int?
    /// Records that state a value (not NULL and not an explicit unknown); nil when suppressed.
    package var stated: Int?
    /// `stated / records` as the database's decimal text (`0.8571`); nil when suppressed.
    package var share: String?
    /// Whether the source sent the dimension's column (`migstat.coverage_sent`): `yes`, `no` (not sent: every
    /// record is "not stated" for that reason), `partly` (some batches), `unknown` (not recorded).
    package var sent: String = "unknown"
}

/// Coverage of the paragraph 20(a) dimensions: `migstat.coverage` (perturbed in the database) and
/// `migstat.coverage_sent` (which columns each source sent).
package struct CoverageStore {
    private let connection: PQConnection

    /// A store over a connection as the signed-in user (analyst, steward or administrator).
    package init(connection: PQConnection) {
        self.connection = connection
    }

    /// Coverage by source, period and dimension.
    /// - Parameters:
    ///   - period: only events in this range; nil: all.
    ///   - source: only this source; nil: all.
    package func coverage(period: ReportPeriod?, source: String?) throws -> [CoverageRow] {
        let query: PQQuery = """
            SELECT source, period, dimension, records, stated, share
              FROM migstat.coverage(\(period?.from, as: .date), \(period?.to, as: .date), \(source))
            """
        let result = try connection.execute(query)
        var rows = try (0..<result.rowCount).map { row in
            CoverageRow(source: try result.string(row, 0), period: try result.string(row, 1),
                        dimension: try result.string(row, 2), records: try result.optionalInt(row, 3),
                        stated: try result.optionalInt(row, 4), share: result[row, 5])
        }
        let sentQuery: PQQuery = """
            SELECT source, period, dimension, sent
              FROM migstat.coverage_sent(\(period?.from, as: .date), \(period?.to, as: .date), \(source))
            """
        let sent = try connection.execute(sentQuery)
        var byKey: [String: String] = [:]
        for row in 0..<sent.rowCount {
            byKey[(sent[row, 0] ?? "") + "\u{1F}" + (sent[row, 1] ?? "") + "\u{1F}" + (sent[row, 2] ?? "")] = sent[row, 3]
        }
        for i in rows.indices {
            rows[i].sent = byKey[rows[i].source + "\u{1F}" + rows[i].period + "\u{1F}" + rows[i].dimension] ?? "unknown"
        }
        return rows
    }
}

/// The coverage as a matrix for people: one row per dimension, one column per source and year, each cell the
/// share of records that state the dimension in percent (of the perturbed counts), or `not sent` when no batch
/// of the source and year had the column (`sent but empty` reads 0.0%).
package enum CoverageMatrix {
    /// The mark of a column the source did not send.
    package static let notSent = "not sent"

    /// The text of the matrix with its legend; `dimensions` in catalogue order.
    package static func render(_ rows: [CoverageRow], dimensions: [String]) -> String {
        var keys: [(String, String)] = []
        var cells: [String: CoverageRow] = [:]
        var records: [String: Int?] = [:]
        for row in rows {
            let key = row.source + "\u{1F}" + row.period
            if records[key] == nil {
                keys.append((row.source, row.period))
                records[key] = row.records
            }
            cells[key + "\u{1F}" + row.dimension] = row
        }
        let dims = dimensions.filter { d in rows.contains { $0.dimension == d } }
        var anyPartly = false, anyUnknown = false, anyNotSent = false
        func text(_ row: CoverageRow?) -> String {
            guard let row else { return "" }
            if row.sent == "no" { anyNotSent = true; return notSent }
            var value = "-"
            if let records = row.records, records > 0, let stated = row.stated {
                value = percent(Double(min(stated, records)) / Double(records))
            }
            if row.sent == "partly" { anyPartly = true; value += " *" }
            if row.sent == "unknown" { anyUnknown = true; value += " ?" }
            return value
        }
        // Dimensions down the side, one column per source and year (few of them, so the matrix fits a terminal).
        var table: [[String]] = [["", "records"] + dims.map { DimensionCatalog.named($0)?.label ?? $0 }]
        table[0] = table[0].map { $0 }
        var columns: [[String]] = []
        for (source, period) in keys {
            let key = source + "\u{1F}" + period
            columns.append([source, period, (records[key] ?? nil).map(String.init) ?? ""]
                           + dims.map { text(cells[key + "\u{1F}" + $0]) })
        }
        let side = ["dimension", ""] + ["records"] + dims
        var widths = [side.map(\.count).max() ?? 0] + columns.map { $0.map(\.count).max() ?? 0 }
        widths = widths.map { max($0, 5) }
        var out = ""
        for r in side.indices {
            var line = side[r] + String(repeating: " ", count: widths[0] - side[r].count)
            for (c, column) in columns.enumerated() {
                let t = column[r]
                line += "  " + String(repeating: " ", count: widths[c + 1] - t.count) + t
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
            if r == 1 {
                out += ([widths[0]] + widths.dropFirst()).map { String(repeating: "-", count: $0) }
                    .joined(separator: "  ") + "\n"
            }
        }
        _ = table
        out += "(\(columns.count) source\(columns.count == 1 ? "" : "s") and year\(columns.count == 1 ? "" : "s"); "
            + "% of records that state the dimension)\n"
        if anyNotSent { out += "not sent: no batch of the source and year had the column (sent but empty reads 0.0%)\n" }
        if anyPartly { out += "*: some batches of the source and year did not send the column\n" }
        if anyUnknown { out += "?: whether the column was sent is not recorded (batches imported before 0011)\n" }
        out += "Counts are perturbed (cell-key method, as in reports): a share is of the perturbed numbers.\n"
        return out
    }

    /// `0.99654` → `99.7%`, `1` → `100%`, `0` → `0.0%`.
    package static func percent(_ share: Double) -> String {
        if share >= 1 { return "100%" }
        let tenths = Int((share * 1000).rounded())
        return "\(min(tenths, 999) / 10).\(min(tenths, 999) % 10)%"
    }
}
