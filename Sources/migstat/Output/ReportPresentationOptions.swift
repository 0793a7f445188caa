import ArgumentParser
import Foundation
import MigstatCore
import MigstatPQ

/// How `migstat report` shows a table: the cross-table layout (`--rows`, `--cols`), label columns in CSV and
/// JSON (`--labels`) and the language of words and labels (`--lang`).
struct ReportPresentationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Table format: the dimensions down the side, outermost first (default: every dimension but --cols).",
                               valueName: "DIM[,DIM...]"))
    var rows: String?
    @Option(help: ArgumentHelp("Table format: the dimension across the top (default: the last with at most 8 categories, e.g. sex or direction). A dimension in neither --rows nor --cols is shown at its total.",
                               valueName: "DIM"))
    var cols: String?
    @Flag(help: "csv and json: a label column (DIM_label) after each dimension's code.")
    var labels = false
    @Option(help: "Language of headings, legends and labels: en, ru or ky (table, html, csv/json labels).")
    var lang: String = "en"

    var rowDimensions: [String]? {
        rows.map { $0.split(separator: ",").map { String($0).trimmingSpaces().lowercased() } }
    }

    var columnDimension: String? { cols.map { $0.trimmingSpaces().lowercased() } }

    var language: ReportLanguage { ReportLanguage(rawValue: lang.lowercased()) ?? .en }

    /// Checks --lang, and --rows/--cols against the report's dimensions (named in the message with what is allowed).
    func check(dimensions: [String]) throws {
        guard ReportLanguage(rawValue: lang.lowercased()) != nil else {
            throw MigstatError(.invalidArgument, "--lang \(lang) is not a language of migstat's reports; allowed: "
                                  + ReportLanguage.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let problem = ReportTextRenderer.layoutProblem(dimensions: dimensions, rows: rowDimensions,
                                                          columns: columnDimension) {
            throw MigstatError(.invalidArgument, problem)
        }
    }

    /// With `--labels`: the label of a code of one of `dimensions` in the language, as `ReportTable.label` gives it
    /// (the code list's label, else migstat's own, else the code), read once before the report so that csv and
    /// json are still written cell by cell; nil without `--labels`.
    func labeler(dimensions: [String], connection: PQConnection) throws -> ((String, String) -> String)? {
        guard labels else { return nil }
        let lists = try CodeStore(connection: connection).labels(for: dimensions, language: language.rawValue)
        let language = language
        return { dimension, code in
            lists[dimension]?[code] ?? ReportLabels.builtIn(dimension: dimension, code: code, language) ?? code
        }
    }

    /// Applies the presentation to `table`: language, layout, width ($COLUMNS, default 100), label columns; the
    /// code labels are read again in the language (English where a code has no translation).
    func apply(to table: inout ReportTable, connection: PQConnection) {
        table.presentation = ReportPresentation(language: language, rows: rowDimensions, columns: columnDimension,
                                                width: ResultPrinter.terminalWidth, withLabels: labels)
        if language != .en, let index = table.parameters.firstIndex(where: { $0.name == "Dimensions" }),
           !table.dimensions.isEmpty {
            table.parameters[index].value = table.dimensions
                .map { ReportLabels.dimensionName($0, language) }.joined(separator: " \u{00D7} ")
        }
        if language != .en, let translated = try? CodeStore(connection: connection)
            .labels(for: table.dimensions, language: language.rawValue) {
            table.labels = translated
        }
    }
}
