import ArgumentParser
import MigstatCore

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Create or upgrade the migstat database.", subcommands: [Init.self])

    struct Init: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations (idempotent) and load the shipped code lists. Run as a superuser.",
            discussion: "Example:\n  migstat db init --dsn \"dbname=migstat user=postgres\"")

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Directory of the numbered SQL migrations (default: ./Schemas or the repository's).")
        var schemasDir: String?

        func run(in session: CommandSession) throws {
            let db = try session.database()
            let directory = schemasDir ?? SchemaMigrator.defaultDirectory(executablePath: CommandLine.arguments[0])
            let outcome = try SchemaMigrator(connection: db, directory: directory).apply()
            for name in outcome.applied { printError("applied \(name)") }
            if !outcome.squashed.isEmpty {
                printError("recorded the baseline in place of migrations \(outcome.squashed.map(String.init).joined(separator: ", "))")
            }
            if outcome.objectsApplied.count <= 10 {
                for path in outcome.objectsApplied { printError("updated \(path)") }
            } else {
                printError("updated \(outcome.objectsApplied.count) declarative files (functions, views, privileges)")
            }
            for path in outcome.objectsMissing {
                printError("warning: \(path) was installed but no longer exists; a migration must drop what it defined")
            }
            for (dimension, count) in outcome.codesLoaded.sorted(by: { $0.key < $1.key }) {
                printError("loaded code list \(dimension) (\(count) codes)")
            }
            for risk in try EscalationRisk.all(on: db) { printError(risk.warning) }
            print("database ready: \(outcome.applied.count) migration(s) applied, \(outcome.alreadyApplied) already present, "
                  + "\(outcome.objectsApplied.count) declarative file(s) updated")
        }
    }
}
