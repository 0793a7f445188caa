-- Batch summaries with names instead of ids (profile_sha256: the mapping profile the file was read
-- through, NULL for the canonical layout). A security barrier (see views/access.sql).
CREATE OR REPLACE VIEW migstat.batches WITH (security_barrier = true) AS
    SELECT b.id, s.name AS source, p.name AS purpose, b.file_name, b.sha256, b.rows_read, b.accepted,
           b.rejected, b.status, b.imported_at, b.imported_by, b.withdrawn_at, b.withdrawn_by, b.withdraw_reason,
           b.profile_sha256
      FROM migstat.batch b
      JOIN migstat.source s ON s.id = b.source_id
      JOIN migstat.purpose p ON p.id = b.purpose_id;
