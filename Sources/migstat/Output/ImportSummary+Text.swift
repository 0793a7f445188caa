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
        if let profile { lines.append("  profile \(profile) (sha256 \(profileSHA256 ?? ""))") }
        if let rejectsFile { lines.append("  rejects: \(rejectsFile)") }
        return lines.joined(separator: "\n")
    }

    /// The rejects grouped by column and reason, with hints (stderr): one line per group, however many rows.
    var rejectGroupsText: String {
        var lines = ["rejected rows by column and reason:"]
        for group in rejectGroups {
            lines.append("  \(group.count) row\(group.count == 1 ? "" : "s") (first line \(group.firstLine))"
                + (group.column.map { ", column \"\($0)\"" } ?? "") + ": \(group.reason)")
            if let hint = group.hint { lines.append("    hint: \(hint)") }
        }
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
            ("profile", profile.map(ReportEscape.json) ?? "null"),
            ("profile_sha256", profileSHA256.map(ReportEscape.json) ?? "null"),
            ("reject_groups", "[" + rejectGroups.map { group in
                "{\"column\": \(group.column.map(ReportEscape.json) ?? "null"), \"reason\": \(ReportEscape.json(group.reason)), "
                    + "\"count\": \(group.count), \"first_line\": \(group.firstLine), \"hint\": \(group.hint.map(ReportEscape.json) ?? "null")}"
            }.joined(separator: ", ") + "]"),
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
