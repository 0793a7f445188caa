import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished program did.
struct CommandResult: CustomStringConvertible {
    var arguments: [String]
    /// The login user it connected as (nil: the superuser), for messages.
    var user: String?
    /// Exit status, or the signal number when `signaled`.
    var status: Int32
    var signaled: Bool
    var stdout: String
    var stderr: String

    var description: String {
        "`\(arguments.joined(separator: " "))`" + (user.map { " as \($0)" } ?? "")
            + " -> \(signaled ? "signal" : "exit") \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)---"
    }

    /// The `--json` import summary on stdout.
    func summary() throws -> ImportSummaryJSON {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("{") }) else {
            throw IntegrationFailure("no JSON summary in the output of \(self)")
        }
        do {
            return try JSONDecoder().decode(ImportSummaryJSON.self, from: Data(line.utf8))
        } catch {
            throw IntegrationFailure("cannot decode the summary (\(error)) of \(self)")
        }
    }
}

/// `migstat import --json`'s summary.
struct ImportSummaryJSON: Decodable, Equatable {
    var outcome: String
    var batch: Int?
    var file: String
    var source: String
    var purpose: String
    var sha256: String
    var rows: Int
    var accepted: Int
    var rejected: Int
    var rejectsFile: String?

    enum CodingKeys: String, CodingKey {
        case outcome, batch, file, source, purpose, sha256, rows, accepted, rejected
        case rejectsFile = "rejects_file"
    }
}

/// A program started in the background (for the kill and restart tests).
final class RunningCommand {
    let process: Process
    let arguments: [String]
    let user: String?
    private let stdoutPath: String
    private let stderrPath: String

    fileprivate init(process: Process, arguments: [String], user: String?, stdoutPath: String, stderrPath: String) {
        self.process = process
        self.arguments = arguments
        self.user = user
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends a signal to the process.
    func signal(_ number: Int32) {
        _ = kill(process.processIdentifier, number)
    }

    /// Waits for the end and collects the output.
    func wait() -> CommandResult {
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        unlink(stdoutPath)
        unlink(stderrPath)
        return CommandResult(
            arguments: arguments, user: user, status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal, stdout: stdout, stderr: stderr)
    }
}

/// Runs programs with their output captured in files (no pipe can fill up and block).
enum CommandRunner {
    /// Starts `executable` with `arguments`, in `directory`, with the current environment plus `environment`.
    static func start(_ executable: String, _ arguments: [String], user: String? = nil, directory: String,
                      environment: [String: String] = [:]) throws -> RunningCommand {
        let token = randomToken(10)
        let stdoutPath = directory + "/.out-" + token
        let stderrPath = directory + "/.err-" + token
        guard FileManager.default.createFile(atPath: stdoutPath, contents: nil),
              FileManager.default.createFile(atPath: stderrPath, contents: nil),
              let stdoutHandle = FileHandle(forWritingAtPath: stdoutPath),
              let stderrHandle = FileHandle(forWritingAtPath: stderrPath)
        else { throw IntegrationFailure("cannot create output files in \(directory)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        do {
            try process.run()
        } catch {
            throw IntegrationFailure("cannot start \(executable): \(error)")
        }
        try? stdoutHandle.close()
        try? stderrHandle.close()
        return RunningCommand(process: process, arguments: [executable] + arguments, user: user,
                              stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// Runs a program to its end.
    static func run(_ executable: String, _ arguments: [String], user: String? = nil, directory: String,
                    environment: [String: String] = [:]) throws -> CommandResult {
        try start(executable, arguments, user: user, directory: directory, environment: environment).wait()
    }
}
