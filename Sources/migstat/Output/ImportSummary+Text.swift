import MigstatCore

extension ImportSummary {
    /// The summary for people (stdout).
    var text: String {
        var lines = [
            "\(outcome): \(file)" + (batch.map { " as batch \($0)" } ?? ""),
            "  source \(source), purpose \(purpose)",
            "  rows \(rows): accepted \(accepted), rejected \(rejected)"
                + (isCommitted ? "" : " (nothing stored)"),
            "  \(rowsPerSecond) rows/s, \(String(format3(seconds))) s",
        ]
        if let rejectsFile { lines.append("  rejects: \(rejectsFile)") }
        return lines.joined(separator: "\n")
    }

    /// The summary as one JSON object (`--json`).
    var json: String {
        let fields: [(String, String)] = [
            ("outcome", ReportEscape.json(outcome.rawValue)), ("batch", batch.map(String.init) ?? "null"),
            ("file", ReportEscape.json(file)), ("source", ReportEscape.json(source)), ("purpose", ReportEscape.json(purpose)),
            ("sha256", ReportEscape.json(sha256)), ("rows", String(rows)), ("accepted", String(accepted)),
            ("rejected", String(rejected)), ("rejects_file", rejectsFile.map(ReportEscape.json) ?? "null"),
            ("seconds", format3(seconds)), ("rows_per_second", String(rowsPerSecond)),
        ]
        return "{" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
    }
}

/// Seconds with three decimals (`1.250`).
func format3(_ value: Double) -> String {
    let milli = Int((value * 1000).rounded())
    let fraction = String(milli % 1000)
    return "\(milli / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
