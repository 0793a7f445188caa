import ArgumentParser
import MigstatCore
import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ImportCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV batch of migration-flow records (whole or not at all).",
        discussion: """
            Validates every row against the canonical layout (Docs/flow-records.md), pseudonymises person_id \
            with the purpose's key (never sent to the database), and loads the batch in one transaction. Strict \
            by default: with any rejected row nothing is stored. The rejects file lists line, column and reason \
            for each problem, never a value. A file whose content (SHA-256) was imported before is refused.

            Examples:
              migstat import border-2024.csv --source border --purpose labour_2024
              migstat import reg.csv --source registry --purpose labour_2024 \\
                --delimiter ';' --max-rejects 1% --format json
              migstat import export.csv --source border-export --purpose labour_2024 \\
                --profile SampleData/profiles/border-export.yaml
            """)

    @Argument(help: "The batch file (canonical CSV layout).") var file: String
    @Option(help: "Who recorded the events (border, labour-registry, consulate, survey-2024, ...).") var source: String
    @Option(help: "The declared purpose the batch is collected for.") var purpose: String
    @Option(help: "Field delimiter: ',' (default), ';' or tab.") var delimiter: String?
    @Option(help: "Text encoding: utf-8 (default) or windows-1251.") var encoding: String?
    @Option(help: ArgumentHelp("A mapping profile (Frictionless Data Resource in YAML) for a non-canonical layout.",
                               discussion: "Its dialect and encoding apply; see `migstat profile --help`."))
    var profile: String?
    @Flag(help: "The canonical layout, even if a profile is registered for the source (`migstat profile list`).")
    var noProfile = false
    @Option(help: "Rejected rows allowed before the batch is refused: N or P% (0: strict).")
    var maxRejects: String = "0"
    @Option(help: "Where to write the rejects file (default: FILE.rejects.csv).") var rejects: String?
    @Option(help: "Header column to accept and skip (repeatable).") var ignoreColumn: [String] = []
    @Option(help: "Directory of the pseudonymisation keys (default: $MIGSTAT_KEY_DIR or ~/.migstat/keys).")
    var keyDir: String?
    @Flag(help: "Validate and load in a transaction, then roll back.") var dryRun = false
    @Option(help: "Summary format: table (text) or json.") var format: SummaryFormat = .table
    @Flag(help: .hidden) var json = false  // the old spelling of --format json
    @OptionGroup var connection: ConnectionOptions

    var delimiterByte: UInt8? {
        switch (delimiter ?? ",").lowercased() {
        case ",": UInt8(ascii: ",")
        case ";": UInt8(ascii: ";")
        case "tab", "\t", "\\t": UInt8(ascii: "\t")
        default: nil
        }
    }

    func validate() throws {
        guard delimiterByte != nil else { throw ValidationError("--delimiter must be ',', ';' or tab") }
        guard TextEncoding(name: encoding ?? "utf-8") != nil else {
            throw ValidationError("--encoding must be utf-8 or windows-1251")
        }
        if profile != nil, noProfile { throw ValidationError("--profile and --no-profile exclude each other") }
        if profile != nil, delimiter != nil || encoding != nil {
            throw ValidationError("--profile gives the delimiter and encoding (dialect.delimiter, encoding): leave out --delimiter and --encoding")
        }
        guard RejectLimit(maxRejects) != nil else { throw ValidationError("--max-rejects must be N or P% (0-100)") }
        guard isValidSourceName(source) else {
            throw ValidationError("--source is 1-63 characters: a letter or digit, then letters, digits, '.', '_' or '-'")
        }
    }

    /// The import's options, from the arguments.
    func options() throws -> ImportOptions {
        var options = ImportOptions(path: file, source: source, purpose: purpose,
                                    keyStore: KeyStore.resolve(override: keyDir))
        options.delimiter = delimiterByte!
        options.encoding = TextEncoding(name: encoding ?? "utf-8")!
        options.profile = try profile.map { try MappingProfile.load(path: $0) }
        options.maxRejects = RejectLimit(maxRejects)!
        options.rejectsPath = rejects
        options.dryRun = dryRun
        options.ignoredColumns = ignoreColumn
        return options
    }

    func run(in session: CommandSession) throws {
        var options = try options()
        let connection = try session.database()
        // Without --profile, the profile registered for the source, if any (issue 12); the batch records
        // the SHA-256 of the profile its file is read through.
        let profiles = ProfileStore(connection: connection)
        if profile == nil, !noProfile, let registered = try registeredProfile(profiles) {
            if delimiter != nil || encoding != nil {
                throw MigstatError(.invalidArgument, "source \(source) has a registered profile (version \(registered.version)), which gives the delimiter and encoding: leave out --delimiter and --encoding, or add --no-profile for a canonical file")
            }
            options.profile = try registered.mappingProfile()
        }
        try profiles.reportProfile(sha256: options.profile?.sha256)
        // A canonical file's header: every problem at once, a missing header without quoting the line (issue 12).
        if options.profile == nil, let problem = CanonicalHeaderCheck.problem(
            path: file, delimiter: options.delimiter, encoding: options.encoding, ignoring: ignoreColumn) {
            throw problem
        }
        let importer = BatchImporter(connection: connection, logger: session.logger)
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
        let summary = try importer.run(options) { rows, bytes, total in
            bar.update(rows: rows, bytes: bytes, total: total)
        }
        bar.finish()
        let json = self.json || format == .json
        print(json ? summary.json : summary.text)
        if !json, !summary.rejectGroups.isEmpty { printError(summary.rejectGroupsText) }
        if summary.outcome == .rolledBack {
            printError("error: \(file): \(summary.rejected) of \(summary.rows) rows rejected "
                       + "(limit \(options.maxRejects)); nothing was imported" + (dryRun ? " (dry run)" : "")
                       + (summary.rejectsFile.map { "; see \($0)" } ?? ""))
            throw ExitCode(ExitStatus.dataError)
        }
    }
}

extension ImportCommand {
    /// `--format` of the import summary.
    enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    /// The source's registered profile; nil when there is none, or when the user may not read profiles (only
    /// loaders import: begin_batch then refuses a non-loader with its own message).
    func registeredProfile(_ profiles: ProfileStore) throws -> RegisteredProfile? {
        do {
            return try profiles.current(source: source)
        } catch let error as PQError where error.sqlState == .insufficientPrivilege {
            return nil
        }
    }
}

/// Source names as the database accepts them (`migstat.source.name`).
func isValidSourceName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard (1...63).contains(bytes.count) else { return false }
    func alnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
    return alnum(bytes[0]) && bytes.dropFirst().allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
}
