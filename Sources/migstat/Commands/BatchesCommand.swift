import ArgumentParser
import MigstatCore

struct BatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches", abstract: "List, show and withdraw imported batches.",
        subcommands: [List.self, Show.self, Withdraw.self], defaultSubcommand: List.self)

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "List batches.",
            discussion: "Example:\n  migstat batches list --format csv")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            ResultPrinter.print(TextTable(batches: try BatchStore(connection: session.database()).list()),
                                format: output.format)
        }
    }

    struct Show: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "Show one batch.",
            discussion: "Example:\n  migstat batches show 3 --format json")
        @Argument var id: Int
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            guard let batch = try BatchStore(connection: session.database()).batch(id: id) else {
                throw MigstatError(.notFound, "no batch \(id)")
            }
            ResultPrinter.print(TextTable(batch: batch), format: output.format)
        }
    }

    struct Withdraw: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a batch sent by mistake: drops all its records, keeps a record that it did.",
            discussion: "Example:\n  migstat batches withdraw 3 --reason \"sent twice by the registry\"")
        @Argument var id: Int
        @Option(help: "Why the batch is withdrawn (kept in the batch list and the audit log).") var reason: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let withdrawal = try BatchStore(connection: session.database()).withdraw(id: id, reason: reason)
            ResultPrinter.print(TextTable(withdrawal: withdrawal), format: output.format)
        }
    }
}
