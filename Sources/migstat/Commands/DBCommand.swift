import ArgumentParser
import MigstatCore
import MigstatPQ

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Create or upgrade the migstat database.", subcommands: [Init.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations (idempotent) and load the shipped code lists. Run as a superuser.")

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Directory of the numbered SQL migrations (default: ./Schemas or the repository's).")
        var schemasDir: String?
        @Flag(help: "Show the database's detail and hint with errors.") var verbose = false

        func run() throws {
            try ExitStatus.run(verbose: verbose) {
                let db = try connection.connect()
                let directory = schemasDir ?? SchemaMigrator.defaultDirectory(executablePath: CommandLine.arguments[0])
                let outcome = try SchemaMigrator(connection: db, directory: directory).apply()
                for name in outcome.applied { printError("applied \(name)") }
                for (dimension, count) in outcome.codesLoaded.sorted(by: { $0.key < $1.key }) {
                    printError("loaded code list \(dimension) (\(count) codes)")
                }
                print("database ready: \(outcome.applied.count) migration(s) applied, \(outcome.alreadyApplied) already present")
            }
        }
    }
}
