import MigstatPQ
import Testing

@Suite struct PQCopyTextTests {
    private func fields(_ line: String) -> [String?] {
        var line = line
        return line.withUTF8 { PQCopyText.fields(UnsafeRawBufferPointer($0)) }
    }

    @Test func fieldsNullsAndEscapes() {
        #expect(fields("a\tb\t\\N") == ["a", "b", nil])
        #expect(fields("") == [""])
        #expect(fields("\t") == ["", ""])
        #expect(fields("\\\\N\t\\N") == ["\\N", nil])          // a literal backslash-N is not NULL
        #expect(fields("x\\Ny") == ["xNy"])                       // \N inside a field is just N
        #expect(fields("tab\\there\\nnew\\rret\\\\back") == ["tab\there\nnew\rret\\back"])
        #expect(fields("\\b\\f\\v") == ["\u{08}\u{0C}\u{0B}"])
        #expect(fields("\\101\\x42\\x4a") == ["ABJ"])
        #expect(fields("K\u{1F}_T\t12") == ["K\u{1F}_T", "12"])
        #expect(fields("Кыргызстан\t\\N\t") == ["Кыргызстан", nil, ""])
    }

    @Test func splitterJoinsLinesAcrossChunks() throws {
        let text = Array("a\t1\nbb\t\\N\nccc\t3\n".utf8)
        for cut in 0...text.count {
            var splitter = PQCopyText.RowSplitter()
            var rows: [[String?]] = []
            try text[..<cut].withUnsafeBytes { try splitter.feed($0) { rows.append($0) } }
            try text[cut...].withUnsafeBytes { try splitter.feed($0) { rows.append($0) } }
            #expect(rows == [["a", "1"], ["bb", nil], ["ccc", "3"]], "cut at \(cut)")
            #expect(!splitter.hasPartialLine)
        }
        var splitter = PQCopyText.RowSplitter()
        try Array("x\ty".utf8).withUnsafeBytes { try splitter.feed($0) { _ in Issue.record("no complete line") } }
        #expect(splitter.hasPartialLine)
    }
}
