import MigstatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on stderr (rows, rows/s, %), only on a terminal.
final class ProgressBar {
    private let enabled: Bool
    private let start = monotonicSeconds()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(rows: Int, bytes: Int, total: Int?) {
        guard enabled else { return }
        let elapsed = max(monotonicSeconds() - start, 0.001)
        let percent = total.map { $0 > 0 ? " \(min(100, bytes * 100 / $0))%" : "" } ?? ""
        writeStderr("\r\u{1B}[K  \(rows) rows, \(Int(Double(rows) / elapsed)) rows/s\(percent)")
        shown = true
    }

    func finish() {
        if shown { writeStderr("\r\u{1B}[K") }
    }
}
