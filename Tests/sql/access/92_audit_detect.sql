-- As the auditor: audit_verify() points at the tampered row.
\set ON_ERROR_ROLLBACK on
\set d 'auditor: audit_verify() detects the tampered row (first_bad_seq = its seq)'
SELECT v.first_bad_seq IS NOT NULL
       AND v.first_bad_seq = (SELECT seq FROM migstat.audit_log WHERE action = 'extract'
                               AND details ->> 'reason' = 'audit probe ' || :'run' || ': women of purpose A') AS pass,
       'first_bad_seq ' || coalesce(v.first_bad_seq::text, 'NULL') AS info
  FROM migstat.audit_verify() v \gset
\ir lib/result.sql
\echo __end__
