import ArgumentParser
import MigstatCore
import MigstatPQ

struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access", abstract: "Grant, revoke and list roles and compartments (administrators).",
        subcommands: [Grant.self, Revoke.self, List.self], defaultSubcommand: List.self)

    enum Role: String, ExpressibleByArgument, CaseIterable {
        case loader, analyst, steward, auditor, admin
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a role (and compartments) to a login.")
        @Argument var login: String
        @Argument var role: Role
        @Option(help: "Purpose (compartment) for loader or steward; repeatable.") var purpose: [String] = []
        @Flag(help: "Steward clearance for ethnicity, disability and migration_status.") var specialCategory = false
        @OptionGroup var connection: ConnectionOptions
        @Flag var verbose = false

        func run() throws {
            try ExitStatus.run(verbose: verbose) {
                let db = try connection.connect()
                _ = try db.execute("SELECT migstat.access_grant($1, $2, $3::text[], $4)",
                                   [login, role.rawValue, pgArray(purpose), specialCategory ? "true" : "false"])
                print("granted \(role.rawValue) to \(login)" + (purpose.isEmpty ? "" : " for \(purpose.joined(separator: ", "))"))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a role (with all its compartments), or only the named compartments.")
        @Argument var login: String
        @Argument var role: Role
        @Option(help: "Only these purposes' compartments; repeatable.") var purpose: [String] = []
        @Flag(help: "Only the special-category clearance.") var specialCategory = false
        @OptionGroup var connection: ConnectionOptions
        @Flag var verbose = false

        func run() throws {
            try ExitStatus.run(verbose: verbose) {
                let db = try connection.connect()
                _ = try db.execute("SELECT migstat.access_revoke($1, $2, $3::text[], $4)",
                                   [login, role.rawValue, pgArray(purpose), specialCategory ? "true" : "false"])
                print("revoked from \(login)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who can do what, read from the PostgreSQL catalog.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                ResultPrinter.print(try db.execute(
                    "SELECT login, role, purpose, access FROM migstat.access ORDER BY login, role, purpose NULLS FIRST, access"),
                    format: output.format)
            }
        }
    }
}
