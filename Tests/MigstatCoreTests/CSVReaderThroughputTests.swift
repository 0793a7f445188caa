import Foundation
import MigstatCore
import Testing

/// Prints CSV reading throughput; asserts nothing about speed.
///
/// Off by default. Run it on a release build:
///
///     MIGSTAT_CSV_THROUGHPUT=100 swift test -c release --filter CSVReaderThroughput
///
/// The variable's value is the size in MB of the synthetic file generated (once) in /tmp.
@Suite("CSVReader throughput")
struct CSVReaderThroughputTests {
    static let megabytes = Int(ProcessInfo.processInfo.environment["MIGSTAT_CSV_THROUGHPUT"] ?? "") ?? 0

    @Test(.enabled(if: megabytes > 0, "set MIGSTAT_CSV_THROUGHPUT=<MB> to measure"))
    func readAllFields() throws {
        let path = "/tmp/migstat-csv-throughput-\(Self.megabytes)MB.csv"
        if !FileManager.default.fileExists(atPath: path) {
            try Self.generate(path: path, bytes: Self.megabytes * 1_000_000)
        }
        for run in 1...3 {
            let start = ContinuousClock.now
            let reader = try CSVReader(path: path)
            var record = CSVRecord()
            var rows = 0
            var fields = 0
            var checksum = 0
            while try reader.next(into: &record) {
                rows += 1
                for index in 0..<record.count {
                    fields += 1
                    checksum &+= record.withField(index) { $0.count &+ Int($0.first ?? 0) }
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let megabytes = Double(reader.bytesRead) / 1e6
            print(
                "CSVReader run \(run): \(Int(megabytes)) MB, \(rows) rows, \(fields) fields in \(seconds) s: "
                    + "\(Int(megabytes / seconds)) MB/s, \(Int(Double(rows) / seconds)) rows/s (checksum \(checksum))"
            )
        }
    }

    /// Writes synthetic migration-flow rows (about 130 bytes each, CRLF, some quoted Cyrillic) up to `bytes`.
    static func generate(path: String, bytes: Int) throws {
        let regions = ["41702000000000", "41703000000000", "41704000000000", "41708000000000", "41711000000000"]
        let notes = ["\"Бишкек, г.\"", "Ош", "\"Чуйская обл.\"", "Нарын", "\"Иссык-Куль \"\"Каракол\"\"\""]
        let countries = ["KGZ", "KAZ", "UZB", "RUS", "TJK"]
        var text = "record_id,period,flow_type,citizenship,sex,age,birth_region,origin_region,"
        text += "destination_region,purpose,education,isco,count,passport,note\r\n"
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let output = FileHandle(forWritingAtPath: path)
        else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? output.close() }
        var written = 0
        var rng = SplitMix64(state: 2024)
        var row = 0
        while written + text.utf8.count < bytes {
            row += 1
            let r = rng.next()
            text += "\(row),2024-\(String(format: "%02d", Int(r % 12) + 1)),"
            text += r & 0x100 == 0 ? "arrival," : "departure,"
            text += "\(countries[Int(r >> 9 % 5)]),\(r & 0x1000 == 0 ? "М" : "Ж"),\(r >> 13 % 91),"
            text += "\(regions[Int(r >> 20 % 5)]),\(regions[Int(r >> 23 % 5)]),\(regions[Int(r >> 26 % 5)]),"
            text += "work,\(r & 0x2000_0000 == 0 ? "secondary" : ""),\(1000 + r >> 30 % 9000),1,"
            text += "AN\(1_000_000 + r >> 44 % 9_000_000),\(notes[Int(r >> 58 % 5)])\r\n"
            if text.utf8.count > 1 << 20 {
                try output.write(contentsOf: Data(text.utf8))
                written += text.utf8.count
                text = ""
            }
        }
        try output.write(contentsOf: Data(text.utf8))
    }
}
