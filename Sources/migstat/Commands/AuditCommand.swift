import ArgumentParser
import MigstatCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the append-only, hash-chained audit log (auditors).",
        subcommands: [List.self, Verify.self], defaultSubcommand: List.self)

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries.")
        @Option(help: "Only the last N entries.") var last: Int = 50
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run(in session: CommandSession) throws {
            ResultPrinter.print(TextTable(audit: try AuditStore(connection: session.database()).list(last: last)),
                                format: output.format)
        }
    }

    struct Verify: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain; with --head, check it still contains a saved head (seq:hash).")
        @Option(help: "A head saved earlier, as SEQ:HASH.") var head: String?
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            if let head, AuditHead(head) == nil { throw ValidationError("--head is SEQ:HASH") }
        }

        func run(in session: CommandSession) throws {
            switch try AuditStore(connection: session.database()).verify(savedHead: head.flatMap(AuditHead.init)) {
            case .broken(let seq):
                printError("audit log broken at seq \(seq)")
                throw ExitCode(ExitStatus.dataError)
            case .headMissing(let saved):
                printError("audit log does not contain the saved head \(saved)")
                throw ExitCode(ExitStatus.dataError)
            case .intact(let entries, let current):
                print("audit log intact: \(entries) entries; head \(current.map { "\($0)" } ?? "0:")")
            }
        }
    }
}
