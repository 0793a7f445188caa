import Testing

@testable import MigstatCore

/// A deliberately simple reference parser: the whole input in memory, one byte at a time, no chunks, no in-place
/// tricks; UTF-8 checked with the standard library's decoder. It implements the same rules as `CSVReader`,
/// including the lenient finishing of a rejected record.
enum ReferenceCSV {
    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    private struct Problem {
        var offset: Int
        var kind: CSVError.Kind
        var line: Int
        var fieldIndex: Int
    }

    static func parse(_ input: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [CSVEvent] {
        var events: [CSVEvent] = []
        var i = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1

        func isLineEnd(_ at: Int) -> Bool {
            input[at] == lf || (input[at] == cr && at + 1 < input.count && input[at + 1] == lf)
        }

        while true {
            while i < input.count && isLineEnd(i) {
                i += input[i] == cr ? 2 : 1
                line += 1
            }
            if i == input.count {
                return events
            }
            let startLine = line
            var fields: [[UInt8]] = []
            var problem: Problem?
            func note(_ candidate: Problem) {
                if problem == nil || candidate.offset < problem!.offset {
                    problem = candidate
                }
            }
            // Checks one run of field bytes (with their file offsets and lines) for invalid UTF-8.
            func validate(_ run: [(byte: UInt8, offset: Int, line: Int)], fieldIndex: Int) {
                if let bad = firstInvalidUTF8Index(run.map(\.byte)) {
                    note(Problem(offset: run[bad].offset, kind: .invalidEncoding, line: run[bad].line,
                                 fieldIndex: fieldIndex))
                }
            }

            fieldsLoop: while true {
                let fieldIndex = fields.count
                var field: [UInt8] = []
                if i < input.count && input[i] == quote {
                    let openLine = line
                    var run: [(byte: UInt8, offset: Int, line: Int)] = []
                    i += 1
                    while true {
                        if i == input.count {
                            events.append(.error(.unterminatedQuote, line: openLine, fieldIndex: fieldIndex))
                            return events
                        }
                        let byte = input[i]
                        if byte == quote {
                            if i + 1 < input.count && input[i + 1] == quote {
                                run.append((quote, i, line))
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        run.append((byte, i, line))
                        if byte == lf {
                            line += 1
                        }
                        i += 1
                    }
                    validate(run, fieldIndex: fieldIndex)
                    field = run.map(\.byte)
                    if i < input.count && input[i] != delimiter && !isLineEnd(i) {
                        note(Problem(offset: i, kind: .unexpectedQuote, line: line, fieldIndex: fieldIndex))
                    }
                }
                // Unquoted bytes (or the rest of a field after a bad closing quote).
                var run: [(byte: UInt8, offset: Int, line: Int)] = []
                while i < input.count && input[i] != delimiter && !isLineEnd(i) {
                    if input[i] == quote {
                        note(Problem(offset: i, kind: .unexpectedQuote, line: line, fieldIndex: fieldIndex))
                    }
                    run.append((input[i], i, line))
                    i += 1
                }
                validate(run, fieldIndex: fieldIndex)
                field += run.map(\.byte)
                fields.append(field)
                if i == input.count {
                    break fieldsLoop
                }
                if input[i] == delimiter {
                    i += 1
                    continue fieldsLoop
                }
                i += input[i] == cr ? 2 : 1
                line += 1
                break fieldsLoop
            }
            if let problem {
                events.append(.error(problem.kind, line: problem.line, fieldIndex: problem.fieldIndex))
            } else {
                events.append(.record(line: startLine, fields: fields))
            }
        }
    }

    /// The index of the first byte that does not start a valid UTF-8 sequence, using the standard library.
    static func firstInvalidUTF8Index(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                offset += scalar.count
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }
}

/// SplitMix64: a small, deterministic generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("CSVReader fuzz")
struct CSVReaderFuzzTests {
    static let chunkSizes = [1, 2, 3, 5, 7, 16, 61, 1 << 20]

    /// Random bytes from a CSV-heavy alphabet: structure, Cyrillic, 4-byte UTF-8, and invalid bytes.
    static func noise(_ rng: inout SplitMix64, delimiter: UInt8) -> [UInt8] {
        let pieces: [[UInt8]] = [
            [UInt8(ascii: "a")], [UInt8(ascii: "b")], [UInt8(ascii: " ")], [delimiter], [delimiter],
            [UInt8(ascii: "\n")], [UInt8(ascii: "\r")], [UInt8(ascii: "\r"), UInt8(ascii: "\n")],
            [UInt8(ascii: "\"")], Array("Ж".utf8), Array("𝄞".utf8), [0xD0], [0x90], [0xFF], [0xEF, 0xBB, 0xBF],
        ]
        let weights = [12, 8, 3, 6, 6, 4, 1, 3, 2, 3, 1, 1, 1, 1, 1]
        let total = weights.reduce(0, +)
        var bytes: [UInt8] = []
        let length = Int.random(in: 0...60, using: &rng)
        for _ in 0..<length {
            var pick = Int.random(in: 0..<total, using: &rng)
            var index = 0
            while pick >= weights[index] {
                pick -= weights[index]
                index += 1
            }
            bytes += pieces[index]
        }
        return bytes
    }

    /// Mostly well-formed CSV: random quoting, embedded delimiters, quotes and line breaks, blank lines, BOM,
    /// CRLF or LF, maybe no final line end, and now and then one corrupted byte.
    static func structured(_ rng: inout SplitMix64, delimiter: UInt8) -> [UInt8] {
        let contents: [String] = ["", "x", "Ann", "Пётр", "a b", "𝄞", "\"", ",", ";", "\t", "\n", "\r\n", "\r", "é"]
        var bytes: [UInt8] = Bool.random(using: &rng) ? [0xEF, 0xBB, 0xBF] : []
        let lineEnd: [UInt8] = Bool.random(using: &rng) ? [13, 10] : [10]
        let records = Int.random(in: 0...6, using: &rng)
        for record in 0..<records {
            if Int.random(in: 0..<6, using: &rng) == 0 {
                bytes += lineEnd
            }
            let fieldCount = Int.random(in: 1...4, using: &rng)
            for field in 0..<fieldCount {
                if field > 0 {
                    bytes.append(delimiter)
                }
                var content: [UInt8] = []
                for _ in 0..<Int.random(in: 0...3, using: &rng) {
                    content += Array(contents.randomElement(using: &rng)!.utf8)
                }
                let special: Set<UInt8> = [delimiter, 34, 10, 13]
                if content.contains(where: special.contains) || Bool.random(using: &rng) {
                    bytes.append(34)
                    for byte in content {
                        bytes += byte == 34 ? [34, 34] : [byte]
                    }
                    bytes.append(34)
                } else {
                    bytes += content
                }
            }
            if record < records - 1 || Bool.random(using: &rng) {
                bytes += lineEnd
            }
        }
        if !bytes.isEmpty && Int.random(in: 0..<4, using: &rng) == 0 {
            let corruptions: [UInt8] = [34, 0xFF, 0xD0, 13, 10, delimiter, 0x80]
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = corruptions.randomElement(using: &rng)!
        }
        return bytes
    }

    func check(_ input: [UInt8], delimiter: UInt8, seed: UInt64) {
        let expected = ReferenceCSV.parse(input, delimiter: delimiter)
        for chunkSize in Self.chunkSizes {
            let actual = csvEvents(input, delimiter: delimiter, chunkSize: chunkSize)
            #expect(
                actual == expected,
                "seed \(seed), chunk \(chunkSize), input \(String(decoding: input, as: UTF8.self).debugDescription)"
            )
            if actual != expected {
                return
            }
        }
    }

    @Test func referenceParserAgreesOnKnownCases() {
        let simple = ReferenceCSV.parse(Array("a,\"b\"\"c\"\n\nd".utf8))
        #expect(simple == [.record(1, ["a", "b\"c"]), .record(3, ["d"])])
        #expect(ReferenceCSV.parse(Array("\"a\"b\nc".utf8)) == [
            .error(.unexpectedQuote, line: 1, fieldIndex: 0), .record(2, ["c"]),
        ])
        #expect(ReferenceCSV.parse(Array("x,\"a\n".utf8)) == [.error(.unterminatedQuote, line: 1, fieldIndex: 1)])
    }

    @Test(arguments: 0..<4)
    func randomNoiseMatchesReference(batch: Int) {
        var rng = SplitMix64(state: 0xC5F0_0000 + UInt64(batch))
        for iteration in 0..<500 {
            let delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")][iteration % 3]
            check(Self.noise(&rng, delimiter: delimiter), delimiter: delimiter, seed: UInt64(batch))
        }
    }

    @Test(arguments: 0..<4)
    func randomStructuredCSVMatchesReference(batch: Int) {
        var rng = SplitMix64(state: 0x5EED_0000 + UInt64(batch))
        for iteration in 0..<500 {
            let delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")][iteration % 3]
            check(Self.structured(&rng, delimiter: delimiter), delimiter: delimiter, seed: UInt64(batch))
        }
    }

    @Test(arguments: 0..<2)
    func randomWindows1251MatchesReference(batch: Int) {
        // Expected: map each byte to UTF-8 with an independent table (the Unicode text of the upper half), the
        // undefined 0x98 to 0xFF (invalid UTF-8), then parse with the reference parser.
        var utf8ForByte: [[UInt8]] = (0..<128).map { [UInt8($0)] }
        var scalars = CSVReaderEncodingTests.upperHalf.unicodeScalars.makeIterator()
        for byte in 0x80...0xFF {
            utf8ForByte.append(byte == 0x98 ? [0xFF] : Array(String(scalars.next()!).utf8))
        }
        var rng = SplitMix64(state: 0x1251_0000 + UInt64(batch))
        for _ in 0..<300 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 0...50, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4:
                    input.append(UInt8.random(in: 0x80...0xFF, using: &rng))
                case 4:
                    input.append([0x98, 0xEF, 0xBB, 0xBF].randomElement(using: &rng)!)
                default:
                    input.append(Array("ab,\n\r\" ".utf8).randomElement(using: &rng)!)
                }
            }
            let expected = ReferenceCSV.parse(input.flatMap { utf8ForByte[Int($0)] })
            for chunkSize in Self.chunkSizes {
                let actual = csvEvents(input, encoding: .windows1251, chunkSize: chunkSize)
                #expect(actual == expected, "chunk \(chunkSize), input \(input)")
                if actual != expected {
                    return
                }
            }
        }
    }

    @Test func structuredCSVWithoutCorruptionHasNoErrors() {
        var rng = SplitMix64(state: 42)
        var records = 0
        for _ in 0..<300 {
            var input = Self.structured(&rng, delimiter: UInt8(ascii: ","))
            // Regenerate until uncorrupted: the reference flags corruption, so only check error-free inputs.
            let events = ReferenceCSV.parse(input)
            if events.contains(where: { if case .error = $0 { true } else { false } }) {
                input = []
            }
            let actual = csvEvents(input, chunkSize: 3)
            #expect(!actual.contains { if case .error = $0 { true } else { false } })
            records += actual.count
        }
        #expect(records > 100)
    }
}
