import ArgumentParser
import Foundation
import MigstatCore

struct EstimatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimates",
        abstract: "Estimates from studies and other sources, shown in reports flagged E and never added to counts.",
        discussion: """
            Examples:
              migstat estimates import irregular-2024.csv --source study-irr-2024 --purpose labour_2024
              migstat estimates list --purpose labour_2024
              migstat estimates withdraw 3 --reason "replaced by the study's revised figures"
            """,
        subcommands: [Import.self, List.self, Withdraw.self])

    struct Import: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CSV of estimates for a purpose (loaders of its compartment); all rows or none.",
            discussion: """
                Columns: \(EstimatesFile.required.joined(separator: ", ")) are required (period_from and \
                period_to as YYYY-MM-DD); \(EstimatesFile.optional.joined(separator: ", ")) are optional; any \
                other column is a dimension (\(EstimatesFile.dimensions.joined(separator: ", "))) whose empty \
                cell means the total over it. Errors name the line and column, never a value. A file whose \
                content (SHA-256) was imported before is refused, whatever its name, until that import is \
                withdrawn.

                Example:
                  migstat estimates import irregular-2024.csv --source study-irr-2024 --purpose labour_2024
                """)

        @Argument(help: "The estimates file (CSV).") var file: String
        @Option(help: "Where the estimates come from (a source name, e.g. survey-irr-2024).") var source: String
        @Option(help: "The purpose the estimates belong to.") var purpose: String
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let estimates = try EstimatesFile(path: file)
            let sha256 = try BatchImporter.sha256(ofFile: file)
            let stored = try EstimateStore(connection: session.database())
                .store(estimates, source: source, purpose: purpose, sha256: sha256)
            print("imported \(stored) estimate\(stored == 1 ? "" : "s") from \(file) "
                  + "(source \(source), purpose \(purpose), sha256 \(sha256.prefix(12)))")
        }
    }

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the imports of estimates (every migstat role).",
            discussion: """
                One line per imported file: its id (for withdraw), purpose, source, file, SHA-256, number of \
                estimates, the periods they cover, who imported it and when, and whether it was withdrawn.

                Example:
                  migstat estimates list --purpose labour_2024 --format csv
                """)

        @Option(help: "Only this purpose's estimates.") var purpose: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let imports = try EstimateStore(connection: session.database()).list(purpose: purpose)
            ResultPrinter.print(TextTable(estimates: imports), format: output.format)
        }
    }

    struct Withdraw: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw an import of estimates: reports no longer show them; the import stays listed.",
            discussion: """
                Loaders of the purpose and administrators may withdraw. The estimates are deleted, the import \
                is kept as withdrawn with who, when and why, and the audit log records it (estimates.withdraw). \
                The same file may then be imported again.

                Example:
                  migstat estimates withdraw 3 --reason "replaced by the study's revised figures"
                """)

        @Argument(help: "The import's id (migstat estimates list).") var id: Int
        @Option(help: "Why the estimates are withdrawn (kept in the list and the audit log).") var reason: String
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let removed = try EstimateStore(connection: session.database()).withdraw(id: id, reason: reason)
            print("withdrew estimates \(id): \(removed) estimate\(removed == 1 ? "" : "s") removed")
        }
    }
}

extension TextTable {
    /// `estimates list`.
    init(estimates: [EstimateImport]) {
        names = ["id", "purpose", "source", "file_name", "sha256", "estimates", "period_from", "period_to", "status",
                 "imported_at", "imported_by", "withdrawn_at", "withdrawn_by", "withdraw_reason"]
        rows = estimates.map { e in
            [String(e.id), e.purpose, e.source, e.fileName, e.sha256, String(e.estimates), e.periodFrom, e.periodTo,
             e.status, e.importedAt, e.importedBy, e.withdrawnAt, e.withdrawnBy, e.withdrawReason]
        }
    }
}

/// The notices of `migstat.report` about estimates it left out (`estimates left out: …`), as note lines.
final class EstimateNotes {
    private(set) var lines: [String] = []
    private static let prefix = "estimates left out: "

    /// Takes a notice as `PQConnection.noticeHandler` gives it (`NOTICE: message`).
    func receive(_ notice: String) {
        guard let range = notice.range(of: Self.prefix) else { return }
        lines.append(String(notice[range.upperBound...]))
    }
}
