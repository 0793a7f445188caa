import Crypto
package import MigstatPQ

/// The cell-key perturbation table shipped in `Schemas/ptable/ptable.csv` (`Docs/PTABLE.md`): rows
/// `pcv,ckey_lo,ckey_hi,pvalue`, a cell of perturbation cell value `pcv` and cell key in `ckey_lo...ckey_hi`
/// being published as its count + `pvalue`.
package struct PTable: Sendable {
    /// One row of the table.
    package struct Row: Sendable, Equatable {
        package var pcv: Int
        package var ckeyLow: Int
        package var ckeyHigh: Int
        package var pvalue: Int
    }

    /// The rows in file order.
    package var rows: [Row]

    /// The largest perturbation cell value (ONS: counts above it map into 501...750).
    package static let maxPCV = 750
    /// The number of cell keys (record keys and cell keys are 0...255).
    package static let keys = 256

    /// Parses the CSV text (header `pcv,ckey_lo,ckey_hi,pvalue`, LF or CRLF).
    /// - Throws: `MigstatError` naming the line of a malformed row.
    package init(csv text: String) throws {
        var rows: [Row] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if lineNumber == 1 {
                guard line == "pcv,ckey_lo,ckey_hi,pvalue" else {
                    throw MigstatError(.invalidArgument, "p-table: the header must be pcv,ckey_lo,ckey_hi,pvalue")
                }
                continue
            }
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard fields.count == 4, let pcv = fields[0], let low = fields[1], let high = fields[2],
                let pvalue = fields[3]
            else {
                throw MigstatError(.invalidArgument, "p-table: line \(lineNumber) is not four integers")
            }
            rows.append(Row(pcv: pcv, ckeyLow: low, ckeyHigh: high, pvalue: pvalue))
        }
        self.rows = rows
    }

    /// What is wrong with the table (empty: nothing): every pcv 0...750 covers the cell keys 0...255 exactly
    /// once, |pvalue| <= `maxDeviation`, pcv + pvalue is never negative nor 1...`smallestPublished` - 1,
    /// and 0 stays 0.
    package func problems(maxDeviation: Int = 3, smallestPublished: Int = 3) -> [String] {
        var problems: [String] = []
        var covered = [[Int]](repeating: [Int](repeating: 0, count: Self.keys), count: Self.maxPCV + 1)
        for row in rows {
            guard (0...Self.maxPCV).contains(row.pcv), 0 <= row.ckeyLow, row.ckeyLow <= row.ckeyHigh,
                row.ckeyHigh < Self.keys
            else {
                problems.append("row \(row) is out of range")
                continue
            }
            for key in row.ckeyLow...row.ckeyHigh { covered[row.pcv][key] += 1 }
            if abs(row.pvalue) > maxDeviation { problems.append("pcv \(row.pcv): |pvalue| \(row.pvalue) > \(maxDeviation)") }
            let published = row.pcv + row.pvalue
            if published < 0 || (1..<smallestPublished).contains(published) {
                problems.append("pcv \(row.pcv) can publish \(published)")
            }
            if row.pcv == 0 && row.pvalue != 0 { problems.append("0 does not stay 0") }
        }
        for pcv in 0...Self.maxPCV where covered[pcv].contains(where: { $0 != 1 }) {
            problems.append("pcv \(pcv) does not cover the cell keys 0...255 exactly once")
        }
        return problems
    }

    /// The mean and variance of the perturbation of a pcv (each cell key equally likely).
    package func moments(pcv: Int) -> (mean: Double, variance: Double) {
        let mine = rows.filter { $0.pcv == pcv }
        let weight = { (row: Row) in Double(row.ckeyHigh - row.ckeyLow + 1) / Double(Self.keys) }
        let mean = mine.reduce(0) { $0 + weight($1) * Double($1.pvalue) }
        let variance = mine.reduce(0) { $0 + weight($1) * (Double($1.pvalue) - mean) * (Double($1.pvalue) - mean) }
        return (mean, variance)
    }
}

/// Loads `Schemas/ptable/ptable.csv` into `migstat.ptable` during `migstat db init` (superuser, inside its
/// transaction), replacing the table's rows when the file's SHA-256 differs from setting `ptable_sha256`;
/// records the file name and digest in `migstat.setting` (`ptable`, `ptable_sha256`). A file that fails
/// `PTable.problems()` is refused, so the database never holds a table that could publish a 1 or 2.
package struct PTableInstaller {
    private let connection: PQConnection
    private let directory: String

    /// The file, relative to the schemas directory.
    package static let file = "ptable/ptable.csv"

    /// Creates an installer for the schemas directory `directory`.
    package init(connection: PQConnection, directory: String) {
        self.connection = connection
        self.directory = directory
    }

    /// Loads the p-table if it changed. Returns true when it was (re)loaded.
    /// - Throws: `MigstatError` for a missing or invalid file; `PQError` from the server.
    @discardableResult
    package func install() throws -> Bool {
        let text = try readFile(directory + "/" + Self.file)
        let digest = hexString(SHA256.hash(data: Array(text.utf8)))
        let current = try connection.execute("SELECT value FROM migstat.setting WHERE key = 'ptable_sha256'")
        if current.rowCount == 1, current[0, 0] == digest {
            return false
        }
        let table = try PTable(csv: text)
        let problems = table.problems()
        guard problems.isEmpty else {
            throw MigstatError(.invalidArgument, "\(Self.file): " + problems.prefix(5).joined(separator: "; "))
        }
        try connection.execute("DELETE FROM migstat.ptable")
        try connection.execute("""
            INSERT INTO migstat.ptable (pcv, ckey_lo, ckey_hi, pvalue)
            SELECT * FROM unnest(\(table.rows.map(\.pcv), as: .smallintArray), \(table.rows.map(\.ckeyLow), as: .smallintArray),
                                 \(table.rows.map(\.ckeyHigh), as: .smallintArray), \(table.rows.map(\.pvalue), as: .smallintArray))
            """)
        for (key, value) in [("ptable", "ptable.csv"), ("ptable_sha256", digest)] {
            try connection.execute("""
                INSERT INTO migstat.setting (key, value) VALUES (\(key), \(value))
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """)
        }
        return true
    }
}
