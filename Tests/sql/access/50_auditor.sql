-- As the auditor: reads the audit log and metadata, sees every extract, never records.
\ir ../helpers/tap.sql
SELECT plan(16);
\set who auditor
\set grp migstat_auditor
\ir ../helpers/visible.sql

SELECT ok(count(*) > 0, format('auditor: reads migstat.audit_log (%s rows)', count(*))) FROM migstat.audit_log;
SELECT ok((SELECT count(*) FROM migstat.batches) >= 3 AND (SELECT count(*) FROM migstat.batch) >= 3 AND (SELECT count(*) FROM migstat.purpose) >= 2,
          'auditor: reads batch and purpose metadata (migstat.batches, migstat.batch, migstat.purpose)');
SELECT ok(count(*) = 1
          AND bool_and(actor = :'u_steward' AND (details ->> 'rows')::int = 4 AND details ->> 'purpose' = :'pa'
                       AND purpose_id = (SELECT id FROM migstat.purpose WHERE name = :'pa')
                       AND details -> 'columns' = '["record_id", "sex"]'::jsonb
                       AND details -> 'filters' = '{"sex": "F"}'::jsonb),
          'auditor: the audited probe extract has one audit row: action extract, the steward as actor, purpose A, 4 rows')
  FROM migstat.audit_log
 WHERE action = 'extract' AND details ->> 'reason' = 'audit probe ' || :'run' || ': women of purpose A';
SELECT ok(count(*) > 0 AND bool_and(details ?& ARRAY['purpose', 'reason', 'columns', 'filters', 'rows', 'extract_no'] AND actor IS NOT NULL AND purpose_id IS NOT NULL),
          'auditor: every extract audit row records actor, purpose, reason, columns, filters and row count')
  FROM migstat.audit_log WHERE action = 'extract';
SELECT is(count(*), 0::bigint, 'auditor: refused extracts returned no rows and left no audit row')
  FROM migstat.audit_log WHERE details ->> 'reason' LIKE 'denied probe ' || :'run' || '%';
SELECT is(count(*), 0::bigint, 'auditor: the extract read and then rolled back left no audit row (the audit row shares its transaction)')
  FROM migstat.audit_log WHERE details ->> 'reason' LIKE 'rolled back probe ' || :'run' || '%';
SELECT is(count(*), 1::bigint, 'auditor: but extract_gaps() shows exactly one extract number without audit row (the rolled-back one)') FROM migstat.extract_gaps();
SELECT ok(count(*) >= 1 + 6, 'auditor: read_gaps() lists the rolled-back extract and the refused ones (reads without a committed audit row; see "migstat read N" in the server log)')
  FROM migstat.read_gaps();
SELECT is(count(*), 0::bigint, 'auditor: no committed extract audit row is listed by read_gaps() (each carries its read number)')
  FROM migstat.audit_log a JOIN migstat.read_gaps() g ON a.details ->> 'read' = g.read_no::text
 WHERE a.action = 'extract';
SELECT ok(count(*) FILTER (WHERE details ->> 'purpose' = :'pa') = 3 AND count(*) FILTER (WHERE details ->> 'purpose' = :'pb') = 2,
          'auditor: the imports are audited (batch.import for A and B, with accepted counts)')
  FROM migstat.audit_log WHERE action = 'batch.import';

SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, 'auditor would like to see records')$$, :'pa'), '42501', NULL, 'auditor: cannot call extract');
SELECT throws_ok(format($$SELECT migstat.access_grant(session_user, 'steward', ARRAY[%L])$$, :'pa'), '42501', NULL, 'auditor: cannot call access_grant');
SELECT throws_ok(format($$SELECT * FROM migstat.begin_batch('acc-border', %L, 'au.csv', repeat('c', 64))$$, :'pa'), '42501', NULL, 'auditor: cannot call begin_batch');

SELECT * FROM finish();
