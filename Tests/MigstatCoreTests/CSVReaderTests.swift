import Foundation
import Testing

@testable import MigstatCore

/// What a reader produced for one call to `next(into:)`: a record, or an error.
enum CSVEvent: Equatable, CustomStringConvertible {
    case record(line: Int, fields: [[UInt8]])
    case error(CSVError.Kind, line: Int, fieldIndex: Int?)

    static func record(_ line: Int, _ fields: [String]) -> CSVEvent {
        .record(line: line, fields: fields.map { Array($0.utf8) })
    }

    var description: String {
        switch self {
        case .record(let line, let fields):
            let shown = fields.map { String(decoding: $0, as: UTF8.self).debugDescription }
            return "record(\(line), [\(shown.joined(separator: ", "))])"
        case .error(let kind, let line, let fieldIndex):
            return "error(\(kind), line \(line), field \(fieldIndex.map(String.init) ?? "nil"))"
        }
    }
}

/// Reads everything, recording each record or error; stops after a fatal error or a runaway.
func csvEvents(
    _ bytes: [UInt8],
    delimiter: UInt8 = UInt8(ascii: ","),
    encoding: TextEncoding = .utf8,
    chunkSize: Int = 1 << 20
) -> [CSVEvent] {
    let reader = CSVReader(bytes: bytes, delimiter: delimiter, encoding: encoding, chunkSize: chunkSize)
    var record = CSVRecord()
    var events: [CSVEvent] = []
    while events.count <= bytes.count + 1 {
        do {
            guard try reader.next(into: &record) else {
                break
            }
            let fields = (0..<record.count).map { index in record.withField(index) { Array($0) } }
            events.append(.record(line: record.line, fields: fields))
        } catch {
            events.append(.error(error.kind, line: error.line, fieldIndex: error.fieldIndex))
            if !error.isRecoverable {
                break
            }
        }
    }
    return events
}

func csvEvents(
    _ text: String,
    delimiter: UInt8 = UInt8(ascii: ","),
    chunkSize: Int = 1 << 20
) -> [CSVEvent] {
    csvEvents(Array(text.utf8), delimiter: delimiter, chunkSize: chunkSize)
}

/// Chunk sizes that put chunk boundaries everywhere, plus the default.
let boundaryChunkSizes = [1, 2, 3, 7, 1 << 20]

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func removeFile(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

@Suite("CSVReader")
struct CSVReaderTests {
    @Test(arguments: boundaryChunkSizes)
    func readsHeaderAndRecordsWithLF(chunkSize: Int) {
        let events = csvEvents("id,name\n1,Ann\n2,Bob\n", chunkSize: chunkSize)
        #expect(events == [.record(1, ["id", "name"]), .record(2, ["1", "Ann"]), .record(3, ["2", "Bob"])])
    }

    @Test(arguments: boundaryChunkSizes)
    func readsCRLF(chunkSize: Int) {
        let events = csvEvents("id,name\r\n1,Ann\r\n\"2\",\"Bob\"\r\n", chunkSize: chunkSize)
        #expect(events == [.record(1, ["id", "name"]), .record(2, ["1", "Ann"]), .record(3, ["2", "Bob"])])
    }

    @Test(arguments: boundaryChunkSizes)
    func bareCROutsideQuotesIsData(chunkSize: Int) {
        let events = csvEvents("a\rb,c\r\nd,e\r", chunkSize: chunkSize)
        #expect(events == [.record(1, ["a\rb", "c"]), .record(2, ["d", "e\r"])])
    }

    @Test(arguments: boundaryChunkSizes)
    func skipsByteOrderMark(chunkSize: Int) {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\n1,Ann\n".utf8)
        let events = csvEvents(bytes, chunkSize: chunkSize)
        #expect(events == [.record(1, ["id", "name"]), .record(2, ["1", "Ann"])])
    }

    @Test(arguments: boundaryChunkSizes)
    func byteOrderMarkOnlyLaterIsData(chunkSize: Int) {
        let bytes: [UInt8] = Array("a\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("b\n".utf8)
        let events = csvEvents(bytes, chunkSize: chunkSize)
        #expect(events == [.record(1, ["a"]), .record(2, ["\u{FEFF}b"])])
    }

    @Test(arguments: boundaryChunkSizes)
    func emptyInputsHaveNoRecords(chunkSize: Int) {
        #expect(csvEvents([], chunkSize: chunkSize) == [])
        #expect(csvEvents([0xEF, 0xBB, 0xBF], chunkSize: chunkSize) == [])
        #expect(csvEvents("\n\r\n\n", chunkSize: chunkSize) == [])
    }

    @Test(arguments: boundaryChunkSizes)
    func semicolonAndTabDelimiters(chunkSize: Int) {
        let semicolon = csvEvents("a;b,c;\"d;e\"\n", delimiter: UInt8(ascii: ";"), chunkSize: chunkSize)
        #expect(semicolon == [.record(1, ["a", "b,c", "d;e"])])
        let tab = csvEvents("a\tb,c\t\"d\te\"\t\n", delimiter: UInt8(ascii: "\t"), chunkSize: chunkSize)
        #expect(tab == [.record(1, ["a", "b,c", "d\te", ""])])
    }

    @Test(arguments: boundaryChunkSizes)
    func quotedDelimitersAndDoubledQuotes(chunkSize: Int) {
        let events = csvEvents(
            "\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",\"\",x\n\"\"\"\"\"\"\n",
            chunkSize: chunkSize
        )
        #expect(events == [.record(1, ["a,b", "say \"hi\"", "\"", "", "x"]), .record(2, ["\"\""])])
    }

    @Test(arguments: boundaryChunkSizes)
    func lineBreaksInsideQuotesKeepLineNumbersRight(chunkSize: Int) {
        let text = "h1,h2\n\"multi\nline\",x\n\"crlf\r\ninside\r\n\",y\r\nlast,z\n"
        let events = csvEvents(text, chunkSize: chunkSize)
        #expect(
            events == [
                .record(1, ["h1", "h2"]),
                .record(2, ["multi\nline", "x"]),
                .record(4, ["crlf\r\ninside\r\n", "y"]),
                .record(7, ["last", "z"]),
            ]
        )
    }

    @Test(arguments: boundaryChunkSizes)
    func emptyAndTrailingEmptyFields(chunkSize: Int) {
        let events = csvEvents("a,b,\n,,\n,\"\",x\nlast,", chunkSize: chunkSize)
        #expect(
            events == [
                .record(1, ["a", "b", ""]),
                .record(2, ["", "", ""]),
                .record(3, ["", "", "x"]),
                .record(4, ["last", ""]),
            ]
        )
    }

    @Test(arguments: boundaryChunkSizes)
    func missingFinalNewline(chunkSize: Int) {
        #expect(csvEvents("a,b\n1,2", chunkSize: chunkSize) == [.record(1, ["a", "b"]), .record(2, ["1", "2"])])
        #expect(csvEvents("a,\"b\"", chunkSize: chunkSize) == [.record(1, ["a", "b"])])
    }

    @Test(arguments: boundaryChunkSizes)
    func blankLinesAreSkippedButCounted(chunkSize: Int) {
        let events = csvEvents("\n\na,b\n\n\r\n1,2\n\n\n", chunkSize: chunkSize)
        #expect(events == [.record(3, ["a", "b"]), .record(6, ["1", "2"])])
    }

    @Test(arguments: boundaryChunkSizes)
    func whitespaceOnlyLineIsARecord(chunkSize: Int) {
        let events = csvEvents("a\n \n,\n", chunkSize: chunkSize)
        #expect(events == [.record(1, ["a"]), .record(2, [" "]), .record(3, ["", ""])])
    }

    @Test(arguments: boundaryChunkSizes)
    func unterminatedQuoteIsFatalAndReportsWhereTheFieldStarted(chunkSize: Int) {
        let text = "h1,h2\nok,1\nx,\"never\nclosed\n\nat all\n"
        let events = csvEvents(text, chunkSize: chunkSize)
        #expect(
            events == [
                .record(1, ["h1", "h2"]),
                .record(2, ["ok", "1"]),
                .error(.unterminatedQuote, line: 3, fieldIndex: 1),
            ]
        )
    }

    @Test func unterminatedQuoteIsRethrownByLaterCalls() throws {
        let reader = CSVReader(bytes: Array("\"open\n".utf8))
        var record = CSVRecord()
        #expect(throws: CSVError.self) { _ = try reader.next(into: &record) }
        do {
            _ = try reader.next(into: &record)
            Issue.record("expected the fatal error again")
        } catch {
            #expect(error.kind == .unterminatedQuote)
            #expect(!error.isRecoverable)
        }
    }

    @Test(arguments: boundaryChunkSizes)
    func unexpectedQuoteRejectsOneRecordAndReadingGoesOn(chunkSize: Int) {
        let text = "h1,h2,h3\nab\"c,d,e\nok,1,2\n\"ab\"c,\"multi\nline\",z\r\nnext,3,4\n\"x\" ,y\nlast,5,6"
        let events = csvEvents(text, chunkSize: chunkSize)
        #expect(
            events == [
                .record(1, ["h1", "h2", "h3"]),
                .error(.unexpectedQuote, line: 2, fieldIndex: 0),
                .record(3, ["ok", "1", "2"]),
                .error(.unexpectedQuote, line: 4, fieldIndex: 0),
                .record(6, ["next", "3", "4"]),
                .error(.unexpectedQuote, line: 7, fieldIndex: 0),
                .record(8, ["last", "5", "6"]),
            ]
        )
    }

    @Test(arguments: boundaryChunkSizes)
    func unexpectedQuoteInALaterFieldAndLine(chunkSize: Int) {
        let text = "a,\"multi\nline\",b\"c\nd\n\"x\"\ry\n"
        let events = csvEvents(text, chunkSize: chunkSize)
        #expect(
            events == [
                .error(.unexpectedQuote, line: 2, fieldIndex: 2),
                .record(3, ["d"]),
                .error(.unexpectedQuote, line: 4, fieldIndex: 0),
            ]
        )
    }

    @Test func recordAfterRecoverableErrorHasItsLineAndNoFields() throws {
        let reader = CSVReader(bytes: Array("a\nb\"c,d\ne\n".utf8))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        do {
            _ = try reader.next(into: &record)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unexpectedQuote)
            #expect(error.isRecoverable)
            #expect(record.line == 2)
            #expect(record.count == 0)
        }
        #expect(try reader.next(into: &record))
        #expect(record.line == 3)
        #expect(record.strings == ["e"])
        #expect(try !reader.next(into: &record))
        #expect(try !reader.next(into: &record))
    }

    @Test(arguments: boundaryChunkSizes)
    func invalidUTF8IsReportedWithLineAndField(chunkSize: Int) {
        var bytes = Array("id,name,city\n1,\"Ann\",Bishkek\n2,\"multi\nline\",".utf8)
        bytes += [0x4F, 0x73, 0xC3]  // "Os" then a truncated sequence
        bytes += Array(",x\n3,Пётр,Ош\n".utf8)
        let events = csvEvents(bytes, chunkSize: chunkSize)
        #expect(
            events == [
                .record(1, ["id", "name", "city"]),
                .record(2, ["1", "Ann", "Bishkek"]),
                .error(.invalidEncoding, line: 4, fieldIndex: 2),
                .record(5, ["3", "Пётр", "Ош"]),
            ]
        )
    }

    @Test(
        arguments: [
            [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82], [0xD0, 0x41], [0xE2, 0x0A],
        ] as [[UInt8]]
    )
    func invalidUTF8Sequences(sequence: [UInt8]) {
        for chunkSize in boundaryChunkSizes {
            let quoted = csvEvents(Array("a,\"".utf8) + sequence + Array("\"\nb\n".utf8), chunkSize: chunkSize)
            #expect(quoted.first == .error(.invalidEncoding, line: 1, fieldIndex: 1))
            let unquoted = csvEvents(Array("a,".utf8) + sequence + Array("\nb\n".utf8), chunkSize: chunkSize)
            #expect(unquoted.first == .error(.invalidEncoding, line: 1, fieldIndex: 1))
            // The record is skipped and reading goes on (an LF in the sequence ends the line early).
            #expect(unquoted.last == .record(sequence.contains(0x0A) ? 3 : 2, ["b"]))
        }
    }

    @Test(arguments: boundaryChunkSizes)
    func validUTF8OfEveryLengthPasses(chunkSize: Int) {
        let text = "é,Ж,€,𝄞,\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF},\"Ёё\"\"𝄞\"\n"
        let events = csvEvents(text, chunkSize: chunkSize)
        #expect(events == [.record(1, ["é", "Ж", "€", "𝄞", "\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}", "Ёё\"𝄞"])])
    }

    @Test func errorMessagesNeverContainFieldContent() {
        let canary = "PASSPORT-AN1234567"
        let inputs: [[UInt8]] = [
            Array("h\n\(canary)\"x\n".utf8),
            Array("h\n\"\(canary)\"x\n".utf8),
            Array("h\n\(canary)".utf8) + [0xFF] + Array("\n".utf8),
            Array("h\n\"\(canary)".utf8) + [0xC3, 0x28] + Array("\"\n".utf8),
            Array("h\n\"\(canary),\n\(canary)\n".utf8),
        ]
        for input in inputs {
            let reader = CSVReader(bytes: input, chunkSize: 3)
            var record = CSVRecord()
            var sawError = false
            while true {
                do {
                    guard try reader.next(into: &record) else {
                        break
                    }
                } catch {
                    sawError = true
                    #expect(!error.message.contains(canary))
                    #expect(!error.description.contains(canary))
                    #expect(!"\(error)".contains(canary))
                    #expect(!String(reflecting: error).contains(canary))
                    if !error.isRecoverable {
                        break
                    }
                }
            }
            #expect(sawError)
        }
        let cp1251 = CSVReader(bytes: Array("\(canary)".utf8) + [0x98], encoding: .windows1251)
        var record = CSVRecord()
        do {
            _ = try cp1251.next(into: &record)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalidEncoding)
            #expect(!error.description.contains(canary))
        }
    }

    @Test func errorDescriptionNamesLineAndOneBasedField() {
        let error = CSVError(.unexpectedQuote, line: 17, fieldIndex: 2, message: "bad quote")
        #expect(error.description == "line 17, field 3: bad quote")
        #expect(CSVError(.cannotOpen, line: 0, message: "cannot open x").description == "cannot open x")
    }

    @Test(arguments: boundaryChunkSizes)
    func recordsLongerThanTheBuffer(chunkSize: Int) {
        let long = String(repeating: "x", count: 5000)
        let quoted = String(repeating: "y\"\"\n", count: 1000)
        let text = "\(long),\"\(quoted)\",z\nnext\n"
        let events = csvEvents(text, chunkSize: chunkSize)
        let expectedQuoted = String(repeating: "y\"\n", count: 1000)
        #expect(events == [.record(1, [long, expectedQuoted, "z"]), .record(1002, ["next"])])
    }

    @Test func recordAccessors() throws {
        let reader = CSVReader(bytes: Array("a,,\"\",Ж\n".utf8))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        #expect(record.count == 4)
        #expect(record.line == 1)
        #expect(!record.isEmpty(0))
        #expect(record.isEmpty(1))
        #expect(record.isEmpty(2))
        #expect(record.string(3) == "Ж")
        #expect(record.withField(3) { $0.count } == 2)
        #expect(try !reader.next(into: &record))
    }

    @Test func readsFromAFileAndReportsProgress() throws {
        let path = "/tmp/migstat-csvreader-test-\(UInt64.random(in: 0...UInt64.max)).csv"
        let text = "\u{FEFF}id;name\r\n1;\"Ann\"\r\n2;Bob"
        try writeFile(path, Array(text.utf8))
        defer { removeFile(path) }
        let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ";"), chunkSize: 4)
        #expect(reader.totalBytes == text.utf8.count)
        #expect(reader.bytesRead == 0)
        var record = CSVRecord()
        var rows: [[String]] = []
        while try reader.next(into: &record) {
            rows.append(record.strings)
        }
        #expect(rows == [["id", "name"], ["1", "Ann"], ["2", "Bob"]])
        #expect(reader.bytesRead == text.utf8.count)
    }

    @Test func missingFileCannotBeOpened() {
        do {
            _ = try CSVReader(path: "/nonexistent/migstat/input.csv")
            Issue.record("expected cannotOpen")
        } catch {
            #expect(error.kind == .cannotOpen)
            #expect(error.message.contains("/nonexistent/migstat/input.csv"))
        }
        do {
            _ = try CSVReader(path: "/tmp")
            Issue.record("expected cannotOpen for a directory")
        } catch {
            #expect(error.kind == .cannotOpen)
        }
    }

    @Test(arguments: boundaryChunkSizes)
    func recordTooLargeIsFatal(chunkSize: Int) {
        let bytes = Array("h\nok\n\"never closed\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        let reader = CSVReader(bytes: bytes, chunkSize: chunkSize)
        reader.maxRecordSize = 1000
        var record = CSVRecord()
        var events: [CSVEvent] = []
        for _ in 0..<4 {
            do {
                guard try reader.next(into: &record) else {
                    break
                }
                events.append(.record(line: record.line, fields: [Array(record.string(0).utf8)]))
            } catch {
                events.append(.error(error.kind, line: error.line, fieldIndex: error.fieldIndex))
            }
        }
        #expect(
            events == [
                .record(1, ["h"]), .record(2, ["ok"]),
                .error(.recordTooLarge, line: 3, fieldIndex: nil), .error(.recordTooLarge, line: 3, fieldIndex: nil),
            ]
        )
    }

    @Test(arguments: boundaryChunkSizes)
    func manyFieldsGrowTheFieldTable(chunkSize: Int) {
        let fields = (0..<300).map { "f\($0)" }
        let text = fields.joined(separator: ",") + "\n" + fields.reversed().joined(separator: ",") + "\n"
        let events = csvEvents(text, chunkSize: chunkSize)
        #expect(events == [.record(1, fields), .record(2, fields.reversed())])
    }

    @Test func copiesOfARecordDoNotShareFields() throws {
        let template = CSVRecord()
        var first = template
        var second = template
        let firstReader = CSVReader(bytes: Array("a,b\n".utf8))
        let secondReader = CSVReader(bytes: Array("x,y,z\n".utf8))
        #expect(try firstReader.next(into: &first))
        #expect(try secondReader.next(into: &second))
        #expect(first.strings == ["a", "b"])
        #expect(second.strings == ["x", "y", "z"])
        #expect(template.count == 0)
    }

    @Test func readsFromAFileDescriptor() throws {
        let path = "/tmp/migstat-csvreader-fd-\(UInt64.random(in: 0...UInt64.max)).csv"
        try writeFile(path, Array("a\tb\n1\t2\n".utf8))
        defer { removeFile(path) }
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let reader = CSVReader(
            fileDescriptor: handle.fileDescriptor, closesDescriptor: false, delimiter: UInt8(ascii: "\t"), chunkSize: 3
        )
        #expect(reader.totalBytes == 8)
        var record = CSVRecord()
        var rows: [[String]] = []
        while try reader.next(into: &record) {
            rows.append(record.strings)
        }
        #expect(rows == [["a", "b"], ["1", "2"]])
    }

    @Test func manyRecordsReuseOneRecordValue() throws {
        var text = "n,sq\n"
        for i in 0..<10_000 {
            text += "\(i),\(i * i)\n"
        }
        let reader = CSVReader(bytes: Array(text.utf8), chunkSize: 1000)
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        var expected = 0
        while try reader.next(into: &record) {
            #expect(record.line == expected + 2)
            #expect(record.string(0) == String(expected))
            #expect(record.string(1) == String(expected * expected))
            expected += 1
        }
        #expect(expected == 10_000)
    }
}
