import ArgumentParser
import Foundation
import MigstatCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read, export, prove and verify the append-only audit log, an RFC 6962 Merkle tree (auditors).",
        discussion: """
            Every audited action writes its entry in its own transaction; entries are sealed into the tree in \
            order after commit (by any reader, or `audit head`). Keep checkpoints (`audit head`) outside the \
            database: `audit verify --head` proves today's log extends one, `audit prove SEQ` gives an inclusion \
            proof that `audit check-proof FILE` checks with no database.
            """,
        subcommands: [List.self, Show.self, Head.self, Prove.self, CheckProof.self, Export.self, Verify.self, Keygen.self],
        defaultSubcommand: List.self)

    struct List: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries (the last N that match).",
            discussion: "Example:\n  migstat audit list --action batch.withdraw --since 2024-01-01 --last 20")
        @Option(help: "Only the last N matching entries.") var last: Int = 50
        @Option(help: "Entries at or after this time (PostgreSQL timestamptz text, e.g. 2026-01-31 or '2026-01-31 12:00+01').") var since: String?
        @Option(help: "Entries before this time.") var until: String?
        @Option(help: "Entries by this database user.") var user: String?
        @Option(help: "Entries of this action (batch.import, extract, report.run, access.grant, ...).") var action: String?
        @Option(help: "Entries naming this purpose.") var purpose: String?
        @Option(help: "Entries naming this batch id.") var batch: Int?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if last < 0 { throw ValidationError("--last must be 0 or more") }
        }

        func run(in session: CommandSession) throws {
            let store = AuditStore(connection: try session.database())
            let filter = AuditFilter(since: since, until: until, user: user, action: action, purpose: purpose,
                                     batch: batch, last: last)
            try store.seal()
            switch output.format {
            case .json:
                print(try store.listJSON(filter))
            case .csv:
                ResultPrinter.print(TextTable(audit: try store.list(filter), full: true), format: .csv)
            case .table:
                ResultPrinter.print(TextTable(audit: try store.list(filter), full: false), format: .table)
            }
        }
    }

    struct Show: DatabaseCommand {
        static let configuration = CommandConfiguration(abstract: "Every field of one entry, and the canonical text its leaf covers.",
            discussion: "Example:\n  migstat audit show 42")
        @Argument(help: "The entry's seq.") var seq: Int
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let store = AuditStore(connection: try session.database())
            try store.seal()
            guard let (e, canonical) = try store.show(seq: seq) else {
                printError("no audit entry with seq \(seq)")
                throw ExitCode(ExitStatus.dataError)
            }
            let fields: [(String, String?)] = [
                ("seq", String(e.seq)), ("position", e.position.map { String($0) } ?? "(not yet sealed)"), ("at", e.at),
                ("user", e.actor), ("action", e.action), ("purpose", e.purpose), ("batch", e.batchID.map { String($0) }),
                ("details", e.details), ("client_addr", e.clientAddress ?? "(local socket or unknown)"),
                ("application", e.application), ("os_user", e.osUserReported.map { "\($0) (as reported by the client)" }),
                ("leaf_text", canonical),
            ]
            for (name, value) in fields { print("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value ?? "")") }
        }
    }

    struct Head: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal committed entries and print the checkpoint to keep outside the database.",
            discussion: "Prints `migstat-audit-checkpoint/1 INSTALLATION SIZE ROOT` (ROOT: the RFC 6962 root of the first SIZE entries). With --sign KEYFILE (`audit keygen`), also the line `migstat-audit-signature/1 PUBLICKEY SIGNATURE` (Ed25519 over the checkpoint line); keep the key outside the database.\n\nExample:\n  migstat audit head > checkpoint.txt\n  migstat audit head --sign office.key > checkpoint.txt")
        @Option(help: "Sign the checkpoint with this Ed25519 key file (audit keygen).") var sign: String?
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            var keyText: String?
            if let sign {
                guard let data = FileManager.default.contents(atPath: sign),
                      AuditSigningKey.isKeyFile(String(decoding: data, as: UTF8.self)) else {
                    throw ValidationError("--sign \(sign) is not a readable audit key file (migstat audit keygen --output \(sign))")
                }
                keyText = String(decoding: data, as: UTF8.self)
            }
            let cp = try AuditStore(connection: session.database()).head()
            guard let keyText else {
                print(cp)
                return
            }
            guard let signed = SignedAuditCheckpoint.sign(cp, keyFile: keyText) else {
                printError("could not sign with \(sign ?? "")")
                throw ExitCode(ExitStatus.dataError)
            }
            print(signed.text, terminator: "")
        }
    }

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an Ed25519 key to sign checkpoints (audit head --sign), kept outside the database.",
            discussion: "Writes KEYFILE (mode 0600, the private key) and KEYFILE.pub (the public key, hex) and prints the public key. Never overwrites.\n\nExample:\n  migstat audit keygen --output /secure/audit-signing.key")
        @Option(help: "The private key file to write.") var output: String

        func run() throws {
            for path in [output, output + ".pub"] where FileManager.default.fileExists(atPath: path) {
                printError("\(path) exists: not overwritten")
                throw ExitCode(ExitStatus.ioError)
            }
            let (privateText, publicHex) = AuditSigningKey.generate()
            guard FileManager.default.createFile(atPath: output, contents: Data(privateText.utf8), attributes: [.posixPermissions: 0o600]),
                  FileManager.default.createFile(atPath: output + ".pub", contents: Data((publicHex + "\n").utf8)) else {
                printError("cannot write \(output)")
                throw ExitCode(ExitStatus.ioError)
            }
            print("public key \(publicHex) (\(output).pub); private key \(output) (keep it off the database server)")
        }
    }

    struct Prove: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an inclusion proof of one entry (e.g. a purge receipt) against the head or a saved checkpoint.",
            discussion: "Example:\n  migstat audit prove 42 --output proof-42.json")
        @Argument(help: "The entry's seq.") var seq: Int
        @Option(help: "A checkpoint saved earlier (its text, or a file holding it); default: the current head.") var head: String?
        @Option(help: "Write the proof here (default: stdout).") var output: String?
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let saved = try head.map { try readCheckpoint($0) }
            let store = AuditStore(connection: try session.database())
            let proof: AuditInclusionProof
            do {
                proof = try store.prove(seq: seq, against: saved)
            } catch let error as AuditStoreError {
                printError(error.description)
                throw ExitCode(ExitStatus.dataError)
            }
            try writeOut(try proof.encoded() + Data("\n".utf8), to: output)
        }
    }

    struct CheckProof: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an inclusion proof with no database: the entry, its audit path and the checkpoint's root.",
            discussion: "Example:\n  migstat audit check-proof proof-42.json --head \"$(cat checkpoint.txt)\"")
        @Argument(help: "The proof file (`audit prove`).") var file: String
        @Option(help: "Also require the proof's checkpoint to be this one (text or file).") var head: String?
        @Option(help: "Require --head to be signed with this Ed25519 public key (hex, or the .pub file of audit keygen).") var key: String?

        func validate() throws {
            if key != nil && head == nil { throw ValidationError("--key needs --head (the signed checkpoint)") }
        }

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file),
                  let proof = try? AuditInclusionProof.decode(data) else {
                printError("\(file) is not a readable audit proof")
                throw ExitCode(ExitStatus.dataError)
            }
            switch proof.check() {
            case .invalid(let why):
                printError("proof \(file) does not hold: \(why)")
                throw ExitCode(ExitStatus.dataError)
            case .valid(let cp):
                if let head {
                    let want = try readCheckpoint(head, key: key)
                    guard want == cp else {
                        printError("proof \(file) is against checkpoint \(cp), not \(want)")
                        throw ExitCode(ExitStatus.dataError)
                    }
                }
                print("proof holds: entry \(proof.seq) is position \(proof.index + 1) of the log of checkpoint \(cp)")
                print(proof.entry)
            }
        }
    }

    struct Export: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the entries (from a seq on) and the checkpoint they end at, for archiving (JSON lines).",
            discussion: "Example:\n  migstat audit export --output audit-archive.jsonl")
        @Option(help: "Only entries with this seq or later.") var since: Int?
        @Option(help: "The archive file (written whole or not at all).") var output: String
        @OptionGroup var connection: ConnectionOptions

        func run(in session: CommandSession) throws {
            let store = AuditStore(connection: try session.database())
            let temp = output + ".partial"
            guard FileManager.default.createFile(atPath: temp, contents: nil), let handle = FileHandle(forWritingAtPath: temp) else {
                printError("cannot write \(output)")
                throw ExitCode(ExitStatus.ioError)
            }
            var buffer = Data()
            var count = -1
            let cp: AuditCheckpoint
            do {
                cp = try store.export(since: since) { line in
                    buffer.append(contentsOf: line.utf8)
                    buffer.append(10)
                    count += 1
                    if buffer.count > 1 << 20 {
                        try handle.write(contentsOf: buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                try handle.write(contentsOf: buffer)
                try handle.close()
                if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
                try FileManager.default.moveItem(atPath: temp, toPath: output)
            } catch {
                try? FileManager.default.removeItem(atPath: temp)
                throw error
            }
            print("exported \(count) entries to \(output); head \(cp)")
        }
    }

    struct Verify: DatabaseCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the Merkle tree from the entries; with --head, prove the log extends a saved checkpoint.",
            discussion: "Example:\n  migstat audit verify --head \"$(cat checkpoint.txt)\"")
        @Option(help: "A checkpoint saved earlier (`audit head`; its text, or a file holding it).") var head: String?
        @Option(help: "An export archive (`audit export`): also compare every archived entry, naming the first that changed.") var archive: String?
        @Option(help: "Require --head to be signed with this Ed25519 public key (hex, or the .pub file of audit keygen).") var key: String?
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            if key != nil && head == nil { throw ValidationError("--key needs --head (the signed checkpoint)") }
        }

        func run(in session: CommandSession) throws {
            var saved = try head.map { try readCheckpoint($0, key: key) }
            var exported: AuditExport?
            if let archive {
                guard let data = FileManager.default.contents(atPath: archive), let e = AuditExport.read(data) else {
                    printError("\(archive) is not a readable audit export")
                    throw ExitCode(ExitStatus.dataError)
                }
                exported = e
                saved = saved ?? e.checkpoint
            }
            let store = AuditStore(connection: try session.database())
            let outcome = try store.verify(against: saved)
            if let exported, let diff = try store.firstDifference(archive: exported) {
                printError("audit log differs from archive \(archive ?? ""): first bad entry seq \(diff.seq) at position \(diff.position): \(diff.problem)")
                throw ExitCode(ExitStatus.dataError)
            }
            switch outcome {
            case .broken(let seq, let position, let problem):
                printError("audit log broken at seq \(seq.map { String($0) } ?? "?")"
                           + (position.map { " (position \($0))" } ?? "") + ": \(problem)")
                throw ExitCode(ExitStatus.dataError)
            case .notExtending(let saved, _, let reason):
                printError("audit log does not extend checkpoint \(saved): \(reason)")
                throw ExitCode(ExitStatus.dataError)
            case .intact(let entries, let current):
                print("audit log intact: \(entries) entries" + (saved.map { "; extends checkpoint of size \($0.size)" } ?? "")
                      + "; head \(current)")
            }
        }
    }
}

/// A checkpoint given as its text, or as the path of a file holding it (signed or not). With `key`, the
/// checkpoint must carry a valid Ed25519 signature by that public key (exit 65 otherwise).
private func readCheckpoint(_ argument: String, key: String? = nil) throws -> AuditCheckpoint {
    let text = FileManager.default.contents(atPath: argument).map { String(decoding: $0, as: UTF8.self) } ?? argument
    if let key {
        guard let trusted = AuditSigningKey.readPublic(key) else {
            throw ValidationError("--key \(key) is neither an Ed25519 public key (64 hex digits) nor a file holding one")
        }
        guard let signed = SignedAuditCheckpoint(text) else {
            printError("checkpoint \(argument) is not signed (audit head --sign KEYFILE)")
            throw ExitCode(ExitStatus.dataError)
        }
        guard signed.isValid(trusted: trusted) else {
            printError("checkpoint \(argument) is not signed by key \(Merkle.hex(trusted)): its signature does not verify (forged or changed)")
            throw ExitCode(ExitStatus.dataError)
        }
        return signed.checkpoint
    }
    if let cp = AuditCheckpoint(argument) { return cp }
    if let cp = AuditCheckpoint(text) ?? SignedAuditCheckpoint(text)?.checkpoint { return cp }
    throw ValidationError("--head \(argument) is neither a checkpoint (\(AuditCheckpoint.tag) INSTALLATION SIZE ROOT) nor a file holding one")
}

private func writeOut(_ data: Data, to path: String?) throws {
    guard let path else {
        FileHandle.standardOutput.write(data)
        return
    }
    guard FileManager.default.createFile(atPath: path + ".partial", contents: data) else {
        printError("cannot write \(path)")
        throw ExitCode(ExitStatus.ioError)
    }
    if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
}
