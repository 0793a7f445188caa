import Testing

@testable import MigstatCore

@Suite("CSVReader encodings")
struct CSVReaderEncodingTests {
    /// Windows-1251 bytes 0x80–0xFF without the undefined 0x98, as decoded by Python's `cp1251` codec.
    static let upperHalf =
        "ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—™љ›њќћџ\u{A0}ЎўЈ¤Ґ¦§Ё©Є«¬\u{AD}®Ї°±Ііґµ¶·ё№є»јЅѕї"
        + "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя"

    @Test func encodingNamesAndAliases() {
        #expect(TextEncoding(name: "utf-8") == .utf8)
        #expect(TextEncoding(name: "UTF8") == .utf8)
        #expect(TextEncoding(name: "Windows-1251") == .windows1251)
        #expect(TextEncoding(name: "windows1251") == .windows1251)
        #expect(TextEncoding(name: "CP1251") == .windows1251)
        #expect(TextEncoding(name: "latin1") == nil)
        #expect(TextEncoding(name: "") == nil)
        #expect(TextEncoding.allCases.map(\.rawValue) == ["utf-8", "windows-1251"])
        for encoding in TextEncoding.allCases {
            #expect(TextEncoding(name: encoding.rawValue) == encoding)
        }
    }

    @Test(arguments: boundaryChunkSizes)
    func windows1251Cyrillic(chunkSize: Int) {
        // "Пол,Ж,М,Ёё" / "Ж;\"М,\"\"ё\"\"\"" in Windows-1251.
        let bytes: [UInt8] = [0xCF, 0xEE, 0xEB, 0x2C, 0xC6, 0x2C, 0xCC, 0x2C, 0xA8, 0xB8, 0x0D, 0x0A]
            + [0xC6, 0x2C, 0x22, 0xCC, 0x0A, 0x22, 0x22, 0xB8, 0x22, 0x22, 0x22]
        let events = csvEvents(bytes, encoding: .windows1251, chunkSize: chunkSize)
        #expect(events == [.record(1, ["Пол", "Ж", "М", "Ёё"]), .record(2, ["Ж", "М\n\"ё\""])])
    }

    @Test(arguments: boundaryChunkSizes)
    func windows1251WholeUpperHalf(chunkSize: Int) {
        let bytes = Array("a,".utf8) + (0x80...0xFF).filter { $0 != 0x98 }.map(UInt8.init) + Array(",b\n".utf8)
        let events = csvEvents(bytes, encoding: .windows1251, chunkSize: chunkSize)
        #expect(events == [.record(1, ["a", Self.upperHalf, "b"])])
    }

    @Test func windows1251TableMatchesUnicode() {
        let scalars = Array(Self.upperHalf.unicodeScalars)
        var index = 0
        for byte in 0x80...0xFF where byte != 0x98 {
            var source = UInt8(byte)
            var output = [UInt8](repeating: 0, count: 3)
            let written = output.withUnsafeMutableBufferPointer { out in
                Windows1251.transcode(&source, count: 1, into: out.baseAddress!)
            }
            #expect(Array(output[..<written]) == Array(String(scalars[index]).utf8), "byte \(byte)")
            index += 1
        }
        #expect(Windows1251.table[0x98] == UInt32(Windows1251.invalidMarker) | 1 << 24)
        for byte in 0..<0x80 {
            #expect(Windows1251.table[byte] == UInt32(byte) | 1 << 24)
        }
    }

    @Test(arguments: boundaryChunkSizes)
    func windows1251UndefinedByteIsInvalid(chunkSize: Int) {
        let bytes = Array("h1,h2\n\"x\ny\",".utf8) + [0xC6, 0x98] + Array("\n".utf8) + [0xCC, 0x2C, 0x31]
        let events = csvEvents(bytes, encoding: .windows1251, chunkSize: chunkSize)
        #expect(
            events == [
                .record(1, ["h1", "h2"]),
                .error(.invalidEncoding, line: 3, fieldIndex: 1),
                .record(4, ["М", "1"]),
            ]
        )
    }

    @Test func windows1251DoesNotSkipUTF8ByteOrderMark() {
        // EF BB BF is "п»ї" in Windows-1251.
        let events = csvEvents([0xEF, 0xBB, 0xBF, 0x61], encoding: .windows1251)
        #expect(events == [.record(1, ["п»їa"])])
    }

    @Test func windows1251LongASCIIRunsUseTheFastPath() {
        let ascii = String(repeating: "abcdefgh", count: 100)
        let bytes = Array("\(ascii),".utf8) + [0xC6] + Array(ascii.utf8)
        let events = csvEvents(bytes, encoding: .windows1251, chunkSize: 13)
        #expect(events == [.record(1, [ascii, "Ж" + ascii])])
    }

    @Test func windows1251FromAFile() throws {
        let path = "/tmp/migstat-csvreader-1251-\(UInt64.random(in: 0...UInt64.max)).csv"
        try writeFile(path, [0xCF, 0xEE, 0xEB, 0x3B, 0x3B, 0xC6, 0x0A, 0xCC, 0x3B, 0x22, 0xA8, 0x3B, 0x22, 0x3B])
        defer { removeFile(path) }
        let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ";"), encoding: .windows1251, chunkSize: 5)
        var record = CSVRecord()
        var rows: [[String]] = []
        while try reader.next(into: &record) {
            rows.append(record.strings)
        }
        #expect(rows == [["Пол", "", "Ж"], ["М", "Ё;", ""]])
        #expect(reader.bytesRead == 14)
        #expect(reader.totalBytes == 14)
    }
}
