/// A reporting period typed by a statistician, as an inclusive range of dates.
///
/// Accepted forms: a year `2024`, a quarter `2024-Q1` (or `2024-q1`), a month `2024-02`, a day `2024-02-29`,
/// or `FROM..TO` of any two of those (`2024-01..2024-06`, `2023..2024-Q2`): the range runs from the first
/// day of FROM to the last day of TO. Years are 1900-9999; FROM must not end up after TO.
package struct ReportPeriod: Sendable, Hashable, CustomStringConvertible {
    /// The period as typed (trimmed).
    package let text: String
    /// The first day, `YYYY-MM-DD`.
    package let from: String
    /// The last day (inclusive), `YYYY-MM-DD`.
    package let to: String

    /// Parses a period; `nil` when `text` is not one of the accepted forms or its range is empty.
    /// - Parameter text: e.g. `2024`, `2024-Q1`, `2024-02`, `2024-01..2024-06`.
    package init?(_ text: String) {
        let trimmed = text.trimmingSpaces()
        let parts = trimmed.splitting(on: "..")
        guard parts.count == 1 || parts.count == 2,
            let first = Self.bounds(parts[0]),
            let last = Self.bounds(parts[parts.count - 1]),
            first.from <= last.to
        else { return nil }
        self.text = trimmed
        from = first.from
        to = last.to
    }

    /// The period as typed.
    package var description: String { text }

    /// Whether `year` is a leap year in the Gregorian calendar.
    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` (1-12) in `year`.
    package static func daysIn(month: Int, year: Int) -> Int {
        [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// First and last day of one period term (year, quarter, month or day); `nil` if malformed.
    private static func bounds(_ text: String) -> (from: String, to: String)? {
        let p = text.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard p[0].count == 4, p[0].allSatisfy(\.isASCIIDigit), let year = Int(p[0]), (1900...9999).contains(year)
        else { return nil }
        switch p.count {
        case 1:
            return ("\(year)-01-01", "\(year)-12-31")
        case 2 where p[1].count == 2 && (p[1].first == "Q" || p[1].first == "q"):
            guard let quarter = Int(p[1].dropFirst()), (1...4).contains(quarter) else { return nil }
            let first = (quarter - 1) * 3 + 1
            return (date(year, first, 1), date(year, first + 2, daysIn(month: first + 2, year: year)))
        case 2:
            guard let month = twoDigits(p[1]), (1...12).contains(month) else { return nil }
            return (date(year, month, 1), date(year, month, daysIn(month: month, year: year)))
        case 3:
            guard let month = twoDigits(p[1]), (1...12).contains(month), let day = twoDigits(p[2]),
                (1...daysIn(month: month, year: year)).contains(day)
            else { return nil }
            return (date(year, month, day), date(year, month, day))
        default:
            return nil
        }
    }

    private static func twoDigits(_ text: String) -> Int? {
        text.count == 2 && text.allSatisfy(\.isASCIIDigit) ? Int(text) : nil
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}

extension Character {
    /// `0`-`9` only (not other Unicode digits).
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

extension String {
    /// The parts between occurrences of `separator` (empty parts kept), without Foundation.
    func splitting(on separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            result.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}
