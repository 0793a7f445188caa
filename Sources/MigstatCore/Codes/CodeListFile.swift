import MigstatPQ

/// A code-list file: CSV with header `dimension,code,label,parent,level,sort_order`
/// (the shipped lists in `Schemas/codes/`), or `code,label` for one dimension given on the
/// command line (`migstat codes load ethnicity FILE`).
package struct CodeListFile: Sendable {
    /// One code list read from a file.
    package struct List: Sendable {
        package var dimension: String
        package var codes: [String] = []
        package var labels: [String] = []
        package var parents: [String?] = []
        package var levels: [Int] = []
    }

    /// Reads a code-list file.
    /// - Parameters:
    ///   - path: the file.
    ///   - dimension: for a two-column `code,label` file, the dimension it is for.
    /// - Throws: `MigstatError(.badHeader)` or `.malformedCSV` with the line.
    package static func read(path: String, dimension: String? = nil) throws -> [List] {
        let reader: CSVReader
        do { reader = try CSVReader(path: path) } catch { throw MigstatError(.fileUnreadable, "cannot open", file: path) }
        var record = CSVRecord()
        var lists: [String: List] = [:]
        var order: [String] = []
        do {
            guard try reader.next(into: &record) else { throw MigstatError(.badHeader, "empty file", file: path) }
            let header = record.strings.map { $0.trimmingSpaces().lowercased() }
            let col = { (name: String) in header.firstIndex(of: name) }
            guard let codeIndex = col("code"), let labelIndex = col("label") else {
                throw MigstatError(.badHeader, "the header needs code and label columns", file: path, line: 1)
            }
            let dimensionIndex = col("dimension")
            guard dimensionIndex != nil || dimension != nil else {
                throw MigstatError(.badHeader, "no dimension column and no dimension given", file: path, line: 1)
            }
            while try reader.next(into: &record) {
                guard record.count == header.count else {
                    throw MigstatError(.malformedCSV, "number of fields differs from the header", file: path,
                                       line: record.line)
                }
                let dim = dimension ?? record.string(dimensionIndex!).trimmingSpaces()
                let code = record.string(codeIndex).trimmingSpaces().uppercased()
                guard !code.isEmpty, code.count <= 20 else {
                    throw MigstatError(.malformedCSV, "codes are 1 to 20 characters", file: path, line: record.line,
                                       column: "code")
                }
                if lists[dim] == nil {
                    lists[dim] = List(dimension: dim)
                    order.append(dim)
                }
                lists[dim]!.codes.append(code)
                lists[dim]!.labels.append(record.string(labelIndex).trimmingSpaces())
                let parent = col("parent").map { record.string($0).trimmingSpaces() }
                lists[dim]!.parents.append(parent?.isEmpty == false ? parent : nil)
                lists[dim]!.levels.append(col("level").flatMap { Int(record.string($0).trimmingSpaces()) } ?? 1)
            }
        } catch let error as CSVError {
            throw MigstatError(.malformedCSV, error.message, file: path, line: error.line)
        }
        return order.map { lists[$0]! }
    }
}

