import ArgumentParser
import MigstatCore

extension AccessRole: ExpressibleByArgument {}

struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access", abstract: "Grant, revoke and list roles and compartments (administrators).",
        subcommands: [Grant.self, Revoke.self, List.self], defaultSubcommand: List.self)

    typealias Role = AccessRole

    struct Grant: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a role (and compartments) to a login.",
            discussion: "Example:\n  migstat access grant demo_loader loader --purpose labour_2024")
        @Argument var login: String
        @Argument var role: Role
        @Option(help: "Purpose (compartment) for loader or steward; repeatable.") var purpose: [String] = []
        @Flag(help: "Steward clearance for \(Grant.specialCategories).") var specialCategory = false
        @OptionGroup var connection: ConnectionOptions

        static var specialCategories: String {
            DimensionCatalog.record.filter(\.isSpecialCategory).map(\.name).joined(separator: ", ")
        }

        func run(in session: CommandSession) throws {
            try AccessStore(connection: session.database())
                .grant(login: login, role: role, purposes: purpose, specialCategory: specialCategory)
            print("granted \(role.rawValue) to \(login)" + (purpose.isEmpty ? "" : " for \(purpose.joined(separator: ", "))"))
        }
    }

    struct Revoke: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a role (with all its compartments), or only the named compartments.",
            discussion: "Example:\n  migstat access revoke demo_loader loader --purpose labour_2024")
        @Argument var login: String
        @Argument var role: Role
        @Option(help: "Only these purposes' compartments; repeatable.") var purpose: [String] = []
        @Flag(help: "Only the special-category clearance.") var specialCategory = false
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            try AccessStore(connection: session.database())
                .revoke(login: login, role: role, purposes: purpose, specialCategory: specialCategory)
            print("revoked from \(login)")
        }
    }

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who can do what, read from the PostgreSQL catalog.",
            discussion: "Example:\n  migstat access list --format csv")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            ResultPrinter.print(TextTable(access: try AccessStore(connection: session.database()).list()),
                                format: output.format)
            for risk in try EscalationRisk.all(on: session.database()) { printError(risk.warning) }
        }
    }
}
