import ArgumentParser
import MigstatCore
import MigstatPQ

struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes", abstract: "Show and load code lists.", subcommands: [List.self, Load.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a code list (or the lists and their sizes).")
        @Argument var dimension: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                let result = if let dimension {
                    try db.execute(
                        "SELECT code, label, parent, active FROM migstat.code WHERE dimension = $1 ORDER BY sort_order",
                        [dimension])
                } else {
                    try db.execute(
                        "SELECT dimension, count(*) FILTER (WHERE active) AS codes FROM migstat.code GROUP BY 1 ORDER BY 1")
                }
                ResultPrinter.print(result, format: output.format)
            }
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a code list from a CSV file with columns code,label (administrators).",
            discussion: "Example: migstat codes load ethnicity national-ethnicity.csv --replace")
        @Argument var dimension: String
        @Argument var file: String
        @Flag(help: "Deactivate codes of the list that the file no longer has (kept for stored records).")
        var replace = false
        @OptionGroup var connection: ConnectionOptions
        @Flag var verbose = false

        func run() throws {
            try ExitStatus.run(verbose: verbose) {
                let lists = try CodeListFile.read(path: file, dimension: dimension)
                guard let list = lists.first, lists.count == 1, list.dimension == dimension else {
                    throw MigstatError(.badHeader, "the file must hold one list, for \(dimension)", file: file)
                }
                let db = try connection.connect()
                try db.transaction { try CodeListFile.load(list, into: db, replace: replace) }
                print("loaded \(list.codes.count) codes into \(dimension)")
            }
        }
    }
}
