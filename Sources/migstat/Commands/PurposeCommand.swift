import ArgumentParser
import MigstatCore

struct PurposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purpose", abstract: "Declare, list, end and extend statistical purposes (compartments).",
        discussion: """
            A purpose's life: active -> closed (purpose end, or its retention date comes; no new batches) -> purged \
            (migstat purge --execute, or the scheduled run: its record-level data dropped whole, its key destroyed, \
            its declared tables preserved).
            """,
        subcommands: [Add.self, List.self, End.self, Extend.self], defaultSubcommand: List.self)

    struct Add: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a purpose with its retention rule and create its pseudonym key (administrators).",
            discussion: """
                The purpose's key (32 random bytes) is created in the key directory and its fingerprint (an HMAC of a \
                constant, never the key) registered in the database, in the same transaction: imports with another key \
                are refused. Copy the key file to every machine that imports into the purpose.

                Example:
                  migstat purpose add labour_2024 --retain-until \"5 years\" \\
                    --description \"Labour migration flows, 2024\"
                """)
        @Argument(help: "Name: a-z first, then a-z, 0-9, _ (at most 30).") var name: String
        @Option(help: "What the data is collected for.") var description: String
        @Option(help: "Date (YYYY-MM-DD) after which its record-level data is purged, or a duration from today (\"5 years\").")
        var retainUntil: String
        @Option(help: "Directory of the pseudonymisation keys (default: MIGSTAT_KEY_DIR, else ~/.migstat/keys).")
        var keyDir: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !description.trimmingSpaces().isEmpty else { throw ValidationError("--description must not be empty") }
        }

        func run(in session: CommandSession) throws {
            session.keyStore = KeyStore.resolve(override: keyDir)
            let (purpose, keyPath) = try PurposeStore(connection: session.database())
                .add(name: name, description: description, retainUntil: retainUntil, keyStore: session.keyStore)
            ResultPrinter.print(TextTable(declared: purpose), format: output.format)
            printError("key file: \(keyPath) (copy it to every machine that imports into \(purpose.name))")
        }
    }

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "List purposes: rule, the date the purge falls due, state and days left (every role).",
            discussion: "Example:\n  migstat purpose list --format csv")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            ResultPrinter.print(TextTable(lifecycle: try PurposeStore(connection: session.database()).lifecycle()),
                                format: output.format)
        }
    }

    struct End: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a purpose now, its purpose achieved (administrators): closed, its purge due today.",
            discussion: "Then: migstat purge --purpose NAME (a dry run), and --execute, or the scheduled run.\n\nExample:\n  migstat purpose end labour_2024 --reason \"report sent to the Committee\"")
        @Argument(help: "The purpose.") var name: String
        @Option(help: "Why the purpose of collection is achieved (recorded in the audit log).") var reason: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !reason.trimmingSpaces().isEmpty else { throw ValidationError("--reason must not be empty") }
        }

        func run(in session: CommandSession) throws {
            let change = try PurposeStore(connection: session.database()).end(purpose: name, reason: reason)
            ResultPrinter.print(TextTable(change: change), format: output.format)
            printError("purpose \(change.name) is closed; its purge is due \(change.retainUntil): "
                       + "migstat purge --purpose \(change.name) shows what it drops")
        }
    }

    struct Extend: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an active purpose's retention date later (administrators).",
            discussion: "Past the date its declared rule gave, only with --reason (recorded in the audit log).\n\nExample:\n  migstat purpose extend labour_2024 --until 2032-12-31 --reason \"follow-up\"")
        @Argument(help: "The purpose.") var name: String
        @Option(help: "The new retention date, YYYY-MM-DD.") var until: String
        @Option(help: "Why (required past the declared rule).") var reason: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard until.count == 10, until.allSatisfy({ $0.isNumber || $0 == "-" }) else {
                throw ValidationError("--until must be a date YYYY-MM-DD")
            }
        }

        func run(in session: CommandSession) throws {
            let change = try PurposeStore(connection: session.database())
                .extend(purpose: name, until: until, reason: reason)
            ResultPrinter.print(TextTable(change: change), format: output.format)
        }
    }
}

extension TextTable {
    /// `purpose list`: rule, due date, state and days left.
    init(lifecycle purposes: [PurposeLifecycle]) {
        names = ["name", "description", "retention_rule", "due", "status", "days_left", "closed_at", "close_reason",
                 "purged_at", "purge_verified_at"]
        rows = purposes.map { p in
            [p.name, p.description, p.retentionRule, p.retainUntil, p.status, p.daysLeft.map { String($0) },
             p.closedAt, p.closeReason, p.purgedAt, p.purgeVerifiedAt]
        }
    }

    /// `purpose end`, `purpose extend`.
    init(change: PurposeChange) {
        names = ["name", "status", "due", "rule_until", "close_reason"]
        rows = [[change.name, change.status, change.retainUntil, change.ruleUntil, change.closeReason]]
    }
}
