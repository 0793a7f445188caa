import ArgumentParser
import MigstatCore
import MigstatPQ

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the append-only, hash-chained audit log (auditors).",
        subcommands: [List.self, Verify.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries.")
        @Option(help: "Only the last N entries.") var last: Int = 50
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try ExitStatus.run(verbose: output.verbose) {
                let db = try connection.connect()
                ResultPrinter.print(try db.execute("""
                    SELECT seq, at, actor, action, details::text AS details FROM
                      (SELECT * FROM migstat.audit_log ORDER BY seq DESC LIMIT $1) t ORDER BY seq
                    """, [String(last)]), format: output.format)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain; with --head, check it still contains a saved head (seq:hash).")
        @Option(help: "A head saved earlier, as SEQ:HASH.") var head: String?
        @OptionGroup var connection: ConnectionOptions
        @Flag var verbose = false

        func run() throws {
            try ExitStatus.run(verbose: verbose) {
                let db = try connection.connect()
                let result = try db.execute("SELECT first_bad_seq, rows_checked, head_seq, head_hash FROM migstat.audit_verify()")
                if let bad = result[0, 0] {
                    printError("audit log broken at seq \(bad)")
                    throw ExitCode(ExitStatus.dataError)
                }
                if let head {
                    let parts = head.split(separator: ":")
                    guard parts.count == 2 else { throw ValidationError("--head is SEQ:HASH") }
                    let row = try db.execute("SELECT encode(hash, 'hex') FROM migstat.audit_log WHERE seq = $1",
                                             [String(parts[0])])
                    guard row.rowCount == 1, row[0, 0] == String(parts[1]) else {
                        printError("audit log does not contain the saved head \(head)")
                        throw ExitCode(ExitStatus.dataError)
                    }
                }
                print("audit log intact: \(result[0, 1] ?? "0") entries; head \(result[0, 2] ?? "0"):\(result[0, 3] ?? "")")
            }
        }
    }
}
