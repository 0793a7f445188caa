import Testing
@testable import MigstatCore

@Suite struct DuplicateCandidatesTests {
    private func insert(_ filter: DuplicateCandidates, _ id: String) {
        var id = id
        id.withUTF8 { filter.insert(UnsafeRawBufferPointer($0)) }
    }

    @Test func everyRepeatedRecordIDIsACandidateAndFewOthersAre() {
        let filter = DuplicateCandidates()
        var repeated: Set<String> = []
        for i in 0..<200_000 {
            insert(filter, "R\(i)")
            if i % 9973 == 0 {
                insert(filter, "R\(i / 2)")   // an earlier record_id again
                repeated.insert("R\(i / 2)")
            }
        }
        let candidates = Set(filter.candidates ?? [])
        #expect(repeated.isSubset(of: candidates), "missing: \(repeated.subtracting(candidates).sorted())")
        #expect(!repeated.isEmpty)
        // 16 MiB for 200k ids: false candidates are rare (expected well under 1 in 10,000).
        #expect(candidates.count - repeated.count < 20)
    }

    @Test func bytesNotStringsDecideEquality() {
        let filter = DuplicateCandidates()
        for id in ["a", "A", "a ", "é", "e\u{301}"] { insert(filter, id) }
        #expect(filter.candidates?.isEmpty == true)
        insert(filter, "e\u{301}")
        insert(filter, "é")
        // Both spellings, byte for byte (Swift's String == would call them equal; the database does not).
        let bytes = (filter.candidates ?? []).map { Array($0.utf8) }
        #expect(bytes.count == 2)
        #expect(bytes.contains(Array("e\u{301}".utf8)) && bytes.contains(Array("é".utf8)))
    }

    @Test func pastTheLimitTheDatabaseComparesEverything() {
        let filter = DuplicateCandidates(limit: 3)
        for i in 0..<3 { insert(filter, "X\(i)"); insert(filter, "X\(i)") }
        #expect(filter.candidates?.count == 3)
        insert(filter, "Y")
        insert(filter, "Y")
        #expect(filter.candidates == nil)
        insert(filter, "Z")
        #expect(filter.candidates == nil)
    }
}
