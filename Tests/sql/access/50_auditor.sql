-- As the auditor: reads the audit log and metadata, sees every extract, never records.
\set ON_ERROR_ROLLBACK on
\set who auditor
\set grp migstat_auditor
\ir lib/visible.sql

\set d 'auditor: reads migstat.audit_log'
SELECT count(*) > 0 AS pass, count(*) || ' rows' AS info FROM migstat.audit_log \gset
\ir lib/result.sql
\set d 'auditor: reads batch and purpose metadata (migstat.batches, migstat.batch, migstat.purpose)'
SELECT (SELECT count(*) FROM migstat.batches) >= 3 AND (SELECT count(*) FROM migstat.batch) >= 3
       AND (SELECT count(*) FROM migstat.purpose) >= 2 AS pass \gset
\ir lib/result.sql
\set d 'auditor: the audited probe extract has one audit row: action extract, the steward as actor, purpose A, 4 rows'
SELECT count(*) = 1
       AND bool_and(actor = :'u_steward' AND (details ->> 'rows')::int = 4 AND details ->> 'purpose' = :'pa'
                    AND purpose_id = (SELECT id FROM migstat.purpose WHERE name = :'pa')
                    AND details -> 'columns' = '["record_id", "sex"]'::jsonb
                    AND details -> 'filters' = '{"sex": "F"}'::jsonb) AS pass,
       string_agg(actor || ' rows=' || (details ->> 'rows'), '; ') AS info
  FROM migstat.audit_log
 WHERE action = 'extract' AND details ->> 'reason' = 'audit probe ' || :'run' || ': women of purpose A' \gset
\ir lib/result.sql
\set d 'auditor: every extract audit row records actor, purpose, reason, columns, filters and row count'
SELECT count(*) > 0 AND bool_and(details ?& ARRAY['purpose', 'reason', 'columns', 'filters', 'rows', 'extract_no']
                                 AND actor IS NOT NULL AND purpose_id IS NOT NULL) AS pass,
       count(*) || ' extract rows' AS info
  FROM migstat.audit_log WHERE action = 'extract' \gset
\ir lib/result.sql
\set d 'auditor: refused extracts returned no rows and left no audit row'
SELECT count(*) = 0 AS pass, count(*) || ' rows' AS info
  FROM migstat.audit_log WHERE details ->> 'reason' LIKE 'denied probe ' || :'run' || '%' \gset
\ir lib/result.sql
\set d 'auditor: the extract read and then rolled back left no audit row (the audit row shares its transaction)'
SELECT count(*) = 0 AS pass FROM migstat.audit_log WHERE details ->> 'reason' LIKE 'rolled back probe ' || :'run' || '%' \gset
\ir lib/result.sql
\set d 'auditor: but extract_gaps() shows exactly one extract number without audit row (the rolled-back one)'
SELECT count(*) = 1 AS pass, coalesce(string_agg(extract_no::text, ','), 'none') AS info FROM migstat.extract_gaps() \gset
\ir lib/result.sql
\set d 'auditor: the imports are audited (batch.import for A and B, with accepted counts)'
SELECT count(*) FILTER (WHERE details ->> 'purpose' = :'pa') = 2 AND count(*) FILTER (WHERE details ->> 'purpose' = :'pb') = 1 AS pass,
       string_agg((details ->> 'purpose') || '=' || (details ->> 'accepted'), ', ') AS info
  FROM migstat.audit_log WHERE action = 'batch.import' \gset
\ir lib/result.sql

\set want 42501
\set d 'auditor: cannot call extract'
\o :out
SELECT * FROM migstat.extract(:'pa', 'auditor would like to see records');
\ir lib/state.sql
\set d 'auditor: cannot call access_grant'
\o :out
SELECT migstat.access_grant(session_user, 'steward', ARRAY[:'pa']);
\ir lib/state.sql
\set d 'auditor: cannot call begin_batch'
\o :out
SELECT * FROM migstat.begin_batch('acc-border', :'pa', 'au.csv', repeat('c', 64));
\ir lib/state.sql
\echo __end__
