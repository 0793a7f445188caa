-- As the loader of purpose A: imports, and everything a loader must not be able to do with the
-- data it sends or with other compartments.
\set ON_ERROR_ROLLBACK on
\ir ../helpers/tap.sql
\ir ../helpers/loader.sql
SELECT plan(49);
INSERT INTO rows_in VALUES
 (1, 'A1', '2024-01-10', 'IN',  'F', 34, 'UZB', 'UZB', 'KG-GB', 'OCC',  '7',  'SEASONAL',   'UZBEK',   'REG',      'NODIS', 'person-a1'),
 (2, 'A2', '2024-02-11', 'OUT', 'M', 41, 'KGZ', 'RUS', 'KG-C',  'OCC',  '9',  'OTHER',      'KYRGYZ',  'IRR',      'DIS',   'person-a2'),
 (3, 'A3', '2024-03-12', 'IN',  'F', 29, 'UZB', 'UZB', 'KG-O',  'FAM',  NULL, 'NOT_WORKER', 'UZBEK',   'ASY_APPL', 'NODIS', 'person-a3'),
 (4, 'A4', '2024-04-13', 'IN',  'M', 52, 'TJK', 'TJK', 'KG-B',  'OCC',  '7',  'SEASONAL',   'TAJIK',   'REG',      NULL,    'person-a4'),
 (5, 'A5', '2024-05-14', 'OUT', 'F', 23, 'KGZ', 'KAZ', 'KG-GB', 'EDUC', NULL, 'NOT_WORKER', 'KYRGYZ',  'REG',      'NODIS', 'person-a5'),
 (6, 'A6', '2025-06-15', 'IN',  'F', 37, 'RUS', 'RUS', 'KG-C',  'RET',  NULL, 'UNK',        'RUSSIAN', 'REG',      'UNK',   NULL);

-- ---- batch a1: the allowed path, with read attempts inside the importing transaction --------
BEGIN;
SELECT batch_id AS a1_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a1.csv', encode(sha256(convert_to(:'run' || '/a1', 'UTF8')), 'hex')) \gset
SELECT ok(:a1_id > 0, 'loader: begin_batch in A');
\set a1_rel 'migstat_data.' :copy_table
\ir ../helpers/copy_rows.sql
SELECT is(:ROW_COUNT, 6, 'loader: COPY rows into its batch table');

SELECT pg_temp.denied(format('SELECT * FROM %s', :'a1_rel'), 'loader: cannot SELECT the batch table it is loading, same transaction');
\set probe 'COPY ' :a1_rel ' TO STDOUT'
\set d 'loader: cannot COPY its loading batch table TO STDOUT, same transaction'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY (SELECT record_id, person_pseudonym FROM ' :a1_rel ') TO STDOUT'
\set d 'loader: cannot COPY (SELECT ...) from its loading batch table, same transaction'
\ir ../helpers/copy_out_denied.sql
SET LOCAL row_security = off;
SELECT pg_temp.denied(format('SELECT * FROM %s', :'a1_rel'), 'loader: cannot read its loading batch table with row_security = off, same transaction');
RESET row_security;
SELECT throws_ok(format($$INSERT INTO %s (line_no, record_id, event_date, direction, sex, nationality, migration_status) VALUES (99, 'X99', '2024-01-01', 1, 1, 1, 1) RETURNING *$$, :'a1_rel'), '42501', NULL, 'loader: cannot read back through INSERT ... RETURNING, same transaction');
SELECT throws_ok(format('INSERT INTO %s SELECT * FROM %1$s', :'a1_rel'), '42501', NULL, 'loader: cannot read through a self-join INSERT ... SELECT, same transaction');
SELECT throws_ok(format($$DELETE FROM %s WHERE record_id = 'A1'$$, :'a1_rel'), '42501', NULL, 'loader: cannot UPDATE or DELETE in its loading batch table');
CREATE FUNCTION pg_temp.t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE '%', NEW; RETURN NEW; END $$;
SELECT throws_ok(format('CREATE TRIGGER probe BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION pg_temp.t()', :'a1_rel'), '42501', NULL, 'loader: cannot add a trigger to its loading batch table');
SELECT throws_ok(format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS records_age_check', :'a1_rel'), '42501', NULL, 'loader: cannot disable the constraints of its loading batch table');

SELECT is_empty(format('SELECT * FROM migstat.check_batch(%s)', :a1_id), 'loader: check_batch finds nothing to reject in a clean batch');
SELECT throws_ok(format($$INSERT INTO %s (line_no, record_id, event_date, direction, sex, nationality, migration_status) VALUES (96, 'X96', '2024-01-01', 1, 1, 1, 1)$$, :'a1_rel'), '42501', NULL, 'loader: cannot INSERT into its batch after check_batch (the checked rows cannot change)');
SELECT ok(accepted = 6 AND status = 'loaded', 'loader: finish_batch seals the batch (6 accepted)') FROM migstat.finish_batch(:a1_id, 6, 0);
SELECT pg_temp.denied(format('SELECT * FROM %s', :'a1_rel'), 'loader: cannot SELECT its batch after finish_batch, same transaction');
SELECT throws_ok(format($$INSERT INTO %s (line_no, record_id, event_date, direction, sex, nationality, migration_status) VALUES (97, 'X97', '2024-01-01', 1, 1, 1, 1)$$, :'a1_rel'), '42501', NULL, 'loader: cannot INSERT into its batch after finish_batch (grant revoked)');
COMMIT;

SELECT pg_temp.denied(format('SELECT * FROM %s', :'a1_rel'), 'loader: cannot SELECT the batch it loaded, later transaction');
SELECT is(count(*), 1::bigint, 'loader: the batch is listed in migstat.batches (loaded, 6 accepted)') FROM migstat.batches WHERE id = :a1_id AND status = 'loaded' AND accepted = 6;

-- ---- other compartments ---------------------------------------------------------------------
SELECT throws_ok(format($$SELECT * FROM migstat.begin_batch('acc-border', %L, 'x.csv', %L)$$, :'pb', encode(sha256(convert_to(:'run' || '/x', 'UTF8')), 'hex')), '42501', NULL, 'loader: cannot begin a batch in purpose B (no load compartment)');
SELECT id AS b1_id FROM migstat.batches WHERE purpose = :'pb' ORDER BY id LIMIT 1 \gset
SELECT throws_ok(format('SELECT * FROM migstat.check_batch(%s)', :b1_id), '55000', NULL, 'loader: cannot run check_batch on B''s batch (not its loading batch)');
SELECT throws_ok(format('SELECT * FROM migstat.finish_batch(%s, 0, 0)', :b1_id), '55000', NULL, 'loader: cannot run finish_batch on B''s batch');
SELECT throws_ok(format($$SELECT * FROM migstat.withdraw_batch(%s, 'probe: not my compartment')$$, :b1_id), '42501', NULL, 'loader: cannot withdraw B''s batch');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, 'loader wants to read back its data')$$, :'pa'), '42501', NULL, 'loader: cannot call extract');
SELECT throws_ok($$SELECT * FROM migstat.purpose_add('acc_probe', 'probe', '1 year')$$, '42501', NULL, 'loader: cannot call purpose_add');
SELECT throws_ok(format($$SELECT migstat.access_grant(session_user, 'steward', ARRAY[%L])$$, :'pa'), '42501', NULL, 'loader: cannot call access_grant (e.g. to itself)');

-- ---- batch a2: duplicates against A and against B; check_batch must not say where -----------
TRUNCATE rows_in;
INSERT INTO rows_in VALUES
 (1, 'A2', '2024-07-01', 'IN',  'M', 33, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'SEASONAL', NULL, 'REG', NULL, 'person-x1'),
 (2, 'A1', '2024-07-02', 'IN',  'M', 33, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'SEASONAL', NULL, 'REG', NULL, 'person-x2'),
 (3, 'A7', '2024-07-03', 'OUT', 'M', 48, 'KGZ', 'KGZ', 'KG-N',  'OCC', '7',  'OTHER',    NULL, 'REG', NULL, 'person-a7'),
 (4, 'A7', '2024-07-04', 'IN',  'F', 22, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER',   NULL, 'REG', NULL, 'person-a8');
BEGIN;
SELECT batch_id AS a2_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a2.csv', encode(sha256(convert_to(:'run' || '/a2', 'UTF8')), 'hex')) \gset
SELECT ok(:a2_id > 0, 'loader: begin_batch a2 in A');
\ir ../helpers/copy_rows.sql
SELECT is(:ROW_COUNT, 4, 'loader: COPY rows into batch a2');
CREATE TEMP TABLE checked AS SELECT * FROM migstat.check_batch(:a2_id);
SELECT is(count(*) FILTER (WHERE line_no IN (1, 2) AND column_name = 'record_id' AND reason = 'already_stored'), 2::bigint, 'loader: check_batch flags the record_ids stored in A (same compartment)') FROM checked;
SELECT ok(bool_and(reason !~* '(batch|purpose|compartment|[0-9])')
          AND bool_and(position(:'pb' in reason) = 0 AND position(:'pa' in reason) = 0),
          'loader: the duplicate answer names no purpose or batch')
  FROM checked WHERE line_no IN (1, 2);
SELECT is(array_agg(attname::text ORDER BY attnum), ARRAY['line_no', 'column_name', 'reason'], 'loader: check_batch returns only (line_no, column_name, reason)')
  FROM pg_attribute WHERE attrelid = 'pg_temp.checked'::regclass AND attnum > 0;
SELECT is(count(*), 1::bigint, 'loader: check_batch flags the second occurrence of a record_id within the batch (all compared)')
  FROM checked WHERE line_no = 4 AND column_name = 'record_id' AND reason = 'duplicate_in_batch';
SELECT ok(accepted = 1 AND rejected = 3, 'loader: finish_batch after check_batch stores the rest (1 accepted, 3 rejected and removed)') FROM migstat.finish_batch(:a2_id, 4, 3);
COMMIT;

-- ---- probing: check_batch, rolled back, tells nothing about B's record_ids --------------------
TRUNCATE rows_in;
INSERT INTO rows_in VALUES
 (1, 'B1', '2024-07-01', 'IN', 'M', 33, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'SEASONAL', NULL, 'REG', NULL, 'person-p1'),
 (2, 'B2', '2024-07-01', 'IN', 'M', 33, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'SEASONAL', NULL, 'REG', NULL, 'person-p2'),
 (3, 'A1', '2024-07-01', 'IN', 'M', 33, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'SEASONAL', NULL, 'REG', NULL, 'person-p3');
BEGIN;
SELECT batch_id AS probe_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'probe.csv', encode(sha256(convert_to(:'run' || '/probe', 'UTF8')), 'hex')) \gset
\ir ../helpers/copy_rows.sql
SELECT results_eq(format('SELECT line_no, reason FROM migstat.check_batch(%s)', :probe_id), $$VALUES (3, 'already_stored')$$,
                  'loader: a probe of B''s record_ids (same source) finds none of them, only A''s own (line 3)');
ROLLBACK;

-- ---- batches a3, a4: a hand-made import cannot skip the checks or hide what they removed -------
TRUNCATE rows_in;
INSERT INTO rows_in VALUES
 (1, 'A9', '2024-08-01', 'IN', 'F', 30, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-a9'),
 (2, 'A9', '2024-08-02', 'IN', 'M', 31, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-a10');
BEGIN;
SELECT batch_id AS a3_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a3.csv', encode(sha256(convert_to(:'run' || '/a3', 'UTF8')), 'hex')) \gset
\ir ../helpers/copy_rows.sql
SELECT throws_ok(format('SELECT * FROM migstat.finish_batch(%s, 2, 0)', :a3_id), 'MS422', NULL, 'loader: finish_batch without check_batch runs the checks and refuses a batch with a duplicate (MS422)');
ROLLBACK;
BEGIN;
SELECT batch_id AS a4_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a4.csv', encode(sha256(convert_to(:'run' || '/a4', 'UTF8')), 'hex')) \gset
\ir ../helpers/copy_rows.sql
SELECT count(*) AS a4_flagged FROM migstat.check_batch(:a4_id) \gset
SELECT throws_ok(format('SELECT * FROM migstat.finish_batch(%s, 1, 0)', :a4_id), 'MS422', NULL, 'loader: finish_batch refuses to declare fewer rejected rows than check_batch removed (MS422)');
ROLLBACK;


-- ---- batch a5: a hand-made COPY of a code outside its list is refused at check_batch ---------
TRUNCATE rows_in;
INSERT INTO rows_in VALUES
 (1, 'A20', '2024-09-01', 'IN', 'F', 30, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-a20'),
 (2, 'A21', '2024-09-02', 'IN', '#999', 31, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-a21');
BEGIN;
SELECT batch_id AS a5_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a5.csv', encode(sha256(convert_to(:'run' || '/a5', 'UTF8')), 'hex')) \gset
\ir ../helpers/copy_rows.sql
SELECT throws_ok(format('SELECT * FROM migstat.check_batch(%s)', :a5_id), '23514', NULL, 'loader: check_batch refuses a hand-made COPY of a sex code outside its list (23514)');
SELECT throws_ok(format('SELECT * FROM migstat.finish_batch(%s, 2, 0)', :a5_id), '23514', NULL, 'loader: finish_batch without check_batch refuses it too (23514)');
ROLLBACK;
BEGIN;
SELECT batch_id AS a6_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a6.csv', encode(sha256(convert_to(:'run' || '/a6', 'UTF8')), 'hex')) \gset
SELECT lives_ok(format($$INSERT INTO %s (line_no, record_id, event_date, direction, sex, nationality, migration_status) SELECT 1, 'A23', '2024-01-01', 1, 1, (SELECT max(id) + 1 FROM migstat.code WHERE dimension = 'country'), 1$$, 'migstat_data.batch_' || :a6_id), 'loader: an INSERT of a nationality outside its list into its batch table is accepted for now (no per-row CHECK)');
SELECT throws_ok(format('SELECT * FROM migstat.finish_batch(%s, 1, 0)', :a6_id), '23514', NULL, 'loader: finish_batch refuses the batch with the hand-made nationality outside its list (23514)');
ROLLBACK;
BEGIN;
SELECT batch_id AS a8_id FROM migstat.begin_batch('acc-border', :'pa', 'a8.csv', encode(sha256(convert_to(:'run' || '/a8', 'UTF8')), 'hex')) \gset
SELECT throws_ok(format($$INSERT INTO %s (purpose_id, line_no, record_id, event_date, direction, sex, nationality, migration_status) SELECT id, 98, 'X98', '2024-01-01', 1, 1, 1, 1 FROM migstat.purpose WHERE name = %L$$, 'migstat_data.batch_' || :a8_id, :'pb'), '42501', NULL, 'loader: cannot smuggle a row of purpose B into its batch of A (no INSERT on purpose_id)');
SELECT throws_ok(format($$INSERT INTO %s (batch_id, line_no, record_id, event_date, direction, sex, nationality, migration_status) VALUES (%s, 98, 'X98', '2024-01-01', 1, 1, 1, 1)$$, 'migstat_data.batch_' || :a8_id, :b1_id), '42501', NULL, 'loader: cannot give a row another batch''s id (no INSERT on batch_id)');
SELECT throws_ok(format($$INSERT INTO %s (source_id, line_no, record_id, event_date, direction, sex, nationality, migration_status) VALUES (1, 98, 'X98', '2024-01-01', 1, 1, 1, 1)$$, 'migstat_data.batch_' || :a8_id), '42501', NULL, 'loader: cannot give a row another source (no INSERT on source_id)');
SELECT throws_ok(format($$INSERT INTO %s (record_key, line_no, record_id, event_date, direction, sex, nationality, migration_status) VALUES (0, 98, 'X98', '2024-01-01', 1, 1, 1, 1)$$, 'migstat_data.batch_' || :a8_id), '42501', NULL, 'loader: cannot choose the record keys of its rows (no INSERT on record_key: the server draws them)');
ROLLBACK;
BEGIN;
SELECT batch_id AS a9_id FROM migstat.begin_batch('acc-border', :'pa', 'a9.csv', encode(sha256(convert_to(:'run' || '/a9', 'UTF8')), 'hex')) \gset
SELECT lives_ok(format($$INSERT INTO %s (line_no, record_id, event_date, direction, sex, age, nationality, migration_status) VALUES (1, 'X99', '2024-01-01', 1, 1, 131, 1, 1)$$, 'migstat_data.batch_' || :a9_id), 'loader: an INSERT of an age the record store refuses is accepted for now (no per-row CHECK)');
SELECT throws_ok(format('SELECT * FROM migstat.finish_batch(%s, 1, 0)', :a9_id), '23514', NULL, 'loader: finish_batch refuses it (the record store''s own CHECK, 23514)');
ROLLBACK;
BEGIN;
SELECT batch_id AS a7_id FROM migstat.begin_batch('acc-border', :'pa', 'a7.csv', encode(sha256(convert_to(:'run' || '/a7', 'UTF8')), 'hex')) \gset
SELECT is_empty(format('SELECT * FROM migstat.check_batch(%s)', :a7_id), 'loader: check_batch of an empty batch');
SELECT throws_ok(format('SELECT * FROM migstat.check_batch(%s)', :a7_id), '55000', NULL, 'loader: check_batch runs once per batch');
ROLLBACK;

-- ---- squatting: A stores record_ids that B's loader is about to send (22_load_b_after.sql) ----
TRUNCATE rows_in;
INSERT INTO rows_in SELECT g, 'SQ' || g, '2024-10-01', 'IN', 'F', 30, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-sq' || g
  FROM generate_series(1, 10) g;
BEGIN;
SELECT batch_id AS sq_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'squat.csv', encode(sha256(convert_to(:'run' || '/squat', 'UTF8')), 'hex')) \gset
\ir ../helpers/copy_rows.sql
SELECT is_empty(format('SELECT * FROM migstat.check_batch(%s)', :sq_id), 'loader: A stores ten record_ids B will send');
SELECT ok(accepted = 10, 'loader: A''s squatting batch is stored (in A only)') FROM migstat.finish_batch(:sq_id, 10, 0);
COMMIT;

SELECT * FROM finish();
