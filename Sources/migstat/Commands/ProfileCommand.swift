import ArgumentParser
import MigstatCore

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Mapping profiles: how a source's own batch layout reaches the canonical one.",
        discussion: """
            A profile is a Frictionless Data v2 Data Resource descriptor in YAML: the resource's
            encoding, its Table Dialect (dialect: delimiter, header) and its Table Schema (schema:
            fieldsMatch, missingValues, fields with name = the canonical column, type, format =
            a strptime pattern for dates such as "%d.%m.%Y", missingValues, constraints.required),
            plus two keys migstat adds: x-source (the source's header for the field, a list of
            accepted spellings, or {constant: VALUE}) and x-codes (source code -> canonical code).
            birth_date and birth_year fields give age at the event date. Import a file through a
            profile with `migstat import FILE --profile PATH ...`. See README.md, "Mapping profiles".
            """,
        subcommands: [ProfileCheckCommand.self])
}

struct ProfileCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a profile, and how a file reads through it, before any import (no database).",
        discussion: """
            Lists the profile's own problems (entry and line), whether the file's header fits, how
            the first rows map (record_id and person_id are never shown), every source value of a
            coded column without a translation in x-codes with its count, and the rows whose dates
            do not match the format. Exit 0 when everything fits, 65 otherwise.
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
