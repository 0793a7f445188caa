import Foundation
import Testing
import MigstatCore
import MigstatPQ

/// Reading estimates files and the JSON sent to migstat.estimates_import (no database).
@Suite struct ReportEstimatesFileTests {
    static let header =
        "period_from,period_to,migration_status,sex,value,lower_bound,upper_bound,method,source_reference"

    func read(_ rows: String, header: String = ReportEstimatesFileTests.header) throws -> EstimatesFile {
        try EstimatesFile(bytes: Array((header + "\n" + rows).utf8), path: "est.csv")
    }

    /// The error thrown for `rows`, which must be a MigstatError.
    func error(_ rows: String, header: String = ReportEstimatesFileTests.header) throws -> MigstatError {
        do {
            _ = try read(rows, header: header)
        } catch let error as MigstatError {
            return error
        }
        Issue.record("no error")
        throw MigstatError(.invalidArgument, "no error")
    }

    @Test func theSampleFileIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleData/estimates-2024.csv").path
        let file = try EstimatesFile(path: path)
        #expect(file.rows.count == 3)
        #expect(file.dimensionColumns == ["migration_status", "sex"])
        #expect(file.rows[0].dims == ["migration_status": "IRR"])
        #expect(file.rows[1].dims == ["migration_status": "IRR", "sex": "M"])
        #expect(file.rows.allSatisfy { $0.method == "capture-recapture study (synthetic)" })
    }

    @Test func rowsBecomeTheJSONTheDatabaseExpects() throws {
        let file = try read("""
            2024-01-01,2024-12-31,IRR,F,1200.5,800,1900,"survey, weighted","Study ""A"", table 2"
            2024-01-01,2024-06-30,IRR,,5000,,,capture-recapture,

            """)
        #expect(file.rows.map(\.line) == [2, 3])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(file.json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(Set(parsed[0].keys) == ["period_from", "period_to", "dims", "value", "lower_bound", "upper_bound",
                                        "method", "source_reference"])
        #expect(parsed[0]["dims"] as? [String: String] == ["migration_status": "IRR", "sex": "F"])
        #expect((parsed[0]["value"] as? NSNumber)?.doubleValue == 1200.5)
        #expect((parsed[0]["lower_bound"] as? NSNumber)?.intValue == 800)
        #expect(parsed[0]["method"] as? String == "survey, weighted")
        #expect(parsed[0]["source_reference"] as? String == "Study \"A\", table 2")
        #expect(parsed[1]["dims"] as? [String: String] == ["migration_status": "IRR"])
        #expect(parsed[1]["lower_bound"] is NSNull && parsed[1]["source_reference"] is NSNull)
        #expect(parsed[1]["period_to"] as? String == "2024-06-30")
    }

    @Test func optionalColumnsMayBeLeftOut() throws {
        let file = try read("2024-01-01,2024-12-31,900,study\n", header: "period_from,period_to,value,method")
        #expect(file.rows[0].dims.isEmpty && file.rows[0].lowerBound == nil && file.rows[0].sourceReference == nil)
    }

    @Test(arguments: [
        // (header or nil, row, line, column)
        (nil, "2024-13-01,2024-12-31,IRR,F,1,,,m,", 2, "period_from"),
        (nil, "2024-01-01,2024,IRR,F,1,,,m,", 2, "period_to"),
        (nil, "2024-06-01,2024-01-31,IRR,F,1,,,m,", 2, "period_to"),
        (nil, "2024-01-01,2024-12-31,IRR,F,12x4,,,m,", 2, "value"),
        (nil, "2024-01-01,2024-12-31,IRR,F,,,,m,", 2, "value"),
        (nil, "2024-01-01,2024-12-31,IRR,F,-3,,,m,", 2, "value"),
        (nil, "2024-01-01,2024-12-31,IRR,F,100,101,,m,", 2, "lower_bound"),
        (nil, "2024-01-01,2024-12-31,IRR,F,100,,99.5,m,", 2, "upper_bound"),
        (nil, "2024-01-01,2024-12-31,IRR,F,100,,,  ,", 2, "method"),
        ("period_from,period_to,value,method,colour", "2024-01-01,2024-12-31,1,m,crimson", 1, "colour"),
        ("period_from,period_to,value", "2024-01-01,2024-12-31,1", 1, "method"),
        ("period_from,period_to,value,method,sex,sex", "2024-01-01,2024-12-31,1,m,F,M", 1, "sex"),
    ] as [(String?, String, Int, String)])
    func errorsNameTheLineAndColumnButNeverTheValue(header: String?, row: String, line: Int, column: String) throws {
        let failure = try error("2024-01-01,2024-12-31,IRR,M,5,,,m,\n" + row + "\n",
                              header: header ?? Self.header)
        #expect(failure.file == "est.csv")
        #expect(failure.line == (line == 1 ? 1 : 3))
        #expect(failure.column == column)
        for value in ["12x4", "2024-13-01", "99.5", "crimson", "-3"] { #expect(!failure.description.contains(value)) }
    }

    @Test func aRowWithTheWrongFieldCountIsRefused() throws {
        let failure = try error("2024-01-01,2024-12-31,IRR\n")
        #expect(failure.line == 2 && failure.code == .rowsRejected)
        let empty = try error("")
        #expect(empty.message.contains("no estimates"))
    }

    @Test func databaseErrorsPointToTheFileLineAndColumn() throws {
        let file = try read("""
            2024-01-01,2024-12-31,IRR,F,1,,,m,
            2024-01-01,2024-12-31,IRR,"X
            Y",1,,,m,

            """)
        // The row (1-based index into the JSON array) is in DETAIL, the field in COLUMN; the message is
        // the database's own, never parsed.
        let error = file.located(PQError(code: .queryFailed, message: "not a code of the list", sqlState: "22023",
                                          detail: "row=2", column: "dims.sex"))
        #expect(error.line == 3 && error.column == "sex" && error.message == "not a code of the list")
        #expect(error.code == .rowsRejected && error.underlying?.sqlState == "22023")
        #expect(error.description == "est.csv:3: column \"sex\": not a code of the list")
        let field = file.located(PQError(code: .queryFailed, message: "not a valid date", sqlState: "22023",
                                          detail: "row=1", column: "period_to"))
        #expect(field.line == 2 && field.column == "period_to")
        // The function's message repeats the location for psql users; the CLI says it once.
        let full = file.located(PQError(code: .queryFailed,
                                         message: "estimates row 2: field dims.sex: not a code of the list",
                                         sqlState: "22023", detail: "row=2", column: "dims.sex"))
        #expect(full.description == "est.csv:3: column \"sex\": not a code of the list")
        // A row error without a field names the line only.
        let row = file.located(PQError(code: .queryFailed, message: "not a JSON object", sqlState: "22023",
                                        detail: "row=1"))
        #expect(row.line == 2 && row.column == nil)
        // The message text alone (no DETAIL) is not enough, nor a row outside the file, nor another SQLSTATE.
        let textOnly = file.located(PQError(code: .queryFailed,
                                             message: "estimates row 2: field dims.sex: not a code of the list",
                                             sqlState: "22023"))
        #expect(textOnly.line == nil && textOnly.code == .database)
        let outside = file.located(PQError(code: .queryFailed, message: "m", sqlState: "22023", detail: "row=3",
                                            column: "value"))
        #expect(outside.line == nil)
        let other = file.located(PQError(code: .queryFailed, message: "permission denied", sqlState: "42501",
                                          detail: "row=1", column: "value"))
        #expect(other.line == nil && other.underlying?.sqlState == "42501")
    }

    /// The dimension columns are the catalogue's record dimensions.
    @Test func theDimensionsAreTheCatalogues() {
        #expect(EstimatesFile.dimensions == DimensionCatalog.record.map(\.name))
    }

    @Test func decimalsCompareExactly() {
        #expect(EstimatesFile.compare("10", "9.99") == 1)
        #expect(EstimatesFile.compare("0010.50", "10.5") == 0)
        #expect(EstimatesFile.compare("3.1", "3.10001") == -1)
    }
}
