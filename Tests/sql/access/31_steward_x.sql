-- As a steward with read of A, and read + special clearance of B: special clearance is per
-- purpose; and an extract rolled back after reading leaves a gap the auditor sees.
\set ON_ERROR_ROLLBACK on
\set who steward_x
\set why 'access-control test: special-category extract of B'

\set d 'steward_x: special clearance for B does not open ethnicity of A'
\o :out
SELECT * FROM migstat.extract(:'pa', 'denied probe ' || :'run' || ': ethnicity of A', ARRAY['ethnicity']);
\set want 42501
\ir lib/state.sql
\set d 'steward_x: special clearance for B does not open migration_status filters on A'
\o :out
SELECT * FROM migstat.extract(:'pa', 'denied probe ' || :'run' || ': status of A', NULL, '{"migration_status": "IRR"}');
\ir lib/state.sql
\set d 'steward_x: extracts B with ethnicity, disability and migration_status'
SELECT count(*) = 4 AND bool_and(ethnicity IS NOT NULL AND migration_status IS NOT NULL AND disability IS NOT NULL)
       AND bool_and(record_id LIKE 'B%') AS pass, count(*) || ' rows' AS info
  FROM migstat.extract(:'pb', :'why', ARRAY['record_id', 'ethnicity', 'disability', 'migration_status']) \gset
\ir lib/result.sql
\set d 'steward_x: filters B on migration_status (IRR: 1 row, B1)'
SELECT count(*) = 1 AND min(record_id) = 'B1' AND min(migration_status) = 'IRR' AS pass, count(*) || ' rows' AS info
  FROM migstat.extract(:'pb', :'why', ARRAY['record_id', 'migration_status'], '{"migration_status": ["IRR"]}') \gset
\ir lib/result.sql
\set d 'steward_x: extract of A still works without special columns'
SELECT count(*) = 7 AS pass, count(*) || ' rows' AS info FROM migstat.extract(:'pa', :'why') \gset
\ir lib/result.sql
\set d 'steward_x: an extract read inside a transaction that is then rolled back (see the auditor''s gap check)'
BEGIN;
SELECT count(*) = 4 AS pass, count(*) || ' rows read, then ROLLBACK' AS info
  FROM migstat.extract(:'pb', 'rolled back probe ' || :'run' || ': read then roll back') \gset
ROLLBACK;
\ir lib/result.sql
\set d 'steward_x: my_access() lists read on A, read and special on B'
SELECT array_agg(concat_ws(':', role, purpose, access) ORDER BY concat_ws(':', role, purpose, access))
       = ARRAY['steward', 'steward:' || :'pa' || ':read', 'steward:' || :'pb' || ':read', 'steward:' || :'pb' || ':special'] AS pass,
       string_agg(concat_ws(':', role, purpose, access), ', ') AS info
  FROM migstat.my_access() \gset
\ir lib/result.sql
\echo __end__
