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

    /// The tokens as bytes, for the import's hot path: 0xFD a day, 0xFE a month, 0xFF a year (bytes that UTF-8
    /// never uses), any other byte itself.
    package var compiled: [UInt8] {
        tokens.map { token in
            switch token {
            case .day: 0xFD
            case .month: 0xFE
            case .year: 0xFF
            case .literal(let byte): byte
            }
        }
    }

    /// Parses `bytes` into year*10000+month*100+day when it matches the pattern and is a real date.
    package func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if isISO { return parseDate(bytes) }
        guard let p = bytes.baseAddress else { return nil }
        return compiled.withUnsafeBufferPointer { Self.parse(p, bytes.count, tokens: $0.baseAddress!, count: $0.count) }
    }

    /// Parses the `n` bytes at `p` by compiled tokens (`compiled`): `%d` and `%m` one or two digits, `%Y` four.
    /// `%d`, a separator, `%m`, a separator, `%Y` with two-digit day and month (`DD.MM.YYYY`, the common layout
    /// of an import) is read at once; anything else by the tokens (`parseTokens`), with the same result.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int, tokens: UnsafePointer<UInt8>, count: Int) -> Int? {
        if count == 5, n == 10, tokens[0] == 0xFD, tokens[2] == 0xFE, tokens[4] == 0xFF, p[2] == tokens[1], p[5] == tokens[3] {
            let d0 = p[0] &- 0x30, d1 = p[1] &- 0x30, m0 = p[3] &- 0x30, m1 = p[4] &- 0x30
            let y0 = p[6] &- 0x30, y1 = p[7] &- 0x30, y2 = p[8] &- 0x30, y3 = p[9] &- 0x30
            if d0 < 10, d1 < 10, m0 < 10, m1 < 10, y0 < 10, y1 < 10, y2 < 10, y3 < 10 {
                let day = Int(d0) &* 10 &+ Int(d1), month = Int(m0) &* 10 &+ Int(m1)
                let year = Int(y0) &* 1000 &+ Int(y1) &* 100 &+ Int(y2) &* 10 &+ Int(y3)
                return isRealDate(year: year, month: month, day: day) ? year &* 10000 &+ month &* 100 &+ day : nil
            }
        }
        return parseTokens(p, n, tokens: tokens, count: count)
    }

    /// Parses the `n` bytes at `p` token by token (`parse` without its shortcut).
    static func parseTokens(_ p: UnsafePointer<UInt8>, _ n: Int, tokens: UnsafePointer<UInt8>, count: Int) -> Int? {
        var i = 0
        var year = 0, month = 0, day = 0
        for t in 0..<count {
            let token = tokens[t]
            switch token {
            case 0xFD, 0xFE:
                guard i < n, p[i] &- 0x30 < 10 else { return nil }
                var value = Int(p[i] &- 0x30)
                i &+= 1
                if i < n, p[i] &- 0x30 < 10 {
                    value = value &* 10 &+ Int(p[i] &- 0x30)
                    i &+= 1
                }
                if token == 0xFD { day = value } else { month = value }
            case 0xFF:
                guard i &+ 4 <= n, p[i] &- 0x30 < 10, p[i &+ 1] &- 0x30 < 10, p[i &+ 2] &- 0x30 < 10, p[i &+ 3] &- 0x30 < 10
                else { return nil }
                year = Int(p[i] &- 0x30) &* 1000 &+ Int(p[i &+ 1] &- 0x30) &* 100 &+ Int(p[i &+ 2] &- 0x30) &* 10
                    &+ Int(p[i &+ 3] &- 0x30)
                i &+= 4
            default:
                guard i < n, p[i] == token else { return nil }
                i &+= 1
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
