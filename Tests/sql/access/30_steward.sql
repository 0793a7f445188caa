-- As a steward with the read compartment of A only (no special clearance).
\ir ../helpers/tap.sql
SELECT plan(29);
\set why 'access-control test: checking what a steward of A receives'

SELECT is(count(*), 7::bigint, 'steward: extract of A returns all 7 stored records of A') FROM migstat.extract(:'pa', :'why');
SELECT ok(bool_and(e.record_id LIKE 'A%') AND bool_and(e.batch_id IN (SELECT id FROM migstat.batches WHERE purpose = :'pa')),
          'steward: extract of A returns only records of A (record_ids and batches of A)') FROM migstat.extract(:'pa', :'why') e;
SELECT ok(bool_and(person_pseudonym IS NULL AND ethnicity IS NULL AND disability IS NULL AND migration_status IS NULL)
          AND bool_and(record_id IS NOT NULL AND sex IS NOT NULL AND nationality IS NOT NULL),
          'steward: default columns leave out person_pseudonym and the special-category columns') FROM migstat.extract(:'pa', :'why');
SELECT is(count(*), 1::bigint, 'steward: codes come back decoded (A1 is F, UZB, KG-GB, OCC, occupation 7, SEASONAL)')
  FROM migstat.extract(:'pa', :'why')
 WHERE record_id = 'A1' AND sex = 'F' AND nationality = 'UZB' AND country = 'UZB' AND region = 'KG-GB'
   AND reason = 'OCC' AND occupation = '7' AND worker_category = 'SEASONAL' AND direction = 'IN' AND age = 34;
SELECT ok(count(*) FILTER (WHERE person_pseudonym ~ '^[0-9a-f]{64}$') = 6 AND bool_and(sex IS NULL),
          'steward: person_pseudonym only when requested, as 64 hex digits') FROM migstat.extract(:'pa', :'why', ARRAY['record_id', 'person_pseudonym']);
SELECT ok(count(*) = 3 AND bool_and(sex = 'F' AND record_id IS NULL AND event_date IS NULL AND age IS NULL AND batch_id IS NULL AND line_no IS NULL),
          'steward: columns not requested come back NULL; filters sex/event_date select rows')
  FROM migstat.extract(:'pa', :'why', ARRAY['sex'], '{"sex": ["F"], "event_date_from": "2024-01-01", "event_date_to": "2024-12-31"}');
SELECT ok(count(*) = 2 AND bool_and(nationality = 'UZB'), 'steward: nationality filter') FROM migstat.extract(:'pa', :'why', NULL, '{"nationality": ["uzb"]}');
SELECT is(count(*), 4::bigint, 'steward: audited probe extract (women of A) returns 4 rows')
  FROM migstat.extract(:'pa', 'audit probe ' || :'run' || ': women of purpose A', ARRAY['record_id', 'sex'], '{"sex": "F"}');
SET row_security = off;
SELECT is(count(*), 7::bigint, 'steward: extract is unaffected by the caller setting row_security = off') FROM migstat.extract(:'pa', :'why');
RESET row_security;

-- ---- forbidden --------------------------------------------------------------------------------
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L)$$, :'pb', 'denied probe ' || :'run' || ': B without compartment'), '42501', NULL, 'steward: cannot extract purpose B (no read compartment)');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, ARRAY['record_id', 'ethnicity'])$$, :'pa', 'denied probe ' || :'run' || ': ethnicity'), '42501', NULL, 'steward: cannot extract ethnicity without special clearance');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, ARRAY['disability'])$$, :'pa', 'denied probe ' || :'run' || ': disability'), '42501', NULL, 'steward: cannot extract disability without special clearance');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, ARRAY['migration_status'])$$, :'pa', 'denied probe ' || :'run' || ': status'), '42501', NULL, 'steward: cannot extract migration_status without special clearance');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, ARRAY['record_id'], '{"migration_status": ["IRR"]}')$$, :'pa', 'denied probe ' || :'run' || ': filter'), '42501', NULL, 'steward: cannot filter on migration_status without special clearance');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, ARRAY['record_id'], '{"ethnicity": "UZBEK"}')$$, :'pa', 'denied probe ' || :'run' || ': filter'), '42501', NULL, 'steward: cannot filter on ethnicity without special clearance');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, NULL)$$, :'pa'), '22023', NULL, 'steward: extract without a reason (NULL) fails 22023');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, '   ')$$, :'pa'), '22023', NULL, 'steward: extract with an empty reason fails 22023');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, 'because')$$, :'pa'), '22023', NULL, 'steward: extract with a too short reason fails 22023');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, '1234567890 1234')$$, :'pa'), '22023', NULL, 'steward: extract with a reason of digits only fails 22023');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, ARRAY['record_id', 'purpose_id'])$$, :'pa', :'why'), '22023', NULL, 'steward: unknown column fails 22023');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, NULL, '{"purpose_id": 2}')$$, :'pa', :'why'), '22023', NULL, 'steward: unknown filter fails 22023');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, %L, NULL, '{"sex": ["Q"]}')$$, :'pa', :'why'), '22023', NULL, 'steward: unknown code in a filter fails 22023');
SELECT throws_ok(format($$SELECT * FROM migstat.extract('acc_nonexistent', %L)$$, :'why'), 'MS404', NULL, 'steward: undeclared purpose fails MS404');
SELECT throws_ok('SELECT * FROM migstat.audit_log', '42501', NULL, 'steward: cannot read migstat.audit_log');
SELECT throws_ok(format($$SELECT * FROM migstat.begin_batch('acc-border', %L, 's.csv', repeat('a', 64))$$, :'pa'), '42501', NULL, 'steward: cannot call begin_batch');
SELECT throws_ok(format($$SELECT migstat.access_grant(session_user, 'steward', ARRAY[%L], true)$$, :'pb'), '42501', NULL, 'steward: cannot call access_grant');
SELECT throws_ok($$SELECT migstat.audit('extract', '{"rows": 0}')$$, '42501', NULL, 'steward: cannot call migstat.audit directly (forge an audit row)');
SELECT ok(count(*) >= 3, format('steward: reads migstat.batches (allowed; %s batches)', count(*))) FROM migstat.batches;
SELECT is(array_agg(concat_ws(':', role, purpose, access) ORDER BY concat_ws(':', role, purpose, access)), ARRAY['steward', 'steward:' || :'pa' || ':read'],
          'steward: my_access() lists steward and read on A only') FROM migstat.my_access();

SELECT * FROM finish();
