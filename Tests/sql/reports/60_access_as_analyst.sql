-- As a login granted only migstat_analyst: record-level data, partitions and the estimates table
-- are refused (42501); reports are disclosure-controlled whatever threshold is asked for.
\set ON_ERROR_STOP 0
SET client_min_messages = warning;

SELECT * FROM migstat.records LIMIT 1;
\set st :SQLSTATE
SELECT t.is('analyst: SELECT migstat.records refused', :'st'::text, '42501');
SELECT person_pseudonym FROM migstat.records LIMIT 1;
\set st :SQLSTATE
SELECT t.is('analyst: SELECT pseudonyms refused', :'st'::text, '42501');
SELECT * FROM migstat_data.batch_1 LIMIT 1;
\set st :SQLSTATE
SELECT t.is('analyst: a batch partition by name refused', :'st'::text, '42501');
SELECT * FROM migstat_data.purpose_1 LIMIT 1;
\set st :SQLSTATE
SELECT t.is('analyst: a purpose partition by name refused', :'st'::text, '42501');
SELECT * FROM migstat.estimate;
\set st :SQLSTATE
SELECT t.is('analyst: migstat.estimate refused', :'st'::text, '42501');
SELECT migstat.estimates_import('x', 'flows', '[]');
\set st :SQLSTATE
SELECT t.is('analyst: estimates_import refused', :'st'::text, '42501');
SELECT * FROM migstat.audit_log;
\set st :SQLSTATE
SELECT t.is('analyst: the audit log refused', :'st'::text, '42501');
SELECT migstat.audit('report.run', '{}');
\set st :SQLSTATE
SELECT t.is('analyst: writing audit rows directly refused', :'st'::text, '42501');

\set ON_ERROR_STOP 1
SELECT t.is('analyst: report with p_threshold 1 publishes no cell of 1..4',
    (SELECT count(*) FILTER (WHERE obs_value BETWEEN 1 AND 4) || ' of ' || count(*)
       FROM migstat.report(ARRAY['sex', 'nationality', 'age'], p_threshold => 1)), '0 of 700');
SELECT t.is('analyst: the small cells are suppressed (F-AFG is 2)',
    (SELECT conf_status FROM migstat.report(ARRAY['sex', 'nationality'], p_threshold => 1) WHERE cell_dims = '{F,AFG}'), 'A');
SELECT t.is('analyst: persons, special category, p_threshold 1: no cell of 1..9',
    (SELECT count(*) FILTER (WHERE obs_value BETWEEN 1 AND 9)
       FROM migstat.report(ARRAY['migration_status', 'sex', 'direction'], p_threshold => 1, p_count => 'persons')), 0::bigint);
SELECT t.is('analyst: coverage', (SELECT count(*) > 0 FROM migstat.coverage()), true);
SELECT t.is('analyst: no work table left in the session',
    (SELECT count(*) FROM pg_class WHERE relname LIKE 'migstat\_rep\_%' OR relname LIKE 'report\_work\_%'), 0::bigint);

-- A temporary table of the analyst's own with a work table's name only makes the report fail.
CREATE TEMP TABLE migstat_rep_raw (g1 integer, n bigint);
INSERT INTO migstat_rep_raw VALUES (1, 1000000);
\set ON_ERROR_STOP 0
SELECT * FROM migstat.report(ARRAY['sex']);
\set st :SQLSTATE
\set ON_ERROR_STOP 1
SELECT t.is('analyst: a planted temp table makes the report fail, not lie', :'st'::text, '42P07');
DROP TABLE migstat_rep_raw;
SELECT t.is('analyst: then the report runs', (SELECT obs_value FROM migstat.report(ARRAY['sex']) WHERE cell_dims = '{_T}'), 163::bigint);
SET row_security = off;
SELECT t.is('analyst: row_security off changes nothing',
    (SELECT obs_value FROM migstat.report(ARRAY['sex']) WHERE cell_dims = '{_T}'), 163::bigint);
RESET row_security;
