-- As the auditor, after all the activity: the hash chain is intact.
\set ON_ERROR_ROLLBACK on
\set d 'auditor: audit_verify() reports the chain intact over every row'
SELECT v.first_bad_seq IS NULL AND v.rows_checked = (SELECT count(*) FROM migstat.audit_log)
       AND v.head_seq = (SELECT max(seq) FROM migstat.audit_log) AS pass,
       v.rows_checked || ' rows, head ' || v.head_seq AS info
  FROM migstat.audit_verify() v \gset
\ir lib/result.sql
\echo __end__
