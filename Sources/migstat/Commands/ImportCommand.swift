import ArgumentParser
import MigstatCore
import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV batch of migration-flow records (whole or not at all).",
        discussion: """
            Validates every row against the canonical layout, pseudonymises person_id with the
            purpose's key (never sent to the database), and loads the batch in one transaction.
            Strict by default: any rejected row and nothing is stored. The rejects file lists
            line, column and reason for each problem, never a value.
            """)

    @Argument(help: "The batch file (canonical CSV layout).") var file: String
    @Option(help: "Who recorded the events (border, labour-registry, consulate, survey-2024, ...).") var source: String
    @Option(help: "The declared purpose the batch is collected for.") var purpose: String
    @Option(help: "Field delimiter: ',' (default), ';' or tab.") var delimiter: String = ","
    @Option(help: "Text encoding: utf-8 (default) or windows-1251.") var encoding: String = "utf-8"
    @Option(help: "Rejected rows allowed before the batch is refused: N or P% (default 0: strict).")
    var maxRejects: String = "0"
    @Option(help: "Where to write the rejects file (default: FILE.rejects.csv).") var rejects: String?
    @Option(help: "Header column to accept and skip (repeatable).") var ignoreColumn: [String] = []
    @Option(help: "Directory of the pseudonymisation keys (default: $MIGSTAT_KEY_DIR or ~/.migstat/keys).")
    var keyDir: String?
    @Flag(help: "Validate and load in a transaction, then roll back.") var dryRun = false
    @Flag(help: "Print the summary as JSON.") var json = false
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Show the database's detail and hint with errors.") var verbose = false

    var delimiterByte: UInt8? {
        switch delimiter.lowercased() {
        case ",": UInt8(ascii: ",")
        case ";": UInt8(ascii: ";")
        case "tab", "\t", "\\t": UInt8(ascii: "\t")
        default: nil
        }
    }

    func validate() throws {
        guard delimiterByte != nil else { throw ValidationError("--delimiter must be ',', ';' or tab") }
        guard TextEncoding(name: encoding) != nil else {
            throw ValidationError("--encoding must be utf-8 or windows-1251")
        }
        guard RejectLimit(maxRejects) != nil else { throw ValidationError("--max-rejects must be N or P% (0-100)") }
        guard isValidSourceName(source) else {
            throw ValidationError("--source is 1-63 characters: a letter or digit, then letters, digits, '.', '_' or '-'")
        }
    }

    func run() throws {
        try ExitStatus.run(verbose: verbose) {
            var options = ImportOptions(path: file, source: source, purpose: purpose,
                                        keyStore: KeyStore.resolve(override: keyDir))
            options.delimiter = delimiterByte!
            options.encoding = TextEncoding(name: encoding)!
            options.maxRejects = RejectLimit(maxRejects)!
            options.rejectsPath = rejects
            options.dryRun = dryRun
            options.ignoredColumns = ignoreColumn
            let db = try connection.connect()
            let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
            let summary = try BatchImporter(connection: db).run(options) { rows, bytes, total in
                bar.update(rows: rows, bytes: bytes, total: total)
            }
            bar.finish()
            print(json ? summary.json : summary.text)
            if summary.outcome == "rolled back" {
                printError("error: \(file): \(summary.rejected) of \(summary.rows) rows rejected "
                           + "(limit \(options.maxRejects)); nothing was imported" + (dryRun ? " (dry run)" : "")
                           + (summary.rejectsFile.map { "; see \($0)" } ?? ""))
                throw ExitCode(ExitStatus.dataError)
            }
        }
    }
}

/// Source names as the database accepts them (`migstat.source.name`).
func isValidSourceName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard (1...63).contains(bytes.count) else { return false }
    func alnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
    return alnum(bytes[0]) && bytes.dropFirst().allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
}

extension ImportSummary {
    var text: String {
        var lines = [
            "\(outcome): \(file)" + (batch.map { " as batch \($0)" } ?? ""),
            "  source \(source), purpose \(purpose)",
            "  rows \(rows): accepted \(accepted), rejected \(rejected)"
                + (isCommitted ? "" : " (nothing stored)"),
            "  \(rowsPerSecond) rows/s, \(String(format3(seconds))) s",
        ]
        if let rejectsFile { lines.append("  rejects: \(rejectsFile)") }
        return lines.joined(separator: "\n")
    }

    var json: String {
        let fields: [(String, String)] = [
            ("outcome", ReportEscape.json(outcome)), ("batch", batch.map(String.init) ?? "null"),
            ("file", ReportEscape.json(file)), ("source", ReportEscape.json(source)), ("purpose", ReportEscape.json(purpose)),
            ("sha256", ReportEscape.json(sha256)), ("rows", String(rows)), ("accepted", String(accepted)),
            ("rejected", String(rejected)), ("rejects_file", rejectsFile.map(ReportEscape.json) ?? "null"),
            ("seconds", format3(seconds)), ("rows_per_second", String(rowsPerSecond)),
        ]
        return "{" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
    }
}

func format3(_ value: Double) -> String {
    let milli = Int((value * 1000).rounded())
    let fraction = String(milli % 1000)
    return "\(milli / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

/// A one-line progress bar on stderr (rows, rows/s, %), only on a terminal.
final class ProgressBar {
    private let enabled: Bool
    private let start = monotonicSeconds()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(rows: Int, bytes: Int, total: Int?) {
        guard enabled else { return }
        let elapsed = max(monotonicSeconds() - start, 0.001)
        let percent = total.map { $0 > 0 ? " \(min(100, bytes * 100 / $0))%" : "" } ?? ""
        writeStderr("\r\u{1B}[K  \(rows) rows, \(Int(Double(rows) / elapsed)) rows/s\(percent)")
        shown = true
    }

    func finish() {
        if shown { writeStderr("\r\u{1B}[K") }
    }

}
