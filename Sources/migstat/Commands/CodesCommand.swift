import ArgumentParser
import MigstatCore

struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes", abstract: "Show and load code lists.", subcommands: [List.self, Load.self],
        defaultSubcommand: List.self)

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "List a code list (or the lists and their sizes).",
            discussion: "Example:\n  migstat codes list worker_category")
        @Argument var dimension: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let store = CodeStore(connection: try session.database())
            let table = if let dimension {
                TextTable(codes: try store.codes(of: dimension))
            } else {
                TextTable(codeLists: try store.lists())
            }
            ResultPrinter.print(table, format: output.format)
        }
    }

    struct Load: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a code list from a CSV file with columns code,label (administrators).",
            discussion: "Example: migstat codes load ethnicity national-ethnicity.csv --replace")
        @Argument var dimension: String
        @Argument var file: String
        @Flag(help: "Deactivate codes of the list that the file no longer has (kept for stored records).")
        var replace = false
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let lists = try CodeListFile.read(path: file, dimension: dimension)
            guard let list = lists.first, lists.count == 1, list.dimension == dimension else {
                throw MigstatError(.badHeader, "the file must hold one list, for \(dimension)", file: file)
            }
            try CodeStore(connection: session.database()).load(list, replace: replace)
            print("loaded \(list.codes.count) codes into \(dimension)")
        }
    }
}
