import Testing
import MigstatCore

/// Extract filters as `migstat.extract` takes them (no database).
@Suite struct ExtractRequestTests {
    @Test func filtersBecomeAJSONObjectInTheOrderGiven() throws {
        var request = ExtractRequest(purpose: "p", reason: "r")
        try request.addFilter("nationality=UZB, TJK")
        try request.addFilter("age_from=18")
        try request.addFilter("event_date_to=2024-06-30")
        #expect(request.filtersJSON
            == "{\"nationality\": [\"UZB\", \"TJK\"], \"age_from\": 18, \"event_date_to\": \"2024-06-30\"}")
        #expect(throws: MigstatError.self) { try request.addFilter("sex") }
        #expect(throws: MigstatError.self) { try request.addFilter("=F") }
        #expect(ExtractRequest(purpose: "p", reason: "r").filtersJSON == "{}")
    }

    @Test func theColumnsAreTheRecordsIdentityThenTheCatalogue() {
        #expect(ExtractStore.columns.prefix(5) == ["batch_id", "line_no", "record_id", "person_pseudonym", "event_date"])
        #expect(Array(ExtractStore.columns.dropFirst(5)) == DimensionCatalog.record.map(\.name))
        let record = ExtractRecord(batchID: 3, line: 2, recordID: "R-1", personPseudonym: nil, eventDate: "2024-01-31",
                                   age: 30, codes: ["sex": "F"])
        #expect(ExtractStore.columns.map(record.value(of:)).prefix(8)
            == ["3", "2", "R-1", nil, "2024-01-31", nil, "F", "30"])
    }
}
