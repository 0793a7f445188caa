import Testing

@testable import MigstatCore

/// The shipped p-table (`Schemas/ptable/ptable.csv`, made by `Scripts/make-ptable.py`, `Docs/PTABLE.md`).
@Suite struct PTableTests {
    static func shipped() throws -> PTable {
        let root = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
            .joined(separator: "/")
        return try PTable(csv: readFile(root + "/Schemas/" + PTableInstaller.file))
    }

    @Test func everyPCVCoversEveryCellKeyOnceAndNeverPublishesOneOrTwo() throws {
        let table = try Self.shipped()
        #expect(table.problems(maxDeviation: 3, smallestPublished: 3) == [])
        #expect(Set(table.rows.map(\.pcv)) == Set(0...750))
    }

    @Test func perturbationIsBoundedByThree() throws {
        #expect(try Self.shipped().rows.allSatisfy { abs($0.pvalue) <= 3 })
    }

    @Test func zeroStaysZero() throws {
        let zero = try Self.shipped().rows.filter { $0.pcv == 0 }
        #expect(zero == [PTable.Row(pcv: 0, ckeyLow: 0, ckeyHigh: 255, pvalue: 0)])
    }

    @Test func unbiasedWithinQuantisationAndVarianceTwo() throws {
        let table = try Self.shipped()
        for pcv in 1...750 {
            let (mean, variance) = table.moments(pcv: pcv)
            #expect(abs(mean) <= 1.0 / 256 + 1e-12, "pcv \(pcv): mean \(mean)")
            #expect(abs(variance - 2) <= 4.0 / 256, "pcv \(pcv): variance \(variance)")
        }
    }

    @Test func refusesATableThatPublishesAOne() throws {
        var table = try Self.shipped()
        let index = table.rows.firstIndex { $0.pcv == 4 && $0.pvalue == -1 }!
        table.rows[index].pvalue = -3
        #expect(!table.problems().isEmpty)
        #expect(throws: MigstatError.self) { try PTable(csv: "pcv,ckey_lo,ckey_hi,pvalue\n1,2,x,4\n") }
    }
}
