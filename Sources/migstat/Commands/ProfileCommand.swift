import ArgumentParser
import MigstatCore
import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Mapping profiles: how a source's own batch layout reaches the canonical one.",
        discussion: """
            A profile is a Frictionless Data v2 Data Resource descriptor in YAML: the resource's \
            encoding, its Table Dialect (dialect: delimiter, header) and its Table Schema (schema: \
            fieldsMatch, missingValues, fields with name = the canonical column, type, format = \
            a strptime pattern for dates such as "%d.%m.%Y", missingValues, constraints.required), \
            plus two keys migstat adds: x-source (the source's header for the field, a list of \
            accepted spellings, or {constant: VALUE}) and x-codes (source code -> canonical code). \
            birth_date and birth_year fields give age at the event date. Import a file through a \
            profile with `migstat import FILE --profile PATH ...`, or register the profile for its \
            source (`migstat profile add SOURCE PATH`, administrators) and import the source's files \
            with `migstat import FILE --source SOURCE ...`. See README.md, "Mapping profiles".
            """,
        subcommands: [ProfileCheckCommand.self, ProfileAddCommand.self, ProfileListCommand.self, ProfileShowCommand.self])
}

struct ProfileCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a profile, and how a file reads through it, before any import (no database).",
        discussion: """
            Lists the profile's own problems (entry and line), whether the file's header fits, how \
            the first rows map (record_id and person_id are never shown), every source value of a \
            coded column without a translation in x-codes with its count, and the rows whose dates \
            do not match the format. Exit 0 when everything fits, 65 otherwise.

            Example:
              migstat profile check border-export.yaml border-export-2024.csv --rows 5
            """)

    @Argument(help: "The profile (YAML).") var profile: String
    @Argument(help: "A batch file of the source.") var file: String
    @Option(help: "How many rows to show mapped.") var rows: Int = 3

    func run() throws {
        try ExitStatus.run(verbose: false) {
            let check = try ProfileCheck.run(profilePath: profile, file: file, sampleRows: max(0, rows))
            print(check.text)
            if !check.isClean { throw ExitCode(ExitStatus.dataError) }
        }
    }
}

struct ProfileAddCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register a source's mapping profile in the database (administrators).",
        discussion: """
            The profile is checked first, as `profile check` and an import check it (YAML, the profile's own \
            rules, every x-codes target and constant against the database's code lists); with any problem \
            nothing is registered and every problem is named (entry and line), exit 65. Then `migstat import \
            FILE --source SOURCE` reads the source's files through it when no --profile is given. A source \
            keeps one current profile: another one is refused unless --replace, which registers it as the \
            next version (every earlier version stays listed: `profile show SOURCE --history`). The same \
            text again changes nothing. Audited (profile.add, with the SHA-256).

            Example:
              migstat profile add border-export SampleData/profiles/border-export.yaml
            """)

    @Argument(help: "The source (as given to import --source).") var source: String
    @Argument(help: "The profile (YAML).") var path: String
    @Flag(help: "Replace the source's current profile (it stays in the history).") var replace = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard isValidSourceName(source) else {
            throw ValidationError("SOURCE is 1-63 characters: a letter or digit, then letters, digits, '.', '_' or '-'")
        }
    }

    func run(in session: CommandSession) throws {
        let profile = try MappingProfile.load(path: path)
        let connection = try session.database()
        let problems = profile.codeProblems(try CodeStore(connection: connection).codeBook())
        guard problems.isEmpty else {
            throw MigstatError(.badProfile, "the profile translates to codes the database does not have; nothing was registered:\n"
                + problems.map { "  " + $0 }.joined(separator: "\n"), file: path)
        }
        let registration: ProfileRegistration
        do {
            registration = try ProfileStore(connection: connection).add(source: source, profile: profile, replace: replace)
        } catch let error as PQError where error.sqlState == .insufficientPrivilege {
            // EXECUTE is granted to migstat_admin only, so PostgreSQL's message names the function, not the role.
            printError("error: permission denied: \(connection.user) is not a member of migstat_admin (profile add is for administrators: "
                       + "a profile changes how every purpose's batches of the source are read); nothing was registered")
            throw ExitCode(ExitStatus.noPermission)
        } catch let error as PQError where error.sqlState?.rawValue == "MS409" {
            printError("error: \(error.message); nothing was registered (\(error.hint ?? "add --replace to register it as the next version"))")
            throw ExitCode(ExitStatus.dataError)
        }
        ResultPrinter.print(TextTable(registration: registration), format: output.format)
        if registration.unchanged {
            printError("profile of source \(source) unchanged: version \(registration.version) is this profile already (sha256 \(registration.sha256))")
        } else if let previous = registration.previousVersion {
            printError("registered as version \(registration.version) of source \(source)'s profile; version \(previous) stays in the history")
        } else {
            printError("registered as the profile of source \(source): `migstat import FILE --source \(source) --purpose P` now reads its files through it")
        }
    }
}

struct ProfileListCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the registered mapping profiles: each source's current one (loaders, auditors, administrators).",
            discussion: "Example:\n  migstat profile list --history")

    @Flag(help: "Every version, not only the current ones.") var history = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run(in session: CommandSession) throws {
        let profiles = try ProfileStore(connection: session.database()).list(history: history)
        ResultPrinter.print(TextTable(profiles: profiles), format: output.format)
    }
}

struct ProfileShowCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a source's registered profile, byte for byte (loaders, auditors, administrators).",
        discussion: """
            The YAML goes to stdout exactly as registered (its SHA-256 is the one listed), what it is to \
            stderr; `profile show border > border.yaml` gives the file back. --history lists the versions instead.

            Example:
              migstat profile show border-export > border-export.yaml
            """)

    @Argument(help: "The source.") var source: String
    @Option(help: "An earlier version (default: the current one).") var version: Int?
    @Flag(help: "List the source's versions instead of printing one.") var history = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run(in session: CommandSession) throws {
        let store = ProfileStore(connection: try session.database())
        if history {
            let versions = try store.list(source: source, history: true)
            guard !versions.isEmpty else { throw noProfile }
            ResultPrinter.print(TextTable(profiles: versions), format: output.format)
            return
        }
        let found = try version.map { try store.version($0, source: source) } ?? store.current(source: source)
        guard let profile = found else {
            if let version, try store.current(source: source) != nil {
                throw MigstatError(.notFound, "source \(source) has no profile version \(version) (see migstat profile show \(source) --history)")
            }
            throw noProfile
        }
        printError("# profile of source \(profile.source): version \(profile.version) of \(profile.versions)"
                   + (profile.isCurrent ? " (current)" : " (replaced)") + ", sha256 \(profile.sha256), registered by "
                   + "\(profile.registeredBy) at \(profile.registeredAt)")
        var text = profile.text
        text.withUTF8 { bytes in _ = writeAll(STDOUT_FILENO, bytes) }
    }

    private var noProfile: MigstatError {
        MigstatError(.notFound, "no profile is registered for source \(source) (an administrator registers one: migstat profile add \(source) PATH)")
    }
}

/// Writes every byte (retrying short writes).
private func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n <= 0 { return false }
        offset += n
    }
    return true
}

extension TextTable {
    /// `profile add`.
    init(registration r: ProfileRegistration) {
        names = ["source", "version", "sha256", "registered_by", "registered_at", "replaced_version", "unchanged"]
        rows = [[r.source, String(r.version), r.sha256, r.registeredBy, r.registeredAt, r.previousVersion.map { String($0) },
                 r.unchanged ? "t" : "f"]]
    }

    /// `profile list`, `profile show --history`.
    init(profiles: [RegisteredProfile]) {
        names = ["source", "version", "current", "versions", "sha256", "bytes", "registered_by", "registered_at"]
        rows = profiles.map { p in
            [p.source, String(p.version), p.isCurrent ? "t" : "f", String(p.versions), p.sha256, String(p.text.utf8.count),
             p.registeredBy, p.registeredAt]
        }
    }
}
