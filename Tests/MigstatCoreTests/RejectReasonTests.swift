import Testing
import MigstatCore

/// `migstat.check_batch` answers with machine codes, mapped without reading any text.
@Suite struct RejectReasonTests {
    @Test func databaseCodesMapToReasons() {
        #expect(RejectReason(databaseReason: "duplicate_in_batch") == .duplicateInBatch)
        #expect(RejectReason(databaseReason: "already_stored") == .alreadyStored)
        #expect(RejectReason(databaseReason: "something_new") == .rejectedByDatabase)
        #expect(RejectReason(databaseReason: "") == .rejectedByDatabase)
    }

    @Test func theRejectsFileKeepsItsWording() {
        #expect(RejectReason.duplicateInBatch.text == "duplicate record_id within the batch")
        #expect(RejectReason.alreadyStored.text == "record_id already stored for this source")
    }
}
