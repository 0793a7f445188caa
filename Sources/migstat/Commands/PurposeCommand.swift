import ArgumentParser
import MigstatCore

struct PurposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purpose", abstract: "Declare and list statistical purposes (compartments).",
        subcommands: [Add.self, List.self], defaultSubcommand: List.self)

    struct Add: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a purpose with its retention rule (administrators).")
        @Argument(help: "Name: a-z first, then a-z, 0-9, _ (at most 30).") var name: String
        @Option(help: "What the data is collected for.") var description: String
        @Option(help: "Date (YYYY-MM-DD) after which its record-level data is purged, or a duration from today (\"5 years\").")
        var retainUntil: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !description.trimmingSpaces().isEmpty else { throw ValidationError("--description must not be empty") }
        }

        func run(in session: CommandSession) throws {
            let purpose = try PurposeStore(connection: session.database())
                .add(name: name, description: description, retainUntil: retainUntil)
            ResultPrinter.print(TextTable(declared: purpose), format: output.format)
        }
    }

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "List purposes with their retention rules.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            ResultPrinter.print(TextTable(purposes: try PurposeStore(connection: session.database()).list()),
                                format: output.format)
        }
    }
}
