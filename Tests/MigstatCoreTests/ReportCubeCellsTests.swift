import Testing
@testable import MigstatCore

/// `ReportCubeCells`: the rows of `migstat.report_cells` (dimension rows, then the cells with a published value by
/// key) back into every cell of the cube, in `migstat.report`'s order, zeros filled in; anything out of shape is an
/// error.
@Suite struct ReportCubeCellsTests {
    /// Feeds COPY text lines; returns the cells as "codes=value" or the error's message.
    func run(_ lines: [String], dimensions: Int) -> (cells: [String], error: String?) {
        var cube = ReportCubeCells(dimensionCount: dimensions)
        var cells: [String] = []
        let emit: (ReportCell) throws -> Void = { cells.append($0.codes.joined(separator: ",") + "=" + String($0.value ?? -1)) }
        do {
            for line in lines {
                let bytes = Array(line.utf8)
                try bytes.withUnsafeBytes { try cube.add(line: $0, cell: emit) }
            }
            let count = try cube.finish(cell: emit)
            #expect(count == cells.count)
            return (cells, nil)
        } catch {
            return (cells, "\(error)")
        }
    }

    // sex (_T, F, M) at offset 2 (2 bits), direction (_T, IN, OUT) at offset 0 (2 bits)
    static let header = ["-1\t2\t_T\u{1F}F\u{1F}M", "-2\t0\t_T\u{1F}IN\u{1F}OUT"]

    @Test func everyCellOfTheCubeInKeyOrderWithZeros() {
        // (_T,_T) key 0 = 10; (F,_T) key 4 = 6; (M,OUT) key 10 = 3
        let (cells, error) = run(Self.header + ["0\t10\t\\N", "4\t6\t\\N", "10\t3\t\\N"], dimensions: 2)
        #expect(error == nil)
        #expect(cells == ["_T,_T=10", "_T,IN=0", "_T,OUT=0", "F,_T=6", "F,IN=0", "F,OUT=0", "M,_T=0", "M,IN=0", "M,OUT=3"])
    }

    @Test func aTableWithNoListedCellIsAllZeros() {
        let (cells, error) = run(Self.header, dimensions: 2)
        #expect(error == nil)
        #expect(cells.count == 9)
        #expect(cells.allSatisfy { $0.hasSuffix("=0") })
    }

    @Test func theGrandTotalHasNoDimensionRow() {
        #expect(run(["0\t25\t\\N"], dimensions: 0) == (["=25"], nil))
        #expect(run([], dimensions: 0) == (["=0"], nil))
    }

    @Test func labelsAreDecodedFromCOPYText() {
        // a label with a tab and a backslash, escaped by COPY
        let (cells, error) = run(["-1\t0\t_T\u{1F}a\\tb\u{1F}c\\\\d", "2\t7\t\\N"], dimensions: 1)
        #expect(error == nil)
        #expect(cells == ["_T=0", "a\tb=0", "c\\d=7"])
    }

    @Test func outOfShapeIsAnError() {
        // a key between two cells of the cube (index 3 of direction has no category)
        #expect(run(Self.header + ["3\t1\t\\N"], dimensions: 2).error?.contains("out of order or outside") == true)
        // keys not increasing
        #expect(run(Self.header + ["4\t1\t\\N", "4\t2\t\\N"], dimensions: 2).error?.contains("out of order") == true)
        #expect(run(Self.header + ["5\t1\t\\N", "1\t2\t\\N"], dimensions: 2).error?.contains("out of order") == true)
        // past the last cell
        #expect(run(Self.header + ["11\t1\t\\N"], dimensions: 2).error != nil)
        // a dimension row missing, out of order, or after a cell
        #expect(run([Self.header[0], "0\t1\t\\N"], dimensions: 2).error?.contains("1 dimension rows for 2") == true)
        #expect(run([Self.header[1], Self.header[0]], dimensions: 2).error?.contains("out of order") == true)
        #expect(run([Self.header[0], Self.header[1], "0\t1\t\\N", "-3\t0\t_T"], dimensions: 3).error != nil)
        // not numbers
        #expect(run(Self.header + ["x\t1\t\\N"], dimensions: 2).error?.contains("k is not an integer") == true)
        #expect(run(Self.header + ["0\t\\N\t\\N"], dimensions: 2).error?.contains("obs_value is not an integer") == true)
    }

    @Test func aLargeCubeCountsEveryCell() {
        // 4 x 20 x 254 categories (plus _T each): 5 x 21 x 255 cells, one listed near the end
        let a = ["_T"] + (1...4).map { "a\($0)" }, b = ["_T"] + (1...20).map { "b\($0)" }, c = ["_T"] + (1...254).map { "c\($0)" }
        let header = ["-1\t13\t" + a.joined(separator: "\u{1F}"), "-2\t8\t" + b.joined(separator: "\u{1F}"),
                      "-3\t0\t" + c.joined(separator: "\u{1F}")]
        let last = (4 << 13) + (20 << 8) + 254
        let (cells, error) = run(header + ["\(last)\t9\t\\N"], dimensions: 3)
        #expect(error == nil)
        #expect(cells.count == 5 * 21 * 255)
        #expect(cells.last == "a4,b20,c254=9")
        #expect(cells[255] == "_T,b1,_T=0")
    }
}
