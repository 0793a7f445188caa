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
        try ExitStatus.run(verbose: connection.verbose) {
            try run(in: CommandSession(options: connection))
        }
    }
}

/// What a command runs with: one connection as the signed-in user, opened on first use, and the logger.
final class CommandSession {
    let options: ConnectionOptions
    let logger: Logger
    private var opened: PQConnection?

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
        return connection
    }
}
