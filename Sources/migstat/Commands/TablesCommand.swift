import ArgumentParser
import MigstatCore

struct TablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "Declare, list, retire and audit the declared tables of a purpose (its output programme).",
        discussion: """
            A declared table is published with exact counts (migstat report --table NAME --purpose P) from \
            the latest release of its purpose's programme (migstat tables release --purpose P). Its cells \
            are withheld (CONF_STATUS C) jointly with every other declared table of the release, so that no \
            combination of them recovers a small count.

            Stewards of the purpose and administrators declare, release and retire; report readers and \
            auditors list tables and releases; \
            stewards and auditors audit the withheld cells; stewards, auditors and administrators see the \
            information loss.
            """,
        subcommands: [Declare.self, List.self, Release.self, Releases.self, Retire.self, Audit.self, Loss.self],
        defaultSubcommand: List.self)

    struct Declare: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a table of a purpose's output programme (stewards of the purpose, administrators).",
            discussion: "Example:\n  migstat tables declare sex_age --purpose labour_2024 --by sex,age \\\n    --title \"Entries and exits by sex and age\"")
        @Argument(help: "Name: a-z first, then a-z, 0-9, _ (at most 40).") var name: String
        @Option(help: "The purpose whose programme the table joins.") var purpose: String
        @Option(help: "The title shown with the table.") var title: String
        @Option(help: "Comma-separated dimensions, in column order.") var by: String
        @Option(help: "Age bands, e.g. 0-14,15-17,18-24,...,65+ (default: Eurostat 5-year bands).")
        var ageBands: String?
        @Option(help: "Adds the period dimension last: year, quarter or month.") var periodUnit: String?
        @Option(help: "DIM=CODE: the table shows only that code of DIM; repeatable.") var filter: [String] = []
        @OptionGroup var connection: ConnectionOptions

        var dimensions: [String] {
            by.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces().lowercased() }
        }

        func validate() throws {
            guard !dimensions.isEmpty, !dimensions.contains("") else {
                throw ValidationError("--by needs one or more dimensions, separated by commas")
            }
            guard !title.trimmingSpaces().isEmpty else { throw ValidationError("--title must not be empty") }
            if let periodUnit {
                guard ["year", "quarter", "month"].contains(periodUnit) else {
                    throw ValidationError("--period-unit is year, quarter or month")
                }
            }
            _ = try spec()
        }

        /// The declaration.
        func spec() throws -> DeclaredTableSpec {
            var spec = DeclaredTableSpec(purpose: purpose, name: name, title: title, dimensions: dimensions,
                                         ageBands: ageBands, periodUnit: periodUnit)
            do {
                for argument in filter { try spec.addFilter(argument) }
            } catch let error as MigstatError {
                throw ValidationError(error.message)
            }
            return spec
        }

        func run(in session: CommandSession) throws {
            let spec = try spec()
            let id = try DeclaredTableStore(connection: session.database()).declare(spec)
            print("declared table \(spec.name) (#\(id)) of purpose \(spec.purpose): "
                  + spec.dimensions.joined(separator: " \u{00D7} ") + (spec.periodUnit.map { " \u{00D7} period (\($0))" } ?? ""))
        }
    }

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "The declared tables, with their cells and withheld cells in the latest programme run.",
            discussion: "Example:\n  migstat tables list --purpose labour_2024")
        @Option(help: "Only this purpose's tables.") var purpose: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let tables = try DeclaredTableStore(connection: session.database()).list(purpose: purpose)
            ResultPrinter.print(TextTable(declaredTables: tables), format: output.format)
        }
    }

    struct Release: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a purpose's programme: protect every active declared table jointly and publish "
                + "them from this release (stewards of the purpose, administrators).",
            discussion: "Example:\n  migstat tables release --purpose labour_2024")
        @Option(help: "The purpose.") var purpose: String
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let store = DeclaredTableStore(connection: try session.database())
            let run = try store.release(purpose: purpose)
            let release = try? store.releases(purpose: purpose).first { $0.run == run }
            print("released the programme of purpose \(purpose) (run \(run))"
                  + (release.map { ": " + $0.tables.joined(separator: ", ") } ?? ""))
        }
    }

    struct Releases: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "The releases of the programmes: when, by whom, which tables, and whether batches changed since.",
            discussion: "Example:\n  migstat tables releases --purpose labour_2024")
        @Option(help: "Only this purpose's releases.") var purpose: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let releases = try DeclaredTableStore(connection: session.database()).releases(purpose: purpose)
            ResultPrinter.print(TextTable(releases: releases), format: output.format)
        }
    }

    struct Retire: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a declared table: it leaves the programme and stays listed (stewards, administrators).",
            discussion: "Example:\n  migstat tables retire sex_age --purpose labour_2024")
        @Argument var name: String
        @Option(help: "The table's purpose.") var purpose: String
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            try DeclaredTableStore(connection: session.database()).retire(purpose: purpose, name: name)
            print("retired table \(name) of purpose \(purpose)")
        }
    }

    struct Audit: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "The withheld cells of a declared table: true value, primary or secondary, and the interval "
                + "an attacker cannot narrow (stewards of the purpose, auditors).",
            discussion: "Example:\n  migstat tables audit sex_age --purpose labour_2024")
        @Argument var name: String
        @Option(help: "The table's purpose.") var purpose: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let store = DeclaredTableStore(connection: try session.database())
            guard let table = try store.table(purpose: purpose, name: name) else {
                throw MigstatError(.notFound, "purpose \(purpose) has no declared table \(name)")
            }
            let cells = try store.audit(purpose: purpose, name: name)
            ResultPrinter.print(TextTable(withheld: cells, dimensions: table.resultDimensions), format: output.format)
        }
    }

    struct Loss: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "The information loss of every declared table of a purpose (stewards, auditors, administrators).",
            discussion: "Example:\n  migstat tables loss --purpose labour_2024")
        @Option(help: "The purpose.") var purpose: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            let loss = try DeclaredTableStore(connection: session.database()).infoLoss(purpose: purpose)
            ResultPrinter.print(TextTable(infoLoss: loss), format: output.format)
        }
    }
}
