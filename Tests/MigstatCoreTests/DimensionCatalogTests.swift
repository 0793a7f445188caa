import Testing

@testable import MigstatCore

@Suite struct DimensionCatalogTests {
    @Test func theNineDimensionsOfParagraph20AreMarked() {
        let nine = DimensionCatalog.record.filter(\.isParagraph20).map(\.name)
        #expect(nine == ["sex", "age", "nationality", "reason", "occupation", "worker_category", "ethnicity",
                         "migration_status", "disability"])
    }

    @Test func specialCategoriesAreEthnicityMigrationStatusAndDisability() {
        #expect(DimensionCatalog.specialCategoryNames == ["ethnicity", "migration_status", "disability"])
    }

    @Test func namesAreUniqueAndReportOrderIsRecordThenDerived() {
        let names = DimensionCatalog.reportNames
        #expect(Set(names).count == names.count)
        #expect(names.suffix(3) == ["source", "purpose", "period"])
        #expect(DimensionCatalog.named("period")?.sdmxID == "TIME_PERIOD")
        #expect(DimensionCatalog.named("gender") == nil)
    }

    /// The batch layout's dimension columns are the catalogue's record dimensions, in the same order, so the
    /// encoder's COPY columns and the SQL's catalogue cannot drift from the layout.
    @Test func theBatchLayoutHasEveryRecordDimensionInCatalogueOrder() {
        #expect(CanonicalColumn.dimensions.map(\.rawValue) == DimensionCatalog.record.map(\.name))
        let layoutDimensions = CanonicalColumn.allCases.filter { DimensionCatalog.named($0.rawValue) != nil }
        #expect(layoutDimensions == CanonicalColumn.dimensions)
        #expect(RecordEncoder.copyColumns.count == RecordEncoder.fieldCount)
    }

    @Test func requiredColumnsAndCodeListsComeFromTheCatalogue() {
        let required = CanonicalColumn.allCases.filter(\.isRequired).map(\.rawValue)
        #expect(required == ["record_id", "event_date", "direction", "sex", "nationality", "migration_status"])
        #expect(CanonicalColumn.nationality.codeList == "country")
        #expect(CanonicalColumn.age.codeList == nil)
        #expect(CanonicalColumn.personID.codeList == nil)
    }
}
