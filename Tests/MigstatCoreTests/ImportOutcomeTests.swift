import Foundation
import Testing
import MigstatCore

@Suite struct ImportOutcomeTests {
    /// The outcome is an enum; its text (summary and `--json`) is what it always was.
    @Test func outcomesKeepTheirText() throws {
        #expect(ImportOutcome.committed.description == "committed")
        #expect(ImportOutcome.rolledBack.description == "rolled back")
        #expect(ImportOutcome.dryRun.description == "dry run")
        let encoded = try JSONEncoder().encode([ImportOutcome.rolledBack])
        #expect(String(decoding: encoded, as: UTF8.self) == "[\"rolled back\"]")
    }
}
