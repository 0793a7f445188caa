/// A date layout written as a strptime pattern (Frictionless `format` of a `date` field): `%d`
/// day (1 or 2 digits), `%m` month (1 or 2 digits), `%Y` year (4 digits), `%%` a percent sign, any
/// other character itself. `default` is ISO 8601 `%Y-%m-%d`. Parsing works on bytes, without allocation.
package struct DateFormat: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case day, month, year
        case literal(UInt8)
    }

    /// Why a pattern cannot be used.
    package struct PatternError: Error {
        package var message: String
    }

    /// The pattern as written in the profile.
    package let pattern: String
    let tokens: [Token]
    /// `default` (YYYY-MM-DD): parsed by the canonical parser.
    package let isISO: Bool

    package var description: String { pattern }

    package init(_ pattern: String) throws(PatternError) {
        self.pattern = pattern
        let effective = pattern == "default" ? "%Y-%m-%d" : pattern
        var tokens: [Token] = []
        var bytes = Array(effective.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                tokens.append(.literal(byte))
                continue
            }
            switch bytes.popFirst() {
            case UInt8(ascii: "d"): tokens.append(.day)
            case UInt8(ascii: "m"): tokens.append(.month)
            case UInt8(ascii: "Y"): tokens.append(.year)
            case UInt8(ascii: "%"): tokens.append(.literal(UInt8(ascii: "%")))
            case UInt8(ascii: "y"):
                throw PatternError(message: "%y (a two-digit year) is ambiguous for birth and event dates; the file must give four-digit years (%Y)")
            case let other:
                let name = other.map { "%" + String(decoding: [$0], as: UTF8.self) } ?? "%"
                throw PatternError(message: "\(name) is not supported in a date format: use %d, %m, %Y and literal characters (e.g. \"%d.%m.%Y\")")
            }
        }
        for needed in [Token.day, .month, .year] where tokens.filter({ $0 == needed }).count != 1 {
            throw PatternError(message: "a date format needs %d, %m and %Y once each (e.g. \"%d.%m.%Y\" or \"%m/%d/%Y\"); \"any\" is not supported")
        }
        self.tokens = tokens
        self.isISO = effective == "%Y-%m-%d"
    }

    /// Parses `bytes` into year*10000+month*100+day when it matches the pattern and is a real date.
    package func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if isISO { return parseDate(bytes) }
        var i = 0
        let n = bytes.count
        var year = 0, month = 0, day = 0
        @inline(__always) func digits(max: Int, exactly: Bool) -> Int? {
            var value = 0
            var count = 0
            while count < max, i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                value = value * 10 + Int(bytes[i] &- 0x30)
                i += 1
                count += 1
            }
            return count == 0 || (exactly && count != max) ? nil : value
        }
        for token in tokens {
            switch token {
            case .day: guard let v = digits(max: 2, exactly: false) else { return nil }; day = v
            case .month: guard let v = digits(max: 2, exactly: false) else { return nil }; month = v
            case .year: guard let v = digits(max: 4, exactly: true) else { return nil }; year = v
            case .literal(let byte): guard i < n, bytes[i] == byte else { return nil }; i += 1
            }
        }
        guard i == n, isRealDate(year: year, month: month, day: day) else { return nil }
        return year * 10000 + month * 100 + day
    }
}

/// Whether year-month-day is a date of the proleptic Gregorian calendar.
package func isRealDate(year: Int, month: Int, day: Int) -> Bool {
    guard month >= 1, month <= 12, day >= 1 else { return false }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let length: Int
    switch month {
    case 2: length = leap ? 29 : 28
    case 4, 6, 9, 11: length = 30
    default: length = 31
    }
    return day <= length
}
