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
    let pid: pid_t
    let arguments: [String]
    let user: String?
    private let stdoutPath: String
    private let stderrPath: String
    /// The raw `waitpid` status once the process has been reaped.
    private var waitStatus: Int32?

    fileprivate init(pid: pid_t, arguments: [String], user: String?, stdoutPath: String, stderrPath: String) {
        self.pid = pid
        self.arguments = arguments
        self.user = user
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    var isRunning: Bool {
        if waitStatus != nil { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid {
            waitStatus = status
            return false
        }
        return reaped == 0
    }

    /// Sends a signal to the process.
    func signal(_ number: Int32) {
        if waitStatus == nil { _ = kill(pid, number) }
    }

    /// Waits for the end and collects the output.
    func wait() -> CommandResult {
        while waitStatus == nil {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, 0)
            if reaped == pid {
                waitStatus = status
            } else if reaped < 0 && errno != EINTR {
                waitStatus = 0x7F00  // cannot happen for our own child; reported as exit 127
            }
        }
        let status = waitStatus!
        let signalNumber = status & 0x7F
        let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        unlink(stdoutPath)
        unlink(stderrPath)
        return CommandResult(
            arguments: arguments, user: user, status: signalNumber == 0 ? (status >> 8) & 0xFF : signalNumber,
            signaled: signalNumber != 0, stdout: stdout, stderr: stderr)
    }
}

/// Runs programs with `posix_spawn`, their output captured in files (no pipe can fill up and block).
///
/// Not Foundation's `Process`: on Linux it learns that a child ended when a socket inherited by the
/// child closes, so it waits forever for a program that leaves a daemon behind (`pg_ctl start`).
/// The child gets none of this process's descriptors (libpq sockets of other tests) but 0, 1, 2.
enum CommandRunner {
    /// Starts `executable` (an absolute path) with `arguments`, its output in files in `directory`,
    /// with the current environment plus `environment`.
    static func start(
        _ executable: String, _ arguments: [String], user: String? = nil, directory: String,
        environment: [String: String] = [:]
    ) throws -> RunningCommand {
        let token = randomToken(10)
        let stdoutPath = directory + "/.out-" + token
        let stderrPath = directory + "/.err-" + token
        let stdoutFD = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let stderrFD = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let nullFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            for fd in [stdoutFD, stderrFD, nullFD] where fd >= 0 { close(fd) }
        }
        guard stdoutFD >= 0, stderrFD >= 0, nullFD >= 0 else {
            throw IntegrationFailure("cannot create output files in \(directory)")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, nullFD, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw IntegrationFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return RunningCommand(
            pid: pid, arguments: [executable] + arguments, user: user,
            stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// Runs a program to its end.
    static func run(
        _ executable: String, _ arguments: [String], user: String? = nil, directory: String,
        environment: [String: String] = [:]
    ) throws -> CommandResult {
        try start(executable, arguments, user: user, directory: directory, environment: environment).wait()
    }

    /// The descriptors open in this process now.
    private static func openDescriptors() -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else {
            return Array(3..<1024)
        }
        return entries.compactMap { Int32($0) }
    }
}
