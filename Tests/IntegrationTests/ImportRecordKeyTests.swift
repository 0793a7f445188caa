import Foundation
import MigstatPQ
import Testing

/// Record keys (cell-key perturbation, issue 9) are drawn by the server, one per row, during the
/// import's COPY (migration 0014: `migstat.record_key_draw()`, the default of `record_key`,
/// declared STABLE so that COPY inserts in buffered groups). Nobody else chooses them.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ImportRecordKeyTests {
    @Test func everyRowOfAnImportGetsItsOwnUniformlyDrawnKey() throws {
        try withTestDatabase { db in
            let rows = 4096
            var csv = FlowCSV()
            for i in 1...rows { csv.add("K-\(i)") }
            let result = try db.importFile(try db.write("keys.csv", csv.text))
            #expect(result.status == 0, "\(result)")
            let batch = try #require(try result.summary().batch)

            // Each value 0-255 should come up about 16 times. A draw made once per statement (what
            // STABLE would allow if the planner folded the call) gives one value for every row.
            let counts = try db.query(
                "SELECT record_key, count(*) FROM migstat.records WHERE batch_id = $1 GROUP BY record_key",
                [String(batch)])
            var histogram = [Int](repeating: 0, count: 256)
            var total = 0
            for row in 0..<counts.rowCount {
                let key = try counts.int(row, 0)
                try #require((0...255).contains(key), "record_key \(key) outside 0-255")
                histogram[key] = try counts.int(row, 1)
                total += histogram[key]
            }
            #expect(total == rows)
            #expect(counts.rowCount >= 240, "only \(counts.rowCount) distinct record keys in \(rows) rows")
            // Pearson's chi-square with 255 degrees of freedom: mean 255, standard deviation 22.6; 400 is
            // beyond 6 standard deviations for a uniform draw.
            let expected = Double(rows) / 256
            let chiSquare = histogram.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            #expect(chiSquare < 400, "chi-square \(chiSquare) for 256 equally likely keys")

            // Two imports of the same records draw independently (one more row, so the file differs).
            var more = csv
            more.add("K-extra")
            let again = try db.importFile(try db.write("keys-again.csv", more.text), source: "other-source")
            #expect(again.status == 0, "\(again)")
            let second = try #require(try again.summary().batch)
            let same = try db.int(
                """
                SELECT count(*) FROM migstat.records a JOIN migstat.records b USING (record_id)
                 WHERE a.batch_id = $1 AND b.batch_id = $2 AND a.record_key = b.record_key
                """, [String(batch), String(second)])
            // About 16 of 4096 by chance; the same keys in both would be 4096.
            #expect(same < 100, "\(same) of \(rows) records have the same key in both imports")
        }
    }

    @Test func theRecordKeyDefaultCallsNoVolatileFunctionSoCopyBuffersItsRows() throws {
        try withTestDatabase { db in
            var csv = FlowCSV()
            csv.add("V-1")
            let result = try db.importFile(try db.write("one.csv", csv.text))
            #expect(result.status == 0, "\(result)")
            let batch = try #require(try result.summary().batch)
            // COPY FROM inserts row by row (heap_insert, one WAL record each) when a default it
            // evaluates calls a volatile function other than nextval (copyfrom.c, volatile_defexprs).
            // The batch table's defaults: the batch's own constants, and the server's draw.
            let defaults = try db.query(
                """
                SELECT a.attname, pg_get_expr(d.adbin, d.adrelid)
                  FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                 WHERE d.adrelid = format('migstat_data.batch_%s', $1::integer)::regclass ORDER BY a.attname
                """, [String(batch)])
            var expressions: [String: String] = [:]
            for row in 0..<defaults.rowCount { expressions[try defaults.string(row, 0)] = try defaults.string(row, 1) }
            #expect(Set(expressions.keys) == ["batch_id", "purpose_id", "record_key", "source_id"], "\(expressions)")
            for column in ["batch_id", "purpose_id", "source_id"] {
                #expect(expressions[column]?.allSatisfy(\.isNumber) == true, "\(column): \(expressions[column] ?? "none")")
            }
            let keyDefault = try #require(expressions["record_key"])
            #expect(keyDefault.contains("migstat.record_key_draw()") && !keyDefault.contains("random()"), "\(keyDefault)")
            // The only function it calls besides the draw: floor(double precision), immutable.
            #expect(try db.query("SELECT 1 FROM pg_proc WHERE oid = 'migstat.record_key_draw()'::regprocedure AND provolatile <> 'v'").rowCount == 1)
        }
    }
}
