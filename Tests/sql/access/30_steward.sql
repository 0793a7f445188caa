-- As a steward with the read compartment of A only (no special clearance).
\set ON_ERROR_ROLLBACK on
\set who steward
\set why 'access-control test: checking what a steward of A receives'

\set d 'steward: extract of A returns all 7 stored records of A'
SELECT count(*) = 7 AS pass, count(*) || ' rows' AS info FROM migstat.extract(:'pa', :'why') \gset
\ir lib/result.sql
\set d 'steward: extract of A returns only records of A (record_ids and batches of A)'
SELECT bool_and(e.record_id LIKE 'A%')
       AND bool_and(e.batch_id IN (SELECT id FROM migstat.batches WHERE purpose = :'pa')) AS pass,
       string_agg(e.record_id, ',' ORDER BY e.record_id) AS info
  FROM migstat.extract(:'pa', :'why') e \gset
\ir lib/result.sql
\set d 'steward: default columns leave out person_pseudonym and the special-category columns'
SELECT bool_and(person_pseudonym IS NULL AND ethnicity IS NULL AND disability IS NULL AND migration_status IS NULL)
       AND bool_and(record_id IS NOT NULL AND sex IS NOT NULL AND nationality IS NOT NULL) AS pass
  FROM migstat.extract(:'pa', :'why') \gset
\ir lib/result.sql
\set d 'steward: codes come back decoded (A1 is F, UZB, KG-GB, OCC, occupation 7, SEASONAL)'
SELECT count(*) = 1 AS pass, min(concat_ws('/', sex, nationality, region, reason, occupation, worker_category)) AS info
  FROM migstat.extract(:'pa', :'why')
 WHERE record_id = 'A1' AND sex = 'F' AND nationality = 'UZB' AND country = 'UZB' AND region = 'KG-GB'
   AND reason = 'OCC' AND occupation = '7' AND worker_category = 'SEASONAL' AND direction = 'IN' AND age = 34 \gset
\ir lib/result.sql
\set d 'steward: person_pseudonym only when requested, as 64 hex digits'
SELECT count(*) FILTER (WHERE person_pseudonym ~ '^[0-9a-f]{64}$') = 6 AND bool_and(sex IS NULL) AS pass
  FROM migstat.extract(:'pa', :'why', ARRAY['record_id', 'person_pseudonym']) \gset
\ir lib/result.sql
\set d 'steward: columns not requested come back NULL; filters sex/event_date select rows'
SELECT count(*) = 3 AND bool_and(sex = 'F' AND record_id IS NULL AND event_date IS NULL AND age IS NULL
                                 AND batch_id IS NULL AND line_no IS NULL) AS pass, count(*) || ' rows' AS info
  FROM migstat.extract(:'pa', :'why', ARRAY['sex'],
                       '{"sex": ["F"], "event_date_from": "2024-01-01", "event_date_to": "2024-12-31"}') \gset
\ir lib/result.sql
\set d 'steward: nationality filter'
SELECT count(*) = 2 AND bool_and(nationality = 'UZB') AS pass, count(*) || ' rows' AS info
  FROM migstat.extract(:'pa', :'why', NULL, '{"nationality": ["uzb"]}') \gset
\ir lib/result.sql
\set d 'steward: audited probe extract (women of A) returns 4 rows'
SELECT count(*) = 4 AS pass, count(*) || ' rows' AS info
  FROM migstat.extract(:'pa', 'audit probe ' || :'run' || ': women of purpose A', ARRAY['record_id', 'sex'],
                       '{"sex": "F"}') \gset
\ir lib/result.sql
\set d 'steward: extract is unaffected by the caller setting row_security = off'
SET row_security = off;
SELECT count(*) = 7 AS pass, count(*) || ' rows' AS info FROM migstat.extract(:'pa', :'why') \gset
\ir lib/result.sql
RESET row_security;

-- ---- forbidden --------------------------------------------------------------------------------
\set want 42501
\set d 'steward: cannot extract purpose B (no read compartment)'
\o :out
SELECT * FROM migstat.extract(:'pb', 'denied probe ' || :'run' || ': B without compartment');
\ir lib/state.sql
\set d 'steward: cannot extract ethnicity without special clearance'
\o :out
SELECT * FROM migstat.extract(:'pa', 'denied probe ' || :'run' || ': ethnicity', ARRAY['record_id', 'ethnicity']);
\ir lib/state.sql
\set d 'steward: cannot extract disability without special clearance'
\o :out
SELECT * FROM migstat.extract(:'pa', 'denied probe ' || :'run' || ': disability', ARRAY['disability']);
\ir lib/state.sql
\set d 'steward: cannot extract migration_status without special clearance'
\o :out
SELECT * FROM migstat.extract(:'pa', 'denied probe ' || :'run' || ': status', ARRAY['migration_status']);
\ir lib/state.sql
\set d 'steward: cannot filter on migration_status without special clearance'
\o :out
SELECT * FROM migstat.extract(:'pa', 'denied probe ' || :'run' || ': filter', ARRAY['record_id'],
                              '{"migration_status": ["IRR"]}');
\ir lib/state.sql
\set d 'steward: cannot filter on ethnicity without special clearance'
\o :out
SELECT * FROM migstat.extract(:'pa', 'denied probe ' || :'run' || ': filter', ARRAY['record_id'],
                              '{"ethnicity": "UZBEK"}');
\ir lib/state.sql
\set want 22023
\set d 'steward: extract without a reason (NULL) fails 22023'
\o :out
SELECT * FROM migstat.extract(:'pa', NULL);
\ir lib/state.sql
\set d 'steward: extract with an empty reason fails 22023'
\o :out
SELECT * FROM migstat.extract(:'pa', '   ');
\ir lib/state.sql
\set d 'steward: extract with a too short reason fails 22023'
\o :out
SELECT * FROM migstat.extract(:'pa', 'because');
\ir lib/state.sql
\set d 'steward: extract with a reason of digits only fails 22023'
\o :out
SELECT * FROM migstat.extract(:'pa', '1234567890 1234');
\ir lib/state.sql
\set d 'steward: unknown column fails 22023'
\o :out
SELECT * FROM migstat.extract(:'pa', :'why', ARRAY['record_id', 'purpose_id']);
\ir lib/state.sql
\set d 'steward: unknown filter fails 22023'
\o :out
SELECT * FROM migstat.extract(:'pa', :'why', NULL, '{"purpose_id": 2}');
\ir lib/state.sql
\set d 'steward: unknown code in a filter fails 22023'
\o :out
SELECT * FROM migstat.extract(:'pa', :'why', NULL, '{"sex": ["Q"]}');
\ir lib/state.sql
\set d 'steward: undeclared purpose fails MS404'
\o :out
SELECT * FROM migstat.extract('acc_nonexistent', :'why');
\set want MS404
\ir lib/state.sql
\set want 42501
\set d 'steward: cannot read migstat.audit_log'
\o :out
SELECT * FROM migstat.audit_log;
\ir lib/state.sql
\set d 'steward: cannot call begin_batch'
\o :out
SELECT * FROM migstat.begin_batch('acc-border', :'pa', 's.csv', repeat('a', 64));
\ir lib/state.sql
\set d 'steward: cannot call access_grant'
\o :out
SELECT migstat.access_grant(session_user, 'steward', ARRAY[:'pb'], true);
\ir lib/state.sql
\set d 'steward: cannot call migstat.audit directly (forge an audit row)'
\o :out
SELECT migstat.audit('extract', '{"rows": 0}');
\ir lib/state.sql
\set d 'steward: reads migstat.batches (allowed)'
SELECT count(*) >= 3 AS pass, count(*) || ' batches' AS info FROM migstat.batches \gset
\ir lib/result.sql
\set d 'steward: my_access() lists steward and read on A only'
SELECT array_agg(concat_ws(':', role, purpose, access) ORDER BY concat_ws(':', role, purpose, access)) = ARRAY['steward', 'steward:' || :'pa' || ':read'] AS pass,
       string_agg(concat_ws(':', role, purpose, access), ', ') AS info
  FROM migstat.my_access() \gset
\ir lib/result.sql
\echo __end__
