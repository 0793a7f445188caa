import ArgumentParser
import Foundation
import MigstatCore
import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place errors become messages on stderr and exit codes (README.md, "Exit codes"):
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | success |
/// | 1 | a check failed (`purge status`, a purge's verification) |
/// | 64 | the command line is malformed (checked before connecting) |
/// | 65 | refused: the input file, or the database refused the request (unknown name, code, login; outside the bounds) |
/// | 69 | the database is unavailable (cannot connect, connection lost, not a migstat database) |
/// | 70 | internal error |
/// | 74 | an output cannot be written |
/// | 75 | temporary: serialization failure or deadlock, run again |
/// | 77 | permission denied |
///
/// Every message has one shape: `error: WHAT`, then indented `detail:` and `hint:` lines; with `--verbose`
/// an indented `sqlstate:` line. Never the SQL text, the server's context or a record value.
enum ExitStatus {
    static let checkFailed: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let ioError: Int32 = 74
    static let tempFail: Int32 = 75
    static let noPermission: Int32 = 77

    /// What the message may name besides the error itself: who ran the command, for which purpose, and the
    /// connection (to look up in the catalog which roles may run the function that was refused).
    struct Context {
        var user: String?
        var purpose: String?
        var connection: PQConnection?
    }

    /// Runs a command body, mapping any error to a message and an exit code.
    static func run(verbose: Bool = false, context: () -> Context = { Context() }, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let (code, message) = describe(error, verbose: verbose, context: context())
            printError(message)
            throw ExitCode(code)
        }
    }

    /// A message being built: the line after `error:`, then detail and hints.
    struct Message {
        var code: Int32
        var text: String
        var detail: String?
        var hints: [String] = []
        var sqlState: SQLState?

        func rendered(verbose: Bool) -> String {
            var lines = ["error: " + indented(text)]
            if let detail, !detail.isEmpty { lines.append("  detail: " + indented(detail)) }
            for hint in hints where !hint.isEmpty { lines.append("  hint: " + indented(hint)) }
            if verbose, let sqlState { lines.append("  sqlstate: \(sqlState)") }
            return lines.joined(separator: "\n")
        }

        /// Continuation lines of a multi-line text (libpq's connection messages) indented under the first.
        private func indented(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: true)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n    ")
        }
    }

    /// The exit code and message for an error.
    static func describe(_ error: any Error, verbose: Bool, context: Context = Context()) -> (Int32, String) {
        let message = message(for: error, context: context)
        return (message.code, message.rendered(verbose: verbose))
    }

    static func message(for error: any Error, context: Context) -> Message {
        switch error {
        case let error as MigstatError:
            if let underlying = error.underlying {
                var message = message(for: underlying, context: context)
                if error.code != .database || error.file != nil || error.line != nil {
                    // migstat's own words (with the file and line) over the database's; a located error says
                    // where, so the server's detail (`row=3`) is not repeated.
                    message.text = error.description
                    message.detail = nil
                }
                if error.code == .duplicateBatch { message.code = dataError }
                if let hint = error.hint { message.hints = [hint] }
                return message
            }
            let code: Int32 = switch error.code {
            case .badHeader, .malformedCSV, .rowsRejected, .duplicateBatch, .fileUnreadable, .badProfile: dataError
            case .invalidArgument: usage
            case .notFound: dataError
            case .writeFailed: ioError
            default: software
            }
            return Message(code: code, text: error.description, hints: error.hint.map { [$0] } ?? [])
        case let error as PQError:
            return message(for: error, context: context)
        case let error as any LocalizedError:
            return Message(code: software, text: "internal error: " + (error.errorDescription ?? "\(type(of: error))"))
        default:
            return Message(code: software, text: "internal error: \(type(of: error))",
                           hints: ["run the command again with --verbose and report what it prints"])
        }
    }

    // MARK: - Database errors

    private static func message(for error: PQError, context: Context) -> Message {
        let own = error.isRaisedByMigstat
        var message = Message(code: software, text: error.redactedMessage, detail: nil,  // migstat's DETAILs are machine fields (row=N)
                              hints: error.hint.map { [$0] } ?? [], sqlState: error.sqlState)
        let state = error.sqlState
        if error.code == .connectionFailed || error.code == .connectionLost || state?.isConnectionException == true
            || state == .cannotConnectNow || state == .adminShutdown || state == .crashShutdown {
            message.code = unavailable
            message.text = (error.code == .connectionLost ? "the connection to the database was lost: "
                            : "cannot connect to the database: ") + error.redactedMessage
            message.hints = [connectionHint]
            return message
        }
        switch state {
        case .some(.insufficientPrivilege):
            message.code = noPermission
            if !own { permission(error, context: context, into: &message) }
        case .some(.serializationFailure), .some(.deadlockDetected):
            message.code = tempFail
            message.hints = ["another transaction changed the same data at the same time: run the command again"]
        case .some("3F000") where error.message.contains("\"migstat\""):
            message.code = unavailable
            message.text = "this database has no migstat schema (\(error.message))"
            message.hints = [
                "point PGDATABASE or --dsn at a migstat database (the demo's: eval \"$(Scripts/pg.sh env --demo)\"), "
                    + "or create one here with migstat db init (as a superuser)",
            ]
        case .some(let state) where own || state.rawValue.hasPrefix("MS") || ["22", "23"].contains(state.errorClass):
            message.code = dataError
        default:
            message.code = software
            message.text = "internal error: " + error.redactedMessage
            message.hints.append("run the command again with --verbose for the SQLSTATE and report it")
        }
        return message
    }

    /// The hint of every connection error: where libpq looks, and how this repository's scripts set it.
    static var connectionHint: String {
        let env = ProcessInfo.processInfo.environment
        let set = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER"].compactMap { name in
            env[name].map { "\(name)=\($0)" }
        }
        return "migstat connects with --dsn \"host=... dbname=... user=...\" or libpq's PGHOST, PGPORT, PGDATABASE "
            + "and PGUSER (" + (set.isEmpty ? "none is set" : "now " + set.joined(separator: " ")) + "); "
            + "for this repository's server: eval \"$(Scripts/pg.sh env)\", its demo database: "
            + "eval \"$(Scripts/pg.sh env --demo)\""
    }

    /// The migstat role kinds, least privileged first: the one a hint proposes is the first that may.
    static let roleKinds = ["analyst", "loader", "auditor", "steward", "admin"]

    /// PostgreSQL's own `permission denied for function NAME` (an EXECUTE grant missing): says who lacks which
    /// role, read from the function's grants in the catalog, and the `migstat access grant` that gives it.
    private static func permission(_ error: PQError, context: Context, into message: inout Message) {
        let user = context.user ?? "this login"
        let prefix = "permission denied for function "
        let what = error.message.hasPrefix("permission denied ")
            ? String(error.message.dropFirst("permission denied ".count)) : error.message
        let generic = "permission denied: \(user) may not do this (\(what))"
        guard error.message.hasPrefix(prefix), let connection = context.connection else {
            message.text = generic
            message.hints = ["migstat access list (as an administrator) shows who holds which role"]
            return
        }
        let function = String(error.message.dropFirst(prefix.count))
        var kinds: [String] = []
        if connection.isInTransaction { _ = try? connection.execute(sql: "ROLLBACK") }
        if let result = try? connection.execute(sql: """
            SELECT DISTINCT substr(r.rolname, 9)
              FROM pg_proc p
             CROSS JOIN LATERAL aclexplode(p.proacl) a
              JOIN pg_roles r ON r.oid = a.grantee
             WHERE p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'migstat') AND p.proname = $1
               AND a.privilege_type = 'EXECUTE'
               AND r.rolname IN ('migstat_analyst', 'migstat_loader', 'migstat_auditor', 'migstat_steward', 'migstat_admin')
            """, [function]) {
            kinds = (0..<result.rowCount).compactMap { result[$0, 0] }
        }
        kinds.sort { (roleKinds.firstIndex(of: $0) ?? 9) < (roleKinds.firstIndex(of: $1) ?? 9) }
        guard let kind = kinds.first else {
            message.text = generic
            message.hints = ["migstat access list (as an administrator) shows who holds which role"]
            return
        }
        let compartment = kind == "loader" || kind == "steward"
        let purpose = context.purpose
        let names = kinds.map { article($0) + " " + $0 }
        message.text = "permission denied: \(user) is not " + list(names)
            + (compartment ? (purpose.map { " of purpose \($0)" } ?? "") : "") + " (function \(function))"
        message.hints = ["an administrator can run: migstat access grant \(user) \(kind)"
                         + (compartment ? " --purpose \(purpose ?? "PURPOSE")" : "")]
    }

    private static func article(_ word: String) -> String {
        ["a", "e", "i", "o", "u"].contains(word.prefix(1)) ? "an" : "a"
    }

    /// `a`, `a or b`, `a, b or c`.
    private static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}

/// Writes a line to stderr.
func printError(_ message: String) {
    writeStderr(message + "\n")
}

/// Writes raw text to file descriptor 2.
func writeStderr(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}

extension ImportCommand: NamesPurpose { var purposeForMessages: String? { purpose } }
extension ExtractCommand: NamesPurpose { var purposeForMessages: String? { purpose } }
extension EstimatesCommand.Import: NamesPurpose { var purposeForMessages: String? { purpose } }
