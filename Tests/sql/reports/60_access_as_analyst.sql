-- As a login granted only migstat_analyst: record-level data, partitions and the estimates table
-- are refused (42501); flexible tables are perturbed (no threshold to lower, no 1 or 2 published,
-- nothing suppressed), and the exact engine and the read helpers are out of reach.
\ir ../helpers/tap.sql
SELECT plan(24);

SELECT throws_ok('SELECT * FROM migstat.records LIMIT 1', '42501', NULL, 'analyst: SELECT migstat.records refused');
SELECT throws_ok('SELECT person_pseudonym FROM migstat.records LIMIT 1', '42501', NULL, 'analyst: SELECT pseudonyms refused');
SELECT throws_ok('SELECT * FROM migstat_data.batch_1 LIMIT 1', '42501', NULL, 'analyst: a batch partition by name refused');
SELECT throws_ok('SELECT * FROM migstat_data.purpose_1 LIMIT 1', '42501', NULL, 'analyst: a purpose partition by name refused');
SELECT throws_ok('SELECT * FROM migstat.estimate', '42501', NULL, 'analyst: migstat.estimate refused');
SELECT throws_ok($$SELECT migstat.estimates_import('x', 'flows', '[]', 'e.csv', repeat('c', 64))$$, '42501', NULL, 'analyst: estimates_import refused');
SELECT throws_ok('SELECT * FROM migstat.audit_log', '42501', NULL, 'analyst: the audit log refused');
SELECT throws_ok($$SELECT migstat.audit('report.run', '{}')$$, '42501', NULL, 'analyst: writing audit rows directly refused');

SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex', 'nationality'], p_threshold => 1)$$, '22023',
                 'flexible tables are perturbed; thresholds apply to declared tables', 'analyst: a threshold is refused on a flexible table');
SELECT is((SELECT count(*) FILTER (WHERE obs_value IN (1, 2) OR obs_value IS NULL OR conf_status <> 'F') || ' of ' || count(*)
             FROM migstat.report(ARRAY['sex', 'nationality', 'age'])), '0 of 700',
          'analyst: sex x nationality x age publishes every cell, none as 1 or 2');
SELECT ok((SELECT obs_value NOT IN (1, 2) AND conf_status = 'F' FROM migstat.report(ARRAY['sex', 'nationality']) WHERE cell_dims = '{F,AFG}'),
          'analyst: F-AFG (2 records) is published as 0 or at least 3, flagged F like every cell');
SELECT is((SELECT count(*) FILTER (WHERE obs_value IN (1, 2))
             FROM migstat.report(ARRAY['migration_status', 'sex', 'direction'], p_count => 'persons')), 0::bigint,
          'analyst: persons, special category: no cell published as 1 or 2');
SELECT count(*) FILTER (WHERE k >= 0 AND obs_value IN (1, 2)) AS small, count(*) FILTER (WHERE k >= 0) AS listed
  FROM migstat.report_cells(ARRAY['sex', 'nationality', 'age']) \gset
SELECT ok(:small = 0 AND :listed > 0,
          format('analyst: report_cells (the CLI''s compact form) publishes no cell as 1 or 2 (%s of %s)', :small, :listed));
SELECT throws_ok($$SELECT * FROM migstat.report_cells(ARRAY['sex'], '{"sex": ["F", "M"]}')$$, '22023', NULL,
                 'analyst: report_cells is bounded like migstat.report');
SELECT throws_ok($$SELECT migstat.report_prepare(NULL, ARRAY['sex'], '{}', NULL, NULL, NULL, NULL, NULL, 'records', 1, false)$$,
                 '42501', NULL, 'analyst: report_prepare (internal) refused');
SELECT throws_ok($$SELECT * FROM migstat.report_exact(ARRAY['sex'])$$, '42501', NULL, 'analyst: the exact engine report_exact refused');
SELECT throws_ok($$SELECT migstat.read_begin('report', '{}')$$, '42501', NULL, 'analyst: read_begin refused');
SELECT throws_ok($$SELECT * FROM migstat.read_gaps()$$, '42501', NULL, 'analyst: read_gaps refused (auditors only)');
SELECT is((SELECT count(*) > 0 FROM migstat.coverage()), true, 'analyst: coverage');
SELECT is((SELECT count(*) FROM pg_class WHERE relname LIKE 'migstat\_rep\_%' OR relname LIKE 'report\_work\_%'), 0::bigint,
          'analyst: no work table left in the session');

-- A temporary table of the analyst's own with a work table's name only makes the report fail.
CREATE TEMP TABLE migstat_rep_raw (g1 integer, n bigint);
INSERT INTO migstat_rep_raw VALUES (1, 1000000);
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'])$$, '42P07', NULL, 'analyst: a planted temp table makes the report fail, not lie');
DROP TABLE migstat_rep_raw;
SELECT obs_value AS total FROM migstat.report(ARRAY['sex']) WHERE cell_dims = '{_T}' \gset
SELECT ok(abs(:total - 163) <= 3, 'analyst: then the report runs (total ' || :total || ', true 163)');
SET row_security = off;
SELECT is((SELECT obs_value FROM migstat.report(ARRAY['sex']) WHERE cell_dims = '{_T}'), :total::bigint, 'analyst: row_security off changes nothing (same published total)');
RESET row_security;
SELECT is(session_user::text, :'analyst', 'analyst: connected as the analyst login itself (no SET ROLE)');

SELECT * FROM finish();
