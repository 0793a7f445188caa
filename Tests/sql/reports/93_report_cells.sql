-- migstat.report_cells (the command-line tool's compact form of a flexible table): the same cells,
-- values and order as migstat.report, nothing more; the same refusals, padding refusal, read
-- numbers and audit row. As the superuser; each call first in its own statement (autocommit).
\ir ../helpers/tap.sql
SELECT plan(16);

-- cells_problems(rc, rr): the cube rebuilt from report_cells' rows (rc: [k, obs_value, labels] in order:
-- dimension rows, then cells by key, a cell not listed = 0) against migstat.report's rows of the same
-- call (rr: [cell_dims, obs_value] in order): the same number of cells, the same order, the same value
-- for each (its key from its codes: category index << key offset), every listed key a cell of the
-- cube. Empty when they agree. (Each report runs in its own statement: a report in a transaction that
-- has written, as the other report's work tables do, is refused.)
CREATE FUNCTION pg_temp.cells_problems(p_rc jsonb, p_rr jsonb) RETURNS text LANGUAGE sql AS $$
    WITH rc AS (SELECT n, (e ->> 0)::bigint AS k, (e ->> 1)::bigint AS v,
                       ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(e -> 2) = 'array' THEN e -> 2 ELSE '[]' END)) AS labels
                  FROM jsonb_array_elements(p_rc) WITH ORDINALITY x(e, n)),
         dim AS (SELECT -k AS i, v AS off, labels FROM rc WHERE k < 0),
         rr AS (SELECT n, ARRAY(SELECT jsonb_array_elements_text(e -> 0)) AS dims, (e ->> 1)::bigint AS v
                  FROM jsonb_array_elements(p_rr) WITH ORDINALITY x(e, n)),
         keyed AS (SELECT rr.*, coalesce((SELECT sum((array_position(d.labels, rr.dims[d.i]) - 1)::bigint << d.off::integer)
                                            FROM dim d), 0) AS key FROM rr),
         problems AS (
            SELECT 1 AS o, 'dimension rows' AS p
             WHERE (SELECT coalesce(array_agg(i::integer ORDER BY i), '{}') FROM dim)
                   IS DISTINCT FROM ARRAY(SELECT generate_series(1, (SELECT cardinality(dims) FROM rr WHERE n = 1)))
            UNION ALL
            SELECT 2, 'a dimension row after a cell' WHERE EXISTS (SELECT 1 FROM rc a JOIN rc b ON b.n < a.n WHERE a.k < 0 AND b.k >= 0)
            UNION ALL
            SELECT 3, format('%s cells in the cube of report_cells, %s rows of report', c, (SELECT count(*) FROM rr))
              FROM (SELECT coalesce(round(exp(sum(ln(cardinality(labels))))), 1)::bigint AS c FROM dim) x
             WHERE c <> (SELECT count(*) FROM rr)
            UNION ALL
            SELECT 4, 'report''s rows are not in key order'
             WHERE EXISTS (SELECT 1 FROM keyed a JOIN keyed b ON b.n = a.n + 1 WHERE b.key <= a.key)
            UNION ALL
            (SELECT 5, format('%s: report %s, report_cells %s', k.dims, k.v, coalesce(c.v, 0))
               FROM keyed k LEFT JOIN rc c ON c.k = k.key AND c.k >= 0
              WHERE k.v IS DISTINCT FROM coalesce(c.v, 0) ORDER BY k.n LIMIT 5)
            UNION ALL
            (SELECT 6, format('key %s of report_cells is no cell of report', c.k) FROM rc c
              WHERE c.k >= 0 AND NOT EXISTS (SELECT 1 FROM keyed WHERE keyed.key = c.k) LIMIT 5)
            UNION ALL
            SELECT 7, 'report_cells'' cells are not in key order'
             WHERE EXISTS (SELECT 1 FROM rc a JOIN rc b ON b.n = a.n + 1 WHERE a.k >= 0 AND b.k <= a.k)
            UNION ALL
            SELECT 8, 'report_cells listed no non-zero cell' WHERE NOT EXISTS (SELECT 1 FROM rc WHERE k >= 0 AND v <> 0))
    SELECT coalesce(string_agg(p, '; ' ORDER BY o), '') FROM problems
$$;

-- the two calls of one shape, each in its own statement, into :rc and :rr
\set cells_of 'SELECT jsonb_agg(jsonb_build_array(k, obs_value, labels)) AS rc FROM migstat.report_cells'
\set rows_of 'SELECT jsonb_agg(jsonb_build_array(cell_dims, obs_value)) AS rr FROM migstat.report'

:cells_of(ARRAY['sex', 'age', 'nationality']) \gset
:rows_of(ARRAY['sex', 'age', 'nationality']) \gset
SELECT is(pg_temp.cells_problems(:'rc', :'rr'), '', 'cells: sex x age x nationality as migstat.report has it');
:cells_of(ARRAY['direction', 'reason', 'migration_status'], p_count => 'persons') \gset
:rows_of(ARRAY['direction', 'reason', 'migration_status'], p_count => 'persons') \gset
SELECT is(pg_temp.cells_problems(:'rc', :'rr'), '', 'cells: direction x reason x migration_status, persons');
:cells_of(ARRAY['nationality'], '{"sex": ["F"]}', p_period_unit => 'month') \gset
:rows_of(ARRAY['nationality'], '{"sex": ["F"]}', p_period_unit => 'month') \gset
SELECT is(pg_temp.cells_problems(:'rc', :'rr'), '', 'cells: nationality x period by month, filtered on sex F');
:cells_of(ARRAY['age', 'sex'], p_age_bands => '0-17, 18-64, 65+') \gset
:rows_of(ARRAY['age', 'sex'], p_age_bands => '0-17, 18-64, 65+') \gset
SELECT is(pg_temp.cells_problems(:'rc', :'rr'), '', 'cells: catalogued age bands x sex');
:cells_of(ARRAY[]::text[]) \gset
:rows_of(ARRAY[]::text[]) \gset
SELECT is(pg_temp.cells_problems(:'rc', :'rr'), '', 'cells: the grand total');

-- A cell that report_cells does not list is one report publishes as 0, and report_cells lists fewer rows.
SELECT count(*) AS listed FROM migstat.report_cells(ARRAY['sex', 'age', 'nationality']) WHERE k >= 0 \gset
SELECT count(*) AS cube, count(*) FILTER (WHERE obs_value <> 0) AS nonzero FROM migstat.report(ARRAY['sex', 'age', 'nationality']) \gset
SELECT ok(:listed < :cube AND :listed >= :nonzero,
          format('cells: the zeros of the cube are not sent (%s cells listed of %s, %s of them not 0)', :listed, :cube, :nonzero));

-- ---- refusals, the same as migstat.report's --------------------------------------------------------
SELECT throws_like($$SELECT * FROM migstat.report_cells(ARRAY['age'], '{"sex": ["F", "M"]}')$$,
                   'filter "sex" lists 2 codes: a flexible table filters on at most 1 code(s) per dimension',
                   'refused: a filter on two codes');
SELECT throws_like($$SELECT * FROM migstat.report_cells(ARRAY['age'], p_age_bands => '0-14,15,16-17,18+')$$,
                   'age band "15" spans 1 year(s)%', 'refused: a one-year age band');
SELECT throws_like($$SELECT * FROM migstat.report_cells(ARRAY['sex'], p_period_from => '2024-01-02')$$,
                   'period_from 2024-01-02 is not the first day of a year%', 'refused: a period starting mid-year');
SELECT throws_like($$SELECT * FROM migstat.report_cells(ARRAY['sex'], '{"nationality": ["AFG"]}')$$, 'the table''s total is below 20%',
                   'refused: two AFG records are below flexible_min_total');

-- ---- padding, reads and the audit row ----------------------------------------------------------------
BEGIN;
CREATE TEMP TABLE wrote (x integer);
INSERT INTO wrote VALUES (1);
SELECT throws_ok($$SELECT * FROM migstat.report_cells(ARRAY['sex'])$$, '25000', NULL,
                 'padding: report_cells in a transaction that has written is refused');
ROLLBACK;
SELECT last_value AS before_rb FROM migstat.read_seq \gset
BEGIN;
SELECT count(*) FROM migstat.report_cells(ARRAY['sex']) \g /dev/null
ROLLBACK;
SELECT ok(EXISTS (SELECT 1 FROM migstat.read_gaps() WHERE read_no = :before_rb + 1),
          'reads: report_cells rolled back leaves its read number in read_gaps()');
SELECT throws_ok($$SELECT * FROM migstat.report_cells(ARRAY['colour'])$$, '22023', NULL, 'reads: a refused report_cells (unknown dimension)');
SELECT ok(EXISTS (SELECT 1 FROM migstat.read_gaps() WHERE read_no = :before_rb + 2),
          'reads: the refused report_cells leaves its read number in read_gaps()');
SELECT count(*) FROM migstat.report_cells(ARRAY['direction', 'sex']) \g /dev/null
SELECT is((SELECT details - 'ptable_sha256' FROM migstat.audit_log WHERE action = 'report.run' ORDER BY seq DESC LIMIT 1),
          jsonb_build_object('dims', ARRAY['direction', 'sex'], 'filters', '{}'::jsonb, 'period_from', NULL, 'period_to', NULL,
                             'period_unit', NULL, 'age_bands', NULL, 'count', 'records', 'occupation_level', 1,
                             'with_estimates', false, 'method', 'cell-key', 'read', :before_rb + 3, 'output', 'cells'),
          'audit: report_cells writes report.run with its read number and "output": "cells"');
BEGIN;
SELECT count(*) FROM migstat.report_cells(ARRAY['sex']) \g /dev/null
SELECT count(*) AS left_behind FROM pg_class WHERE relname LIKE 'migstat_rep%' AND relpersistence = 't' \gset
ROLLBACK;
SELECT is(:left_behind::bigint, 0::bigint, 'report_cells drops its work tables before it returns (same transaction)');

SELECT * FROM finish();
