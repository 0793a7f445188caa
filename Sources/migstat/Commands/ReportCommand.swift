import ArgumentParser
import MigstatCore
import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Disaggregated table with all margins and disclosure control, computed in PostgreSQL.",
        discussion: """
            Dimensions: direction, sex, age (banded), nationality, country, region, reason, occupation,
            worker_category, ethnicity, migration_status, disability, source, purpose, period.
            Totals are _T, "not stated" is _Z. Cells 1..K-1 are suppressed (CONF_STATUS A) and enough
            others (D) that none can be recovered by subtraction; the database does it, so no role
            can obtain an unprotected small count by any path.
            Formats: table (terminal), csv and json (one row per cell), sdmx-csv (SDMX-CSV 2.0), html
            (one self-contained page with an age-sex pyramid or bar charts, for printing or sharing).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
        case sdmxCSV = "sdmx-csv"
        case html

        var reportFormat: ReportFormat { ReportFormat(rawValue: rawValue)! }
    }

    @Option(help: "Comma-separated dimensions.") var by: String
    @Option(help: "DIM=CODE[,CODE...]; repeatable.") var filter: [String] = []
    @Option(help: "2024, 2024-Q1, 2024-01, 2024-01-15, or FROM..TO of those.") var period: String?
    @Option(help: "Unit of the period dimension: year, quarter or month.") var periodUnit: String = "year"
    @Option(help: "Age bands, e.g. 0-5,6-13,14,15,16,17,18-19,20-24,...,65+ (default: Eurostat 5-year bands).")
    var ageBands: String?
    @Option(help: "Suppression threshold K (can only be raised above the database's setting).") var threshold: Int?
    @Option(help: "records or persons (distinct pseudonymised persons).") var count: String = "records"
    @Option(help: "ISCO-08 level for occupation (1-4).") var occupationLevel: Int = 1
    @Flag(help: "Add estimates (OBS_STATUS E), never added into counted cells.") var withEstimates = false
    @Option(help: "Output format: table, csv, json, sdmx-csv or html.") var format: Format = .table
    @Option(help: "Write to this file instead of stdout.") var output: String?
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Show the database's detail and hint with errors.") var verbose = false

    var dimensions: [String] { by.split(separator: ",").map { String($0).trimmingSpaces().lowercased() } }

    func validate() throws {
        guard !dimensions.isEmpty else { throw ValidationError("--by needs at least one dimension") }
        guard ["records", "persons"].contains(count) else { throw ValidationError("--count is records or persons") }
        guard (1...4).contains(occupationLevel) else { throw ValidationError("--occupation-level is 1 to 4") }
        if let period { guard ReportPeriod(period) != nil else { throw ValidationError("bad --period \(period)") } }
        _ = try query()
    }

    /// The report's parameters.
    func query() throws -> ReportQuery {
        var query = ReportQuery(
            dimensions: dimensions, period: period.flatMap(ReportPeriod.init),
            periodUnit: dimensions.contains("period") ? periodUnit : nil, ageBands: ageBands, threshold: threshold,
            count: ReportQuery.CountMode(rawValue: count) ?? .records, occupationLevel: occupationLevel,
            withEstimates: withEstimates)
        do {
            for argument in filter { try query.addFilter(argument) }
        } catch let error as MigstatError {
            throw ValidationError(error.message)
        }
        return query
    }

    func run() throws {
        try ExitStatus.run(verbose: verbose) {
            let query = try query()
            let db = try connection.connect()
            guard let stream = format.reportFormat.stream(dimensions: query.resultDimensions) else {
                // table and html look at the whole table first (column widths, charts).
                try write(format.reportFormat.render(try query.run(on: db)))
                return
            }
            // csv, json, sdmx-csv: written cell by cell as the database sends them.
            // The header goes out with the first cell (or at the end): a refused report writes nothing.
            let sink = OutputSink(path: output)
            var index = 0
            try query.stream(on: db) { cell in
                if index == 0 { try sink.write(stream.header) }
                try sink.write(stream.cell(cell, index))
                index += 1
            }
            if index == 0 { try sink.write(stream.header) }
            try sink.write(stream.footer(index))
            try sink.close()
        }
    }

    /// Writes `text` to `--output` (created or truncated) or stdout.
    func write(_ text: String) throws {
        let sink = OutputSink(path: output)
        try sink.write(text)
        try sink.close()
    }
}

/// Where a report goes: stdout, or `--output PATH` written as `PATH.partial` and renamed to `PATH` by
/// `close()`, so a report that fails half-way never leaves a truncated file (nor replaces an older
/// one). Nothing is opened before the first write: a refused report creates no file at all.
/// Writes go through a 1 MiB buffer; a failed write, close or rename is an error naming the file.
final class OutputSink {
    private let path: String?
    private var handle: UnsafeMutablePointer<FILE>?
    private var closed = false

    /// A sink for `path` (nil: stdout). Nothing is opened yet.
    init(path: String?) {
        self.path = path
    }

    deinit {
        guard let handle, !closed else { return }
        fclose(handle)
        if let path { unlink(path + ".partial") }
    }

    func write(_ text: String) throws {
        let handle = try open()
        var text = text
        let ok = text.withUTF8 { bytes in
            bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, handle) == bytes.count
        }
        guard ok else { throw failure() }
    }

    /// Flushes and closes; for a file, renames `PATH.partial` to `PATH`.
    func close() throws {
        let handle = try open()
        closed = true
        guard fclose(handle) == 0 else {
            let error = failure()
            if let path { unlink(path + ".partial") }
            throw error
        }
        if let path, rename(path + ".partial", path) != 0 {
            let error = failure()
            unlink(path + ".partial")
            throw error
        }
    }

    private func open() throws -> UnsafeMutablePointer<FILE> {
        if let handle { return handle }
        let opened: UnsafeMutablePointer<FILE>?
        if let path {
            opened = fopen(path + ".partial", "w")
        } else {
            // A stream of its own on a duplicate of fd 1 (Swift 6 cannot touch C's global `stdout`).
            fflush(nil)
            let fd = dup(STDOUT_FILENO)
            opened = fd >= 0 ? fdopen(fd, "w") : nil
        }
        guard let opened else { throw failure() }
        setvbuf(opened, nil, _IOFBF, 1 << 20)
        handle = opened
        return opened
    }

    private func failure() -> MigstatError {
        MigstatError(.fileUnreadable, "cannot write: \(String(cString: strerror(errno)))", file: path ?? "stdout")
    }
}
