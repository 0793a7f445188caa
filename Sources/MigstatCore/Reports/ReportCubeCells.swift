internal import MigstatPQ

/// Turns the rows of `migstat.report_cells` back into the cells of the full cube, in the order and with the values
/// of `migstat.report`'s rows: first one row per dimension (`-i`, its key offset, its categories joined with
/// U+001F, `_T` first), then the cells that have a published value, in key order (`k`, value). Every cell of the
/// cube between two of them is 0. A cell's key is the sum over the dimensions of (category index << key offset);
/// the first dimension varies slowest.
///
/// Nothing is computed here that the database did not publish: values are copied, the zeros are the cells the
/// database lists as having no published value, and the codes are the labels it sent. Anything out of that
/// shape (keys out of order or outside the cube, a dimension missing) is an error, never a guess.
package struct ReportCubeCells {
    private let dimensionCount: Int
    private var labels: [[String]] = []
    private var offsets: [Int] = []
    /// The next cell of the cube to hand over: its category indexes and key.
    private var index: [Int] = []
    private var key = 0
    private var started = false
    private var done = false
    private var cell = ReportCell(codes: [], value: 0)
    private var count = 0
    private var row = 0

    /// - Parameter dimensionCount: the report's dimensions (`ReportQuery.resultDimensions`).
    package init(dimensionCount: Int) {
        self.dimensionCount = dimensionCount
    }

    /// Takes one line of `COPY (SELECT k, obs_value, array_to_string(labels, E'\x1f') FROM
    /// migstat.report_cells(…)) TO STDOUT` (text format, without its newline), handing over to `cell` every cell
    /// of the cube up to and including the one it names.
    package mutating func add(line: UnsafeRawBufferPointer, cell emit: (ReportCell) throws -> Void) throws {
        row += 1
        guard let k = Self.integer(line, field: 0) else { throw Self.error("row \(row): k is not an integer") }
        if k < 0 {
            guard !started, -k == labels.count + 1, -k <= dimensionCount else {
                throw Self.error("row \(row): dimension \(-k) out of order")
            }
            let fields = PQCopyText.fields(line)
            guard fields.count == 3, let offset = fields[1].flatMap({ Int($0) }), offset >= 0, offset < 63,
                  let joined = fields[2] else {
                throw Self.error("row \(row): a dimension row without its key offset and labels")
            }
            let categories = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            guard categories.count >= 1 else { throw Self.error("row \(row): a dimension without categories") }
            labels.append(categories)
            offsets.append(offset)
            return
        }
        try start()
        guard let value = Self.integer(line, field: 1) else { throw Self.error("row \(row): obs_value is not an integer") }
        // The zeros before this cell, then the cell.
        while !done && key < k { try hand(0, emit) }
        guard !done, key == k else { throw Self.error("row \(row): key \(k) is out of order or outside the table") }
        try hand(value, emit)
    }

    /// Hands over the cells after the last listed one (all 0). Returns the number of cells of the cube.
    package mutating func finish(cell emit: (ReportCell) throws -> Void) throws -> Int {
        try start()
        while !done { try hand(0, emit) }
        return count
    }

    /// After the dimension rows: checks they are all there and sets up the first cell (all `_T`, key 0).
    private mutating func start() throws {
        if started { return }
        guard labels.count == dimensionCount else {
            throw Self.error("the table has \(labels.count) dimension rows for \(dimensionCount) dimensions")
        }
        started = true
        index = Array(repeating: 0, count: dimensionCount)
        key = 0
        cell = ReportCell(codes: labels.map { $0[0] }, value: 0)
    }

    /// Hands over the current cell with `value` and moves to the next one of the cube (the last dimension fastest).
    private mutating func hand(_ value: Int, _ emit: (ReportCell) throws -> Void) throws {
        cell.value = value
        try emit(cell)
        count += 1
        var j = dimensionCount - 1
        while j >= 0 {
            if index[j] + 1 < labels[j].count {
                key += 1 << offsets[j]
                index[j] += 1
                cell.codes[j] = labels[j][index[j]]
                return
            }
            key -= index[j] << offsets[j]
            index[j] = 0
            cell.codes[j] = labels[j][0]
            j -= 1
        }
        done = true
    }

    /// Field `field` (0 or 1) of a COPY text line as a whole number; nil when it is NULL or not a number.
    private static func integer(_ line: UnsafeRawBufferPointer, field: Int) -> Int? {
        var f = 0
        var i = 0
        let n = line.count
        while f < field {
            while i < n && line[i] != 0x09 { i += 1 }
            guard i < n else { return nil }
            i += 1
            f += 1
        }
        var value = 0
        var negative = false
        var digits = 0
        if i < n && line[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        while i < n && line[i] != 0x09 {
            let d = line[i] &- 0x30
            guard d < 10, digits < 18 else { return nil }
            value = value * 10 + Int(d)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    private static func error(_ message: String) -> PQError {
        PQError(code: .unexpectedResult, message: "report_cells: " + message)
    }
}
