import MigstatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a report goes: stdout, or `--output PATH` written as `PATH.partial` and renamed to `PATH` by
/// `close()`, so a report that fails half-way never leaves a truncated file (nor replaces an older
/// one). Nothing is opened before the first write: a refused report creates no file at all.
/// Writes go through a 1 MiB buffer; a failed write, close or rename is an error naming the file.
final class OutputSink {
    private let path: String?
    private var handle: UnsafeMutablePointer<FILE>?
    private var closed = false

    /// A sink for `path` (nil: stdout). Nothing is opened yet.
    init(path: String?) {
        self.path = path
    }

    deinit {
        guard let handle, !closed else { return }
        fclose(handle)
        if let path { unlink(path + ".partial") }
    }

    func write(_ text: String) throws {
        let handle = try open()
        var text = text
        let ok = text.withUTF8 { bytes in
            bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, handle) == bytes.count
        }
        guard ok else { throw failure() }
    }

    /// Flushes and closes; for a file, renames `PATH.partial` to `PATH`.
    func close() throws {
        let handle = try open()
        closed = true
        guard fclose(handle) == 0 else {
            let error = failure()
            if let path { unlink(path + ".partial") }
            throw error
        }
        if let path, rename(path + ".partial", path) != 0 {
            let error = failure()
            unlink(path + ".partial")
            throw error
        }
    }

    private func open() throws -> UnsafeMutablePointer<FILE> {
        if let handle { return handle }
        let opened: UnsafeMutablePointer<FILE>?
        if let path {
            opened = fopen(path + ".partial", "w")
        } else {
            // A stream of its own on a duplicate of fd 1 (Swift 6 cannot touch C's global `stdout`).
            fflush(nil)
            let fd = dup(STDOUT_FILENO)
            opened = fd >= 0 ? fdopen(fd, "w") : nil
        }
        guard let opened else { throw failure() }
        setvbuf(opened, nil, _IOFBF, 1 << 20)
        handle = opened
        return opened
    }

    private func failure() -> MigstatError {
        MigstatError(.writeFailed, "cannot write: \(String(cString: strerror(errno)))", file: path ?? "stdout")
    }
}
