-- As a login granted only migstat_analyst: record-level data, partitions and the estimates table
-- are refused (42501); reports are disclosure-controlled whatever threshold is asked for.
\ir ../helpers/tap.sql
SELECT plan(17);

SELECT throws_ok('SELECT * FROM migstat.records LIMIT 1', '42501', NULL, 'analyst: SELECT migstat.records refused');
SELECT throws_ok('SELECT person_pseudonym FROM migstat.records LIMIT 1', '42501', NULL, 'analyst: SELECT pseudonyms refused');
SELECT throws_ok('SELECT * FROM migstat_data.batch_1 LIMIT 1', '42501', NULL, 'analyst: a batch partition by name refused');
SELECT throws_ok('SELECT * FROM migstat_data.purpose_1 LIMIT 1', '42501', NULL, 'analyst: a purpose partition by name refused');
SELECT throws_ok('SELECT * FROM migstat.estimate', '42501', NULL, 'analyst: migstat.estimate refused');
SELECT throws_ok($$SELECT migstat.estimates_import('x', 'flows', '[]')$$, '42501', NULL, 'analyst: estimates_import refused');
SELECT throws_ok('SELECT * FROM migstat.audit_log', '42501', NULL, 'analyst: the audit log refused');
SELECT throws_ok($$SELECT migstat.audit('report.run', '{}')$$, '42501', NULL, 'analyst: writing audit rows directly refused');

SELECT is((SELECT count(*) FILTER (WHERE obs_value BETWEEN 1 AND 4) || ' of ' || count(*)
             FROM migstat.report(ARRAY['sex', 'nationality', 'age'], p_threshold => 1)), '0 of 700',
          'analyst: report with p_threshold 1 publishes no cell of 1..4');
SELECT is((SELECT conf_status FROM migstat.report(ARRAY['sex', 'nationality'], p_threshold => 1) WHERE cell_dims = '{F,AFG}'), 'A',
          'analyst: the small cells are suppressed (F-AFG is 2)');
SELECT is((SELECT count(*) FILTER (WHERE obs_value BETWEEN 1 AND 9)
             FROM migstat.report(ARRAY['migration_status', 'sex', 'direction'], p_threshold => 1, p_count => 'persons')), 0::bigint,
          'analyst: persons, special category, p_threshold 1: no cell of 1..9');
SELECT is((SELECT count(*) > 0 FROM migstat.coverage()), true, 'analyst: coverage');
SELECT is((SELECT count(*) FROM pg_class WHERE relname LIKE 'migstat\_rep\_%' OR relname LIKE 'report\_work\_%'), 0::bigint,
          'analyst: no work table left in the session');

-- A temporary table of the analyst's own with a work table's name only makes the report fail.
CREATE TEMP TABLE migstat_rep_raw (g1 integer, n bigint);
INSERT INTO migstat_rep_raw VALUES (1, 1000000);
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'])$$, '42P07', NULL, 'analyst: a planted temp table makes the report fail, not lie');
DROP TABLE migstat_rep_raw;
SELECT is((SELECT obs_value FROM migstat.report(ARRAY['sex']) WHERE cell_dims = '{_T}'), 163::bigint, 'analyst: then the report runs');
SET row_security = off;
SELECT is((SELECT obs_value FROM migstat.report(ARRAY['sex']) WHERE cell_dims = '{_T}'), 163::bigint, 'analyst: row_security off changes nothing');
RESET row_security;
SELECT is(session_user::text, :'analyst', 'analyst: connected as the analyst login itself (no SET ROLE)');

SELECT * FROM finish();
