import ArgumentParser
import MigstatCore

struct KeysCommand: DatabaseCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List this machine's pseudonym key files and their purposes' state.",
        discussion: """
            One row per key file <key_id>.key in the key directory: its purpose, the purpose's state, and whether it is \
            the key registered for the purpose (its fingerprint). Key files of purged purposes are deleted on connecting \
            (as by every migstat command), recorded in the audit log (key.destroyed), and flagged here.

            Example:
              migstat keys --key-dir /secure/migstat-keys
            """)
    @Option(help: "Directory of the pseudonymisation keys (default: MIGSTAT_KEY_DIR, else ~/.migstat/keys).")
    var keyDir: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run(in session: CommandSession) throws {
        session.keyStore = KeyStore.resolve(override: keyDir)
        let keys = try PurgeStore(connection: session.database()).localKeys(in: session.keyStore)
        var rows: [[String?]] = session.destroyedKeys.map {
            [$0.keyID, $0.purpose, "purged", nil, $0.path, "PURGED: key file deleted now"]
        }
        rows += keys.map { key in
            [key.keyID, key.purpose, key.status ?? "unknown", key.fingerprint, key.path,
             key.status == "purged" ? "PURGED: delete this key file"
                 : key.fingerprint == "mismatch" ? "NOT the purpose's registered key"
                 : key.purpose == nil ? "no purpose of this database" : nil]
        }
        ResultPrinter.print(names: ["key_id", "purpose", "state", "fingerprint", "path", "flag"], rows: rows,
                            format: output.format)
        if rows.isEmpty { printError("no key file in \(session.keyStore.directory)") }
    }
}
