import ArgumentParser
import MigstatCore
import MigstatPQ

struct BatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches", abstract: "List, show and withdraw imported batches.",
        subcommands: [List.self, Show.self, Withdraw.self], defaultSubcommand: List.self)

    static let columns = """
        id, source, purpose, file_name, sha256, rows_read AS rows, accepted, rejected, status,
        imported_at, imported_by
        """

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List batches.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                ResultPrinter.print(try db.execute("SELECT \(BatchesCommand.columns) FROM migstat.batches ORDER BY id"),
                                    format: output.format)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one batch.")
        @Argument var id: Int
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                let result = try db.execute("SELECT * FROM migstat.batches WHERE id = $1", [String(id)])
                guard result.rowCount == 1 else { throw MigstatError(.notFound, "no batch \(id)") }
                ResultPrinter.print(result, format: output.format)
            }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a batch sent by mistake: drops all its records, keeps a record that it did.")
        @Argument var id: Int
        @Option(help: "Why the batch is withdrawn (kept in the batch list and the audit log).") var reason: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                let result = try db.execute(
                    "SELECT id, status, accepted AS records_removed, withdrawn_at, withdrawn_by FROM migstat.withdraw_batch($1, $2)",
                    [String(id), reason])
                ResultPrinter.print(result, format: output.format)
            }
        }
    }
}
