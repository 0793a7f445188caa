-- As a steward with read of A, and read + special clearance of B: special clearance is per
-- purpose; and an extract rolled back after reading leaves a gap the auditor sees.
\ir ../helpers/tap.sql
SELECT plan(7);
\set why 'access-control test: special-category extract of B'

SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, ARRAY['ethnicity'])$$, :'pa', 'denied probe ' || :'run' || ': ethnicity of A'), '42501', NULL, 'steward_x: special clearance for B does not open ethnicity of A');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, NULL, '{"migration_status": "IRR"}')$$, :'pa', 'denied probe ' || :'run' || ': status of A'), '42501', NULL, 'steward_x: special clearance for B does not open migration_status filters on A');
SELECT ok(count(*) = 4 AND bool_and(ethnicity IS NOT NULL AND migration_status IS NOT NULL AND disability IS NOT NULL) AND bool_and(record_id LIKE 'B%'),
          'steward_x: extracts B with ethnicity, disability and migration_status')
  FROM migstat.extract(:'pb', :'why', ARRAY['record_id', 'ethnicity', 'disability', 'migration_status']);
SELECT ok(count(*) = 1 AND min(record_id) = 'B1' AND min(migration_status) = 'IRR', 'steward_x: filters B on migration_status (IRR: 1 row, B1)')
  FROM migstat.extract(:'pb', :'why', ARRAY['record_id', 'migration_status'], '{"migration_status": ["IRR"]}');
SELECT is(count(*), 7::bigint, 'steward_x: extract of A still works without special columns') FROM migstat.extract(:'pa', :'why');
-- The check's own result is rolled back with the extract; pgTAP numbers its checks from a
-- sequence, so the TAP line printed inside the transaction stands.
BEGIN;
SELECT is(count(*), 4::bigint, 'steward_x: an extract read inside a transaction that is then rolled back (see the auditor''s gap check)')
  FROM migstat.extract(:'pb', 'rolled back probe ' || :'run' || ': read then roll back');
ROLLBACK;
SELECT is(array_agg(concat_ws(':', role, purpose, access) ORDER BY concat_ws(':', role, purpose, access)),
          ARRAY['steward', 'steward:' || :'pa' || ':read', 'steward:' || :'pb' || ':read', 'steward:' || :'pb' || ':special'],
          'steward_x: my_access() lists read on A, read and special on B') FROM migstat.my_access();

SELECT * FROM finish();
