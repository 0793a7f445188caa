-- As the auditor: audit_verify() points at the tampered row.
\ir ../helpers/tap.sql
SELECT plan(1);
SELECT ok(v.first_bad_seq IS NOT NULL
          AND v.first_bad_seq = (SELECT seq FROM migstat.audit_log WHERE action = 'extract'
                                  AND details ->> 'reason' = 'audit probe ' || :'run' || ': women of purpose A'),
          format('auditor: audit_verify() detects the tampered row (first_bad_seq = its seq; first_bad_seq %s)',
                 coalesce(v.first_bad_seq::text, 'NULL')))
  FROM migstat.audit_verify() v;
SELECT * FROM finish();
