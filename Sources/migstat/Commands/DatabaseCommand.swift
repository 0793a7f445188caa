import ArgumentParser
import Logging
import MigstatCore
import MigstatPQ

/// The prelude every command shares: `--dsn` and `--verbose` (`ConnectionOptions`), the connection opened
/// when the command first needs it, a logger, and every error mapped to a message and an exit status
/// (`ExitStatus`). A command implements `run(in:)`: parse, one call into MigstatCore, render.
protocol DatabaseCommand: ParsableCommand {
    var connection: ConnectionOptions { get }

    /// The command's work.
    func run(in session: CommandSession) throws
}

extension DatabaseCommand {
    func run() throws {
        let session = CommandSession(options: connection)
        try ExitStatus.run(verbose: connection.verbose, context: {
            ExitStatus.Context(user: session.openedConnection?.user,
                               purpose: (self as? any NamesPurpose)?.purposeForMessages,
                               connection: session.openedConnection)
        }) {
            try run(in: session)
        }
    }
}

/// A command acting on one purpose: error messages about a missing compartment name it.
protocol NamesPurpose {
    var purposeForMessages: String? { get }
}

/// What a command runs with: one connection as the signed-in user, opened on first use, and the logger.
///
/// On connecting, the prelude deletes this machine's key files of purged purposes (crypto-shredding on
/// every machine that holds a copy), records each with `migstat.key_destroyed` and says so on stderr.
final class CommandSession {
    let options: ConnectionOptions
    let logger: Logger
    /// The key directory the prelude looks in (`--key-dir` of the command, else `MIGSTAT_KEY_DIR`, else
    /// `~/.migstat/keys`); a command with `--key-dir` sets it before it connects.
    var keyStore = KeyStore.resolve(override: nil)
    /// The key files of purged purposes the prelude deleted.
    private(set) var destroyedKeys: [DestroyedKey] = []
    private var opened: PQConnection?
    /// The connection, if one was opened (for error messages: who is connected).
    var openedConnection: PQConnection? { opened }

    init(options: ConnectionOptions, logger: Logger = Logger(label: "migstat")) {
        self.options = options
        self.logger = logger
    }

    /// The connection (opened now if it is not yet).
    /// - Throws: `PQError` `.connectionFailed`.
    func database() throws -> PQConnection {
        if let opened { return opened }
        let started = monotonicSeconds()
        let connection = try options.connect()
        logger.debug("connected", metadata: [
            "user": "\(connection.user)", "ms": "\(Int(((monotonicSeconds() - started) * 1000).rounded()))",
        ])
        opened = connection
        destroyPurgedKeys(connection)
        return connection
    }

    /// The prelude's key destruction; never fails the command (a problem is logged at debug level).
    private func destroyPurgedKeys(_ connection: PQConnection) {
        do {
            destroyedKeys = try PurgeStore(connection: connection).destroyPurgedKeys(in: keyStore)
        } catch {
            logger.debug("purged keys not checked", metadata: ["error": "\(error)"])
            return
        }
        for key in destroyedKeys {
            printError("migstat: deleted the key file \(key.path) of purged purpose \(key.purpose) (key \(key.keyID)); "
                       + (key.recordError.map { "not recorded: \($0)" } ?? "recorded in the audit log (key.destroyed)"))
        }
    }
}
