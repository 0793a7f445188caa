-- As the loader of purpose A: imports, and everything a loader must not be able to do with the
-- data it sends or with other compartments.
\set ON_ERROR_ROLLBACK on
\set who loader
\ir lib/loader_prelude.sql
INSERT INTO rows_in VALUES
 (1, 'A1', '2024-01-10', 'IN',  'F', 34, 'UZB', 'UZB', 'KG-GB', 'OCC',  '7',  'SEASONAL',   'UZBEK',   'REG',      'NODIS', 'person-a1'),
 (2, 'A2', '2024-02-11', 'OUT', 'M', 41, 'KGZ', 'RUS', 'KG-C',  'OCC',  '9',  'OTHER',      'KYRGYZ',  'IRR',      'DIS',   'person-a2'),
 (3, 'A3', '2024-03-12', 'IN',  'F', 29, 'UZB', 'UZB', 'KG-O',  'FAM',  NULL, 'NOT_WORKER', 'UZBEK',   'ASY_APPL', 'NODIS', 'person-a3'),
 (4, 'A4', '2024-04-13', 'IN',  'M', 52, 'TJK', 'TJK', 'KG-B',  'OCC',  '7',  'SEASONAL',   'TAJIK',   'REG',      NULL,    'person-a4'),
 (5, 'A5', '2024-05-14', 'OUT', 'F', 23, 'KGZ', 'KAZ', 'KG-GB', 'EDUC', NULL, 'NOT_WORKER', 'KYRGYZ',  'REG',      'NODIS', 'person-a5'),
 (6, 'A6', '2025-06-15', 'IN',  'F', 37, 'RUS', 'RUS', 'KG-C',  'RET',  NULL, 'UNK',        'RUSSIAN', 'REG',      'UNK',   NULL);

-- ---- batch a1: the allowed path, with read attempts inside the importing transaction --------
BEGIN;
\set d 'loader: begin_batch in A'
\o :out
SELECT batch_id AS a1_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a1.csv', encode(sha256(convert_to(:'run' || '/a1', 'UTF8')), 'hex')) \gset
\set want 00000
\ir lib/state.sql
\set a1_rel 'migstat_data.' :copy_table
\set d 'loader: COPY rows into its batch table'
\ir lib/copy_rows.sql
\ir lib/state.sql

\set d 'loader: cannot SELECT the batch table it is loading, same transaction'
\o :out
SELECT * FROM :a1_rel;
\ir lib/denied.sql
\set d 'loader: cannot COPY its loading batch table TO STDOUT, same transaction'
\o :out
COPY :a1_rel TO STDOUT;
\ir lib/denied.sql
\set d 'loader: cannot COPY (SELECT ...) from its loading batch table, same transaction'
\o :out
COPY (SELECT record_id, person_pseudonym FROM :a1_rel) TO STDOUT;
\ir lib/denied.sql
\set d 'loader: cannot read its loading batch table with row_security = off, same transaction'
\o :out
SET LOCAL row_security = off;
SELECT * FROM :a1_rel;
\ir lib/denied.sql
RESET row_security;
\set d 'loader: cannot read back through INSERT ... RETURNING, same transaction'
\o :out
INSERT INTO :a1_rel (line_no, record_id, event_date, direction, sex, nationality, migration_status)
VALUES (99, 'X99', '2024-01-01', 1, 1, 1, 1) RETURNING *;
\set want 42501
\ir lib/state.sql
\set d 'loader: cannot read through a self-join INSERT ... SELECT, same transaction'
\o :out
INSERT INTO :a1_rel SELECT * FROM :a1_rel;
\ir lib/state.sql
\set d 'loader: cannot UPDATE or DELETE in its loading batch table'
\o :out
DELETE FROM :a1_rel WHERE record_id = 'A1';
\ir lib/state.sql
\set d 'loader: cannot add a trigger to its loading batch table'
\o :out
CREATE FUNCTION pg_temp.t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE '%', NEW; RETURN NEW; END $$;
CREATE TRIGGER probe BEFORE INSERT ON :a1_rel FOR EACH ROW EXECUTE FUNCTION pg_temp.t();
\ir lib/state.sql
\set d 'loader: cannot disable the constraints of its loading batch table'
\o :out
ALTER TABLE :a1_rel DROP CONSTRAINT IF EXISTS records_age_check;
\ir lib/state.sql
\set d 'loader: cannot smuggle a row of purpose B into its batch of A (CHECK constraint)'
\o :out
INSERT INTO :a1_rel (purpose_id, line_no, record_id, event_date, direction, sex, nationality, migration_status)
SELECT id, 98, 'X98', '2024-01-01', 1, 1, 1, 1 FROM migstat.purpose WHERE name = :'pb';
\set want 23514
\ir lib/state.sql
\set d 'loader: a code that is not in its list is refused by the batch table itself (CHECK constraint)'
\o :out
INSERT INTO :a1_rel (line_no, record_id, event_date, direction, sex, nationality, migration_status)
SELECT 97, 'X97', '2024-01-01', 1, (SELECT max(id) + 1 FROM migstat.code WHERE dimension = 'sex'), 1, 1;
\set want 23514
\ir lib/state.sql

\set d 'loader: check_batch finds nothing to reject in a clean batch'
SELECT count(*) = 0 AS pass, count(*) || ' rows' AS info FROM migstat.check_batch(:a1_id) \gset
\ir lib/result.sql
\set d 'loader: cannot INSERT into its batch after check_batch (the checked rows cannot change)'
\o :out
INSERT INTO :a1_rel (line_no, record_id, event_date, direction, sex, nationality, migration_status)
VALUES (96, 'X96', '2024-01-01', 1, 1, 1, 1);
\set want 42501
\ir lib/state.sql
\set d 'loader: finish_batch seals the batch (6 accepted)'
SELECT accepted = 6 AND status = 'loaded' AS pass, 'accepted ' || accepted AS info
  FROM migstat.finish_batch(:a1_id, 6, 0) \gset
\ir lib/result.sql
\set d 'loader: cannot SELECT its batch after finish_batch, same transaction'
\o :out
SELECT * FROM :a1_rel;
\ir lib/denied.sql
\set d 'loader: cannot INSERT into its batch after finish_batch (grant revoked)'
\o :out
INSERT INTO :a1_rel (line_no, record_id, event_date, direction, sex, nationality, migration_status)
VALUES (97, 'X97', '2024-01-01', 1, 1, 1, 1);
\set want 42501
\ir lib/state.sql
COMMIT;

\set d 'loader: cannot SELECT the batch it loaded, later transaction'
\o :out
SELECT * FROM :a1_rel;
\ir lib/denied.sql
\set d 'loader: the batch is listed in migstat.batches (loaded, 6 accepted)'
SELECT count(*) = 1 AS pass FROM migstat.batches WHERE id = :a1_id AND status = 'loaded' AND accepted = 6 \gset
\ir lib/result.sql

-- ---- other compartments ---------------------------------------------------------------------
\set d 'loader: cannot begin a batch in purpose B (no load compartment)'
\o :out
SELECT * FROM migstat.begin_batch('acc-border', :'pb', 'x.csv', encode(sha256(convert_to(:'run' || '/x', 'UTF8')), 'hex'));
\set want 42501
\ir lib/state.sql
SELECT id AS b1_id FROM migstat.batches WHERE purpose = :'pb' ORDER BY id LIMIT 1 \gset
\set d 'loader: cannot run check_batch on B''s batch (not its loading batch)'
\o :out
SELECT * FROM migstat.check_batch(:b1_id);
\set want 55000
\ir lib/state.sql
\set d 'loader: cannot run finish_batch on B''s batch'
\o :out
SELECT * FROM migstat.finish_batch(:b1_id, 0, 0);
\ir lib/state.sql
\set d 'loader: cannot withdraw B''s batch'
\o :out
SELECT * FROM migstat.withdraw_batch(:b1_id, 'probe: not my compartment');
\set want 42501
\ir lib/state.sql
\set d 'loader: cannot call extract'
\o :out
SELECT * FROM migstat.extract(:'pa', 'loader wants to read back its data');
\ir lib/state.sql
\set d 'loader: cannot call purpose_add'
\o :out
SELECT * FROM migstat.purpose_add('acc_probe', 'probe', '1 year');
\ir lib/state.sql
\set d 'loader: cannot call access_grant (e.g. to itself)'
\o :out
SELECT migstat.access_grant(session_user, 'steward', ARRAY[:'pa']);
\ir lib/state.sql

-- ---- batch a2: duplicates against A and against B; check_batch must not say where -----------
TRUNCATE rows_in;
INSERT INTO rows_in VALUES
 (1, 'B1', '2024-07-01', 'IN',  'M', 33, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'SEASONAL', NULL, 'REG', NULL, 'person-x1'),
 (2, 'A1', '2024-07-02', 'IN',  'M', 33, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'SEASONAL', NULL, 'REG', NULL, 'person-x2'),
 (3, 'A7', '2024-07-03', 'OUT', 'M', 48, 'KGZ', 'KGZ', 'KG-N',  'OCC', '7',  'OTHER',    NULL, 'REG', NULL, 'person-a7'),
 (4, 'A7', '2024-07-04', 'IN',  'F', 22, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER',   NULL, 'REG', NULL, 'person-a8');
BEGIN;
\set d 'loader: begin_batch a2 in A'
\o :out
SELECT batch_id AS a2_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a2.csv', encode(sha256(convert_to(:'run' || '/a2', 'UTF8')), 'hex')) \gset
\set want 00000
\ir lib/state.sql
\set d 'loader: COPY rows into batch a2'
\ir lib/copy_rows.sql
\ir lib/state.sql
CREATE TEMP TABLE checked AS SELECT * FROM migstat.check_batch(:a2_id);
\set d 'loader: check_batch flags the record_id stored in B and the one stored in A'
SELECT count(*) FILTER (WHERE line_no IN (1, 2) AND column_name = 'record_id') = 2 AS pass,
       string_agg(line_no || ':' || column_name || ':' || reason, '; ' ORDER BY line_no) AS info
  FROM checked \gset
\ir lib/result.sql
\set d 'loader: the duplicate answer is the same for a record in B as for one in A (no purpose or batch revealed)'
SELECT count(DISTINCT (column_name, reason)) = 1
       AND bool_and(reason !~* '(batch|purpose|compartment|[0-9])')
       AND bool_and(position(:'pb' in reason) = 0 AND position(:'pa' in reason) = 0) AS pass,
       min(reason) AS info
  FROM checked WHERE line_no IN (1, 2) \gset
\ir lib/result.sql
\set d 'loader: check_batch returns only (line_no, column_name, reason)'
SELECT array_agg(attname::text ORDER BY attnum) = ARRAY['line_no', 'column_name', 'reason'] AS pass
  FROM pg_attribute WHERE attrelid = 'pg_temp.checked'::regclass AND attnum > 0 \gset
\ir lib/result.sql
\set d 'loader: check_batch flags the second occurrence of a record_id within the batch (all compared)'
SELECT count(*) = 1 AS pass, string_agg(line_no || ':' || reason, '; ') AS info
  FROM checked WHERE line_no = 4 AND reason = 'duplicate record_id within the batch' \gset
\ir lib/result.sql
\set d 'loader: finish_batch after check_batch stores the rest (1 accepted, 3 rejected and removed)'
SELECT accepted = 1 AND rejected = 3 AS pass, 'accepted ' || accepted AS info
  FROM migstat.finish_batch(:a2_id, 4, 3) \gset
\ir lib/result.sql
COMMIT;

-- ---- batches a3, a4: a hand-made import cannot skip the checks or hide what they removed -------
TRUNCATE rows_in;
INSERT INTO rows_in VALUES
 (1, 'A9', '2024-08-01', 'IN', 'F', 30, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-a9'),
 (2, 'A9', '2024-08-02', 'IN', 'M', 31, 'KGZ', 'KGZ', 'KG-N', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-a10');
BEGIN;
SELECT batch_id AS a3_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a3.csv', encode(sha256(convert_to(:'run' || '/a3', 'UTF8')), 'hex')) \gset
\ir lib/copy_rows.sql
\set d 'loader: finish_batch without check_batch runs the checks and refuses a batch with a duplicate (MS422)'
\o :out
SELECT * FROM migstat.finish_batch(:a3_id, 2, 0);
\set want MS422
\ir lib/state.sql
ROLLBACK;
BEGIN;
SELECT batch_id AS a4_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pa', 'a4.csv', encode(sha256(convert_to(:'run' || '/a4', 'UTF8')), 'hex')) \gset
\ir lib/copy_rows.sql
SELECT count(*) AS a4_flagged FROM migstat.check_batch(:a4_id) \gset
\set d 'loader: finish_batch refuses to declare fewer rejected rows than check_batch removed (MS422)'
\o :out
SELECT * FROM migstat.finish_batch(:a4_id, 1, 0);
\set want MS422
\ir lib/state.sql
ROLLBACK;
\echo __end__
