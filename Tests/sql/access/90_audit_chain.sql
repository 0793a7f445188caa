-- As the auditor, after all the activity: the hash chain is intact.
\ir ../helpers/tap.sql
SELECT plan(1);
SELECT ok(v.first_bad_seq IS NULL AND v.rows_checked = (SELECT count(*) FROM migstat.audit_log)
          AND v.head_seq = (SELECT max(seq) FROM migstat.audit_log),
          format('auditor: audit_verify() reports the chain intact over every row (%s rows, head %s)', v.rows_checked, v.head_seq))
  FROM migstat.audit_verify() v;
SELECT * FROM finish();
