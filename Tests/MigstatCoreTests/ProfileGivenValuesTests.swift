import Testing
@testable import MigstatCore

/// The import hands the encoder a profile's dates, derived ages and translated codes as numbers and ids
/// (`ProfileTranslator(givesValues: true)`, `RecordEncoder.GivenValues`) instead of canonical text. These tests
/// run every row both ways, text and given values, and require the same COPY tuple or the same rejects; and the
/// translator's shortcuts (remembered raw spellings of x-codes, `DD.MM.YYYY` read at once) against the general
/// paths they stand in for.
@Suite struct ProfileGivenValuesTests {
    static let codes = RecordEncoderTests.codes

    static let profile = """
        name: given-values
        dialect: {delimiter: ";"}
        schema:
          fieldsMatch: exact
          fields:
            - {name: record_id, x-source: Nr}
            - {name: person_id, x-source: Pass}
            - {name: event_date, type: date, format: "%d.%m.%Y", x-source: Datum}
            - {name: direction, x-source: Richtung, x-codes: {Въезд: IN, Выезд: OUT}}
            - {name: sex, x-source: Пол, missingValues: ["-"], x-codes: {Ж: F, М: M, Н: "_U", X: ""}}
            - {name: birth_date, type: date, format: "%d/%m/%Y", x-source: Geboren}
            - {name: nationality, x-source: Staat, x-codes: {KG: KGZ, UZ: UZB, KYRGYZSTAN-REPUBLIC-LONG: KGZ}}
            - {name: occupation, x-source: Beruf, x-codes: {Reinigung: "9313", Hilfe: "93"}}
            - {name: migration_status, x-source: Status}
        """
    static let header = "Nr;Pass;Datum;Richtung;Пол;Geboren;Staat;Beruf;Status"

    /// Each row through the translator and the encoder, once as text and once with given values.
    func bothWays(_ rows: [String]) throws -> [(text: EncodeResult, given: EncodeResult)] {
        let profile = try MappingProfile.parse(Self.profile)
        let reader = CSVReader(bytes: Array((Self.header + "\n" + rows.joined(separator: "\n") + "\n").utf8),
                               delimiter: UInt8(ascii: ";"))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        let header = record.strings
        let textual = try ProfileTranslator(profile: profile, header: header, codes: Self.codes, givesValues: false)
        let giving = try ProfileTranslator(profile: profile, header: header, codes: Self.codes, givesValues: true)
        #expect(textual.layout.fieldCount == giving.layout.fieldCount)
        var results: [(text: EncodeResult, given: EncodeResult)] = []
        while try reader.next(into: &record) {
            results.append((run(textual, record, given: false), run(giving, record, given: true)))
        }
        return results
    }

    struct EncodeResult: Equatable {
        var tuple: [UInt8]?
        var rejects: [String]
        var given: UInt32
    }

    func run(_ translator: ProfileTranslator, _ record: CSVRecord, given: Bool) -> EncodeResult {
        var encoder = RecordEncoder(layout: translator.layout, codes: Self.codes,
                                    pseudonymizer: Pseudonymizer(key: Array(repeating: 7, count: 32)), today: 2025_06_30)
        var canonical = CSVRecord()
        var rejects: [Reject] = []
        let translated = translator.translate(record, into: &canonical, rejects: &rejects)
        var encoderRejects: [Reject] = []
        let values = given ? translator.givenValues : .none
        let encoded = encoder.encode(canonical, given: values, rejects: &encoderRejects)
        rejects += encoderRejects.filter { !translator.translationFailed($0.column) }
        return EncodeResult(tuple: translated && encoded ? encoder.line : nil,
                            rejects: rejects.map { "\($0.line) \($0.column?.rawValue ?? "-") \($0.reason)" }.sorted(),
                            given: values.mask)
    }

    @Test func givenValuesEncodeExactlyAsText() throws {
        let rows = [
            "R1;P1;29.02.2024;Въезд;Ж;01/03/1990;KG;Reinigung;REG",      // leap day, age 33 (birthday after)
            "R2;P2;01.03.2024;выезд;м;01/03/1990;uz;Hilfe;IRR",          // lower case spellings, age 34 exactly
            "R3;P3;1.3.2024;ВЪЕЗД;н;1/3/1990;KYRGYZSTAN-REPUBLIC-LONG;;REG",  // short day and month, lower-case Cyrillic
            "R4;P4;29.02.2023;Въезд;Ж;01/03/1990;KG;;REG",              // not a real date
            "R5;P5;31.04.2024;Въезд;Ж;01/03/1990;KG;;REG",              // April has 30 days
            "R6;P6;01.07.2025;Въезд;Ж;01/03/1990;KG;;REG",              // after today
            "R7;P7;01.01.1899;Въезд;Ж;01/03/1850;KG;;REG",              // too early
            "R8;P8;01.05.2024;Въезд;Ж;01/06/2024;KG;;REG",              // born after the event
            "R9;P9;01.05.2024;Въезд;Ж;01/06/1800;KG;;REG",              // age 223: out of range
            "R10;P10;01.05.2024;Обратно;Q;01/06/1990;ZZ;Unbekannt;REG", // nothing translates
            "R11;P11;01.05.2024;Въезд;X;;KG;;REG",                      // sex maps to "" (not stated): required
            "R12;P12;2024-05-01;Въезд;Н;;KG;;REG",                      // ISO date where DD.MM.YYYY is expected
            "R13;P13;01-05-2024;Въезд;Н;;KG;;REG",                      // other separators
            "R14;P14; 01.05.2024 ;Въезд ; Ж;;KG;;REG",                  // surrounding spaces
            "R15;P15;01.05.2024;Въезд;Ж;;KG;;XYZ",                      // a copied code not in the list
            "R16;P16;;Въезд;Ж;;KG;;REG",                                // no event date
            "R17;P17;01.05.2024;Въезд;-;;KG;;REG",                      // sex "not stated" (missingValues): required
        ]
        let results = try bothWays(rows)
        #expect(results.count == rows.count)
        for (i, result) in results.enumerated() {
            #expect(result.text.tuple == result.given.tuple, "row \(i + 1): the tuples differ")
            #expect(result.text.rejects == result.given.rejects, "row \(i + 1): the rejects differ")
            #expect(result.text.given == 0)
        }
        // The valid rows were encoded, and with values given (event date, direction, sex, age, nationality,
        // occupation): the comparison above is not between two text paths.
        for i in [0, 1] {
            #expect(results[i].given.tuple != nil)
            for column in [CanonicalColumn.eventDate, .direction, .sex, .age, .nationality, .occupation] {
                #expect(results[i].given.given & (1 << UInt32(column.ordinal)) != 0, "row \(i + 1): \(column) not given")
            }
        }
        #expect(results[2].given.tuple != nil)
        #expect(results[3].given.rejects == ["5 event_date dateNotInProfileFormat"])
        #expect(results[5].given.rejects == ["7 event_date futureDate"])
        #expect(results[8].given.rejects == ["10 age ageOutOfRange"])
        #expect(results[9].given.rejects.count == 4)
        #expect(results[10].given.rejects == ["12 sex missingRequired"])
        #expect(results[14].given.rejects == ["16 migration_status notInCodeList"])
        #expect(results[15].given.rejects == ["17 event_date missingRequired"])
        #expect(results[16].given.rejects == ["18 sex missingRequired"])
    }

    @Test func rememberedSpellingsAnswerAsTheFoldedTable() {
        let map = CodeMap([("Въезд", "IN"), ("Выезд", "OUT"), ("ж", "F"), ("a-much-longer-code-than-16", "X"), ("ab", "Y")])
        func id(_ text: String) -> String? {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { b in
                map.table.lookup(b.baseAddress!, b.count).map { String(decoding: map.value($0), as: UTF8.self) }
            }
        }
        // Twice each: the first answer is folded and hashed, the second comes from the remembered spelling.
        for _ in 0..<2 {
            #expect(id("Въезд") == "IN")
            #expect(id("въезд") == "IN")
            #expect(id("ВЪЕЗД") == "IN")
            #expect(id("Выезд") == "OUT")
            #expect(id("Ж") == "F")
            #expect(id("ж") == "F")
            #expect(id("AB") == "Y")
            #expect(id("aB") == "Y")
            #expect(id("abc") == nil)
            #expect(id("a") == nil)
            #expect(id("A-MUCH-LONGER-CODE-THAN-16") == "X")
            #expect(id("Въезд2") == nil)
        }
        // More spellings than are remembered: still answered by the table.
        var spellings: [String] = []
        for a in ["a", "A"] { for b in ["b", "B"] { spellings.append(a + b) } }
        for _ in 0..<3 {
            for s in spellings { #expect(id(s) == "Y") }
            for n in 0..<20 { #expect(id("zz\(n)") == nil) }
        }
    }

    @Test func dayMonthYearAtOnceAgreesWithTheTokenParser() throws {
        let format = try DateFormat("%d.%m.%Y")
        let profile = try MappingProfile.parse("""
            name: dates
            schema:
              fields:
                - {name: record_id}
                - {name: event_date, type: date, format: "%d.%m.%Y"}
                - {name: direction, x-source: {constant: IN}}
                - {name: sex, x-source: {constant: F}}
                - {name: nationality, x-source: {constant: KGZ}}
                - {name: migration_status, x-source: {constant: REG}}
            """)
        let translator = try ProfileTranslator(profile: profile, header: ["record_id", "event_date"], codes: Self.codes,
                                               givesValues: true)
        var samples: [String] = []
        for (d, m) in [("01", "01"), ("29", "02"), ("30", "02"), ("31", "04"), ("31", "12"), ("00", "05"), ("15", "13"),
                       ("1", "05"), ("01", "5"), ("ab", "05")] {
            for y in ["2024", "2023", "2000", "1900", "0999"] { samples.append("\(d).\(m).\(y)") }
        }
        samples += ["01,05.2024", "01.05,2024", "01.05.20245", "01.05.202"]
        for sample in samples {
            let bytes = Array(sample.utf8)
            // The token parser, without the shortcut for DD.MM.YYYY, is the reference.
            let expected = bytes.withUnsafeBufferPointer { b in
                format.compiled.withUnsafeBufferPointer { DateFormat.parseTokens(b.baseAddress!, b.count, tokens: $0.baseAddress!, count: $0.count) }
            }
            #expect(bytes.withUnsafeBufferPointer { format.parse($0) } == expected, "\(sample): DateFormat.parse")
            let reader = CSVReader(bytes: Array("record_id,event_date\nR1,\"\(sample)\"\n".utf8))
            var record = CSVRecord()
            _ = try reader.next(into: &record)
            #expect(try reader.next(into: &record))
            var canonical = CSVRecord()
            var rejects: [Reject] = []
            _ = translator.translate(record, into: &canonical, rejects: &rejects)
            let given = translator.givenValues.value(.eventDate).map(Int.init)
            #expect(given == expected, "\(sample)")
            #expect(rejects.isEmpty == (expected != nil), "\(sample)")
        }
    }
}
