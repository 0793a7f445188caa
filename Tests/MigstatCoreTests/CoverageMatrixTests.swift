import Testing
@testable import MigstatCore

/// `migstat coverage` as a source × dimension matrix in percent, telling a column not sent from one sent empty.
@Suite struct CoverageMatrixTests {
    static let dimensions = ["sex", "age", "nationality", "reason", "occupation", "worker_category", "ethnicity",
                             "migration_status", "disability"]

    static func rows() -> [CoverageRow] {
        var rows: [CoverageRow] = []
        func add(_ source: String, _ year: String, _ records: Int?, _ stated: [String: (Int?, String)]) {
            for dimension in dimensions {
                let (value, sent) = stated[dimension] ?? (records, "yes")
                rows.append(CoverageRow(source: source, period: year, dimension: dimension, records: records,
                                        stated: value, share: nil, sent: sent))
            }
        }
        // border 2024: every column sent; ethnicity sent but empty; occupation 44.25%.
        add("border", "2024", 20002, ["sex": (19974, "yes"), "occupation": (8851, "yes"), "ethnicity": (0, "yes"),
                                      "age": (19401, "yes")])
        // consulates 2024: no disability or ethnicity column; reason sent by some batches only.
        add("consulates", "2024", 1207, ["ethnicity": (0, "no"), "disability": (0, "no"), "reason": (604, "partly")])
        // registry 2023: imported before columns were recorded.
        add("registry", "2023", 0, [:].merging(dimensions.map { ($0, (0, "unknown")) }) { a, _ in a })
        return rows
    }

    @Test func theMatrixSnapshot() throws {
        let text = CoverageMatrix.render(Self.rows(), dimensions: Self.dimensions)
        #expect(text.contains("not sent") && text.contains("0.0%") && text.contains("44.3%"))
        let lines = text.split(separator: "\n")
        #expect(lines[0].hasPrefix("dimension") && lines[0].hasSuffix("border  consulates  registry"))
        #expect(lines.contains { $0.hasPrefix("ethnicity") && $0.contains("0.0%") && $0.contains("not sent") })
        try ReportCrossTableTests.snapshot("coverage-matrix.txt", text)
    }

    @Test func percentsAreRoundedToTenths() {
        #expect(CoverageMatrix.percent(0.99654) == "99.7%")
        #expect(CoverageMatrix.percent(1) == "100%")
        #expect(CoverageMatrix.percent(0) == "0.0%")
        #expect(CoverageMatrix.percent(0.99996) == "99.9%")
    }
}
