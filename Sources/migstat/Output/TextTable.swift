import Foundation
import MigstatCore

/// Column names and rows of text, as the listing commands print them (`ResultPrinter`). The names and the
/// text of every value are those the database's own output had (`t`/`f` for booleans, PostgreSQL's
/// `timestamptz` text), so scripts reading migstat's CSV or JSON see the same columns as before.
struct TextTable: Equatable {
    var names: [String]
    var rows: [[String?]]
    /// One record (`batches show`): a table too wide for the terminal is printed one line per field.
    var isRecord = false
}

/// `t` or `f`, as PostgreSQL prints a boolean.
private func text(_ value: Bool) -> String { value ? "t" : "f" }

extension TextTable {
    /// `purpose add`: the declared purpose.
    init(declared purpose: Purpose) {
        names = ["name", "description", "retain_until", "retention_rule", "key_id"]
        rows = [[purpose.name, purpose.description, purpose.retainUntil, purpose.retentionRule, purpose.keyID]]
    }

    /// `purpose list`.
    init(purposes: [PurposeListing]) {
        names = ["name", "description", "retain_until", "retention_rule", "status", "created", "batches"]
        rows = purposes.map { listing in
            let p = listing.purpose
            return [p.name, p.description, p.retainUntil, p.retentionRule, p.status, p.createdOn,
                    String(listing.loadedBatches)]
        }
    }

    /// `batches list`.
    init(batches: [Batch]) {
        names = ["id", "source", "purpose", "file_name", "sha256", "rows", "accepted", "rejected", "status",
                 "imported_at", "imported_by"]
        rows = batches.map { b in
            [String(b.id), b.source, b.purpose, b.fileName, b.sha256, b.rowsRead.map { String($0) },
             b.accepted.map { String($0) }, b.rejected.map { String($0) }, b.status, b.importedAt, b.importedBy]
        }
    }

    /// `batches show`: every field of one batch.
    init(batch b: Batch) {
        names = ["id", "source", "purpose", "file_name", "sha256", "rows_read", "accepted", "rejected", "status",
                 "imported_at", "imported_by", "withdrawn_at", "withdrawn_by", "withdraw_reason"]
        rows = [[String(b.id), b.source, b.purpose, b.fileName, b.sha256, b.rowsRead.map { String($0) },
                 b.accepted.map { String($0) }, b.rejected.map { String($0) }, b.status, b.importedAt, b.importedBy,
                 b.withdrawnAt, b.withdrawnBy, b.withdrawReason]]
        isRecord = true
    }

    /// `batches withdraw`.
    init(withdrawal w: BatchWithdrawal) {
        names = ["id", "status", "records_removed", "withdrawn_at", "withdrawn_by"]
        rows = [[String(w.id), w.status, w.recordsRemoved.map { String($0) }, w.withdrawnAt, w.withdrawnBy]]
    }

    /// `access list`.
    init(access: [AccessEntry]) {
        names = ["login", "role", "purpose", "access"]
        rows = access.map { [$0.login, $0.role, $0.purpose, $0.access] }
    }

    /// `audit list`: the table cuts the time to seconds and long details to fit a terminal; CSV has every field.
    init(audit: [AuditEntry], full: Bool = true) {
        if full {
            names = ["seq", "position", "at", "user", "action", "purpose", "batch", "details", "client_addr",
                     "application", "os_user_reported"]
            rows = audit.map { e in
                [String(e.seq), e.position.map { String($0) }, e.at, e.actor, e.action, e.purpose, e.batchID.map { String($0) },
                 e.details, e.clientAddress, e.application, e.osUserReported]
            }
        } else {
            let titles = ["seq", "at", "user", "action", "purpose", "details"]
            names = titles
            let head = audit.map { e in [String(e.seq), String(e.at.prefix(19)), e.actor, e.action, e.purpose ?? ""] }
            // Details get what is left of the terminal's width ($COLUMNS, else 100), at least 24 characters.
            let used = (0..<5).reduce(0) { sum, c in
                sum + max(titles[c].count, head.map { $0[c].count }.max() ?? 0) + 2
            }
            let width = max(24, (Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100) - used)
            rows = zip(audit, head).map { e, h in
                let details = e.details.count > width ? String(e.details.prefix(width - 1)) + "…" : e.details
                return h.map { Optional($0) } + [details]
            }
        }
    }

    /// `codes list DIMENSION`.
    init(codes: [CodeEntry]) {
        names = ["code", "label", "parent", "active"]
        rows = codes.map { [$0.code, $0.label, $0.parent, text($0.isActive)] }
    }

    /// `codes list`.
    init(codeLists: [CodeListSize]) {
        names = ["dimension", "codes"]
        rows = codeLists.map { [$0.dimension, String($0.activeCodes)] }
    }

    /// `coverage`.
    init(coverage: [CoverageRow]) {
        names = ["source", "period", "dimension", "records", "stated", "share", "sent"]
        rows = coverage.map {
            [$0.source, $0.period, $0.dimension, $0.records.map { String($0) }, $0.stated.map { String($0) }, $0.share,
             $0.sent]
        }
    }

    /// `extract`: the given columns of the records.
    init(records: [ExtractRecord], columns: [String]) {
        names = columns
        rows = records.map { record in columns.map { record.value(of: $0) } }
    }

    /// `tables list`.
    init(declaredTables tables: [DeclaredTable]) {
        names = ["purpose", "name", "title", "dims", "filters", "age_bands", "period_unit", "declared_at",
                 "declared_by", "retired_at", "cells", "withheld"]
        rows = tables.map { t in
            [t.purpose, t.name, t.title, t.dimensions.joined(separator: ","), t.filtersJSON, t.ageBands, t.periodUnit,
             t.declaredAt, t.declaredBy, t.retiredAt, t.cells.map { String($0) }, t.withheld.map { String($0) }]
        }
    }

    /// `tables releases`.
    init(releases: [ProgrammeRelease]) {
        names = ["purpose", "run", "released_at", "released_by", "tables", "batches", "stale", "seconds"]
        rows = releases.map { r in
            [r.purpose, String(r.run), r.releasedAt, r.releasedBy, r.tables.joined(separator: ","),
             r.batches.map { String($0) }, text(r.isStale), r.seconds]
        }
    }

    /// `tables audit`: one column per dimension, then the true value, why it is withheld and its interval
    /// (an empty upper bound: unbounded).
    init(withheld cells: [WithheldCell], dimensions: [String]) {
        names = dimensions + ["value", "status", "lower_bound", "upper_bound"]
        rows = cells.map { cell in
            let codes: [String?] = dimensions.indices.map { $0 < cell.codes.count ? cell.codes[$0] : nil }
            return codes + [String(cell.value), cell.status, cell.lower.map { String($0) }, cell.upper.map { String($0) }]
        }
    }

    /// `tables loss`.
    init(infoLoss: [TableInfoLoss]) {
        names = ["name", "cells", "nonzero", "withheld", "withheld_interior", "withheld_value", "total"]
        rows = infoLoss.map { l in
            [l.name] + [l.cells, l.nonzero, l.withheld, l.withheldInterior, l.withheldValue, l.total]
                .map { $0.map { String($0) } }
        }
    }
}
