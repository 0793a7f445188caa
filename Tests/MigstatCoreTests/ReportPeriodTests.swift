import Testing
import MigstatCore

@Suite struct ReportPeriodTests {
    @Test(arguments: [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024-Q1", "2024-01-01", "2024-03-31"),
        ("2024-q4", "2024-10-01", "2024-12-31"),
        ("2023-Q2", "2023-04-01", "2023-06-30"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2023-02", "2023-02-01", "2023-02-28"),
        ("1900-02", "1900-02-01", "1900-02-28"),
        ("2000-02", "2000-02-01", "2000-02-29"),
        ("2024-12", "2024-12-01", "2024-12-31"),
        ("2024-01..2024-06", "2024-01-01", "2024-06-30"),
        ("2023..2024-Q1", "2023-01-01", "2024-03-31"),
        ("2024-Q1..2024-Q1", "2024-01-01", "2024-03-31"),
        ("2024-02-29", "2024-02-29", "2024-02-29"),
        ("2024-01-15..2024-02", "2024-01-15", "2024-02-29"),
        (" 2024 ", "2024-01-01", "2024-12-31"),
    ])
    func validPeriodsGiveInclusiveDateRanges(text: String, from: String, to: String) throws {
        let period = try #require(ReportPeriod(text))
        #expect(period.from == from)
        #expect(period.to == to)
    }

    @Test(arguments: [
        "", "24", "02024", "2024-", "2024-1", "2024-13", "2024-00", "2024-Q0", "2024-Q5", "2024-Q", "2024-Q12",
        "2024-W01", "2023-02-29", "2024-04-31", "2024-01-1", "1899", "abcd", "2024..", "..2024", "2024..2025..2026",
        "2024-06..2024-01", "2025..2024", "2024-02-30", "2024-+1", "٢٠٢٤",
    ])
    func invalidPeriodsAreRefused(text: String) {
        #expect(ReportPeriod(text) == nil)
    }

    @Test func leapYears() {
        #expect(ReportPeriod.isLeapYear(2024) && ReportPeriod.isLeapYear(2000))
        #expect(!ReportPeriod.isLeapYear(1900) && !ReportPeriod.isLeapYear(2023) && !ReportPeriod.isLeapYear(2100))
        #expect(ReportPeriod.daysIn(month: 2, year: 2100) == 28)
    }
}
