/// Readable names of report dimensions and built-in labels of the codes that are not in `migstat.code`:
/// totals, not stated, age bands and periods.
package enum ReportLabels {
    /// The code of a total over a dimension.
    package static let total = "_T"
    /// The code of "not stated".
    package static let notStated = "_Z"
    /// The code of an occupation coded at a coarser level than the report's.
    package static let notClassifiable = "_X"

    /// Every report dimension, in `migstat.report`'s order.
    package static let dimensions = DimensionCatalog.reportNames

    /// Dimensions whose reports use the special-category threshold.
    package static let specialCategory: Set<String> = DimensionCatalog.specialCategoryNames

    /// `migration_status` → `Migration status`; unknown names are shown with `_` as spaces.
    package static func dimensionName(_ dimension: String) -> String {
        DimensionCatalog.named(dimension)?.label
            ?? String(dimension.prefix(1).uppercased() + dimension.dropFirst()).replacing("_", with: " ")
    }

    /// A dimension's name within a sentence: `age group`, `occupation (ISCO-08)`.
    package static func dimensionPhrase(_ dimension: String) -> String {
        let name = dimensionName(dimension)
        return name.prefix(1).lowercased() + name.dropFirst()
    }

    /// The dimension's id in SDMX-CSV: its name in upper case, `TIME_PERIOD` for the period.
    package static func sdmxID(_ dimension: String) -> String {
        DimensionCatalog.named(dimension)?.sdmxID ?? dimension.uppercased()
    }

    /// A code as SDMX-CSV writes it: the age dimension's bands as SDMX CL_AGE codes (`sdmxAgeCode`), every
    /// other dimension's codes unchanged. Only for SDMX output; the other formats show the codes as reported.
    package static func sdmxCode(dimension: String, code: String) -> String {
        dimension == "age" ? sdmxAgeCode(code) : code
    }

    /// An age band label as an SDMX CL_AGE code: `Y5-9` / `5-9` → `Y5T9`, `0-5` → `Y0T5`, `14` → `Y14`,
    /// `65+` → `Y_GE65` (a one-year range `5-5` → `Y5`; spaces around `-` and before `+`, which the database
    /// accepts in `--age-bands`, are ignored). `Y_LT5`, `Y_GE85`, `_T`, `_U`, `_Z` and anything not recognised
    /// are returned unchanged, so the function is idempotent.
    package static func sdmxAgeCode(_ code: String) -> String {
        func number(_ text: Substring) -> Int? {
            var digits = text
            while let first = digits.first, first == " " || first == "\t" { digits.removeFirst() }
            while let last = digits.last, last == " " || last == "\t" { digits.removeLast() }
            return !digits.isEmpty && digits.allSatisfy(\.isASCIIDigit) ? Int(digits) : nil
        }
        var body = Substring(code)
        if body.hasPrefix("Y"), body.dropFirst().first?.isASCIIDigit == true { body = body.dropFirst() }
        if body.hasSuffix("+") {
            if let n = number(body.dropLast()) { return "Y_GE\(n)" }
            return code
        }
        let range = body.split(separator: "-", omittingEmptySubsequences: false)
        if range.count == 2, let lo = number(range[0]), let hi = number(range[1]), lo <= hi {
            return lo == hi ? "Y\(lo)" : "Y\(lo)T\(hi)"
        }
        if range.count == 1, let n = number(body) { return "Y\(n)" }
        return code
    }

    /// The code list in `migstat.code` that holds a dimension's codes (`nationality` uses `country`);
    /// `nil` for dimensions whose codes are not in it (age, period, source, purpose).
    package static func codeList(_ dimension: String) -> String? {
        DimensionCatalog.named(dimension)?.codeList
    }

    /// A label that does not come from `migstat.code`: `_T` Total, `_Z` Not stated, `_X`, age bands
    /// (`Y_LT5` Under 5, `Y15-19` 15–19, `Y_GE85` 85 and over, `65+` 65 and over) and periods (`2024-Q1`
    /// 2024 Q1, `2024-02` Feb 2024). `nil` when there is none.
    package static func builtIn(dimension: String, code: String) -> String? {
        switch code {
        case total: return "Total"
        case notStated: return "Not stated"
        case notClassifiable: return "Not classifiable at this level"
        default: break
        }
        switch dimension {
        case "age": return ageLabel(code)
        case "period": return periodLabel(code)
        default: return nil
        }
    }

    /// `Y_LT5` → `Under 5`, `Y5-9` / `5-9` → `5–9`, `Y_GE85` / `85+` → `85 and over`, `14` → `14`.
    package static func ageLabel(_ code: String) -> String? {
        func number(_ text: Substring) -> Int? { text.allSatisfy(\.isASCIIDigit) ? Int(text) : nil }
        var body = Substring(code)
        if body.hasPrefix("Y_LT"), let n = number(body.dropFirst(4)) { return "Under \(n)" }
        if body.hasPrefix("Y_GE"), let n = number(body.dropFirst(4)) { return "\(n) and over" }
        if body.hasPrefix("Y") { body = body.dropFirst() }
        if body.hasSuffix("+"), let n = number(body.dropLast()) { return "\(n) and over" }
        let range = body.split(separator: "-", omittingEmptySubsequences: false)
        if range.count == 2, let lo = number(range[0]), let hi = number(range[1]) { return "\(lo)\u{2013}\(hi)" }
        if range.count == 1, let n = number(body) { return "\(n)" }
        return nil
    }

    /// `2024` → `2024`, `2024-Q1` → `2024 Q1`, `2024-02` → `Feb 2024`.
    package static func periodLabel(_ code: String) -> String? {
        let parts = code.split(separator: "-")
        guard let year = parts.first, year.count == 4, year.allSatisfy(\.isASCIIDigit) else { return nil }
        if parts.count == 1 { return String(year) }
        guard parts.count == 2 else { return nil }
        if parts[1].first == "Q" { return "\(year) \(parts[1])" }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        return "\(months[month - 1]) \(year)"
    }
}

/// The language of a report's words (`--lang`): English, Russian or Kyrgyz. Codes never change; labels of codes
/// come from `migstat.code_label` (shipped translations, `Schemas/codes/labels/`), the words of the report
/// itself (headings, legends, column headers, age words, months) from `ReportLabels.text(_:_:)`.
package enum ReportLanguage: String, Sendable, CaseIterable {
    case en, ru, ky

    /// The BCP 47 tag for HTML's `lang` attribute.
    package var tag: String { rawValue }
}

extension ReportLabels {
    /// A report word or sentence in `language`: `english` itself for English or when no translation exists
    /// (the English text is the key, as in gettext). The clean API other renderers (SDMX names) may call.
    package static func text(_ english: String, _ language: ReportLanguage) -> String {
        switch language {
        case .en: english
        case .ru: ReportTranslations.ru[english] ?? english
        case .ky: ReportTranslations.ky[english] ?? english
        }
    }

    /// A count with its thousands grouped as the language writes them: `1,206` in English, `1 206` (narrow
    /// no-break space) in Russian and Kyrgyz, where a comma is the decimal separator.
    package static func grouped(_ value: Int, _ language: ReportLanguage) -> String {
        let english = ReportEscape.grouped(value)
        return language == .en ? english : english.replacing(",", with: "\u{202F}")
    }

    /// A dimension's name in `language` (`Sex`, `Пол`, `Жынысы`).
    package static func dimensionName(_ dimension: String, _ language: ReportLanguage) -> String {
        text(dimensionName(dimension), language)
    }

    /// A dimension's name within a sentence, in `language`.
    package static func dimensionPhrase(_ dimension: String, _ language: ReportLanguage) -> String {
        let name = dimensionName(dimension, language)
        return name.prefix(1).lowercased() + name.dropFirst()
    }

    /// `builtIn(dimension:code:)` in `language`: Total, Not stated, age words and months translated.
    package static func builtIn(dimension: String, code: String, _ language: ReportLanguage) -> String? {
        guard language != .en else { return builtIn(dimension: dimension, code: code) }
        switch code {
        case total, notStated, notClassifiable:
            return builtIn(dimension: dimension, code: code).map { text($0, language) }
        default: break
        }
        switch dimension {
        case "age":
            guard let english = ageLabel(code) else { return nil }
            if english.hasPrefix("Under ") {
                let n = english.dropFirst(6)
                return language == .ru ? "Моложе \(n)" : "\(n) жашка чейин"
            }
            if english.hasSuffix(" and over") {
                let n = english.dropLast(9)
                return language == .ru ? "\(n) и старше" : "\(n) жана андан улуу"
            }
            return english
        case "period":
            let parts = code.split(separator: "-")
            guard periodLabel(code) != nil else { return nil }
            if parts.count == 1 { return String(parts[0]) }
            if parts[1].first == "Q", let q = Int(parts[1].dropFirst()), (1...4).contains(q) {
                let roman = ["I", "II", "III", "IV"][q - 1]
                return language == .ru ? "\(parts[0]), \(roman) кв." : "\(parts[0]), \(roman) чейрек"
            }
            guard let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            let names = language == .ru ? ReportTranslations.monthsRU : ReportTranslations.monthsKY
            return language == .ru ? "\(names[month - 1]) \(parts[0])" : "\(parts[0])-ж. \(names[month - 1])"
        default:
            return nil
        }
    }
}
