import ArgumentParser
import MigstatCore
import MigstatPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place errors become messages on stderr and sysexits(3) codes:
/// 65 rejected data, 69 database unavailable, 74 an output cannot be written, 75 serialization/deadlock,
/// 77 permission denied (SQLSTATE 42501), 64 bad arguments, 70 anything else.
enum ExitStatus {
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let ioError: Int32 = 74
    static let tempFail: Int32 = 75
    static let noPermission: Int32 = 77
    static let usage: Int32 = 64

    /// Runs a command body, mapping any error to a message and an exit code.
    static func run(verbose: Bool = false, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let (code, message) = describe(error, verbose: verbose)
            printError(message)
            throw ExitCode(code)
        }
    }

    /// The exit code and message for an error.
    static func describe(_ error: any Error, verbose: Bool) -> (Int32, String) {
        switch error {
        case let error as MigstatError:
            if let underlying = error.underlying {
                let (code, _) = describe(underlying, verbose: verbose)
                return (error.code == .duplicateBatch ? dataError : code,
                        "error: " + error.description + (verbose ? "\n" + underlying.debugDescription : ""))
            }
            let code: Int32 = switch error.code {
            case .badHeader, .malformedCSV, .rowsRejected, .duplicateBatch, .fileUnreadable, .badProfile: dataError
            case .invalidArgument: usage
            case .notFound: dataError
            case .writeFailed: ioError
            default: software
            }
            return (code, "error: " + error.description)
        case let error as PQError:
            let text = "error: " + (verbose ? error.debugDescription : error.description)
            if error.code == .connectionFailed || error.sqlState?.isConnectionException == true {
                return (unavailable, text)
            }
            switch error.sqlState {
            case .some(.insufficientPrivilege): return (noPermission, text)
            case .some(.serializationFailure), .some(.deadlockDetected): return (tempFail, text)
            case .some(let state) where state.rawValue.hasPrefix("MS") || ["22", "23"].contains(state.errorClass):
                return (dataError, text)
            default: return (software, text)
            }
        default:
            return (software, "error: \(error)")
        }
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
