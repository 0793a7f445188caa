-- pgTAP: the phases of migstat.report, each called on its own (Schemas/functions/reports/):
-- report_dimension_info, report_parameters (with report_filters), report_fine_cells,
-- report_categories, report_cube, report_suppression, report_output, and their privileges.
--
-- Assumes a database built like Scripts/test-sql-reports.sh builds one (schemas, code lists,
-- Tests/sql/reports/fixture.sql: schema t); runs as a superuser, in one transaction rolled back
-- at the end (nothing stays: not the purpose "phases" and its three records, not the settings).
-- Installs pgTAP in schema tap if it is not installed yet. Run e.g.
--   pg_prove -d <db> -U postgres Tests/sql/reports/15_phases.sql
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
BEGIN;
CREATE SCHEMA IF NOT EXISTS tap;
CREATE EXTENSION IF NOT EXISTS pgtap SCHEMA tap;
SELECT set_config('search_path', (SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                                   WHERE e.extname = 'pgtap') || ', public', true) \g /dev/null
SELECT plan(72);

-- Known thresholds (K = 3, special 5) and limits, whatever an earlier file left.
SELECT t.thresholds(3, 5) \g /dev/null
UPDATE migstat.setting SET value = '5000000' WHERE key = 'report_max_cells';
UPDATE migstat.setting SET value = '50000' WHERE key = 'report_index_cells';

-- The tiny fixture: purpose "phases", three records. p-1 and p-2 are one person (entry and exit);
-- p-3 has no pseudonym and no country, region, reason, occupation, ...
SELECT migstat.purpose_add('phases', 'report phase tests: three records', '5 years') \g /dev/null
SELECT t.add_batch('phase-src', 'phases', $q$
    SELECT * FROM (VALUES
        (1, 'p-1', DATE '2024-03-01', t.id('direction', 'IN'), t.id('sex', 'F'), 25, t.id('nationality', 'UZB'),
         t.id('country', 'RUS'), t.id('region', 'KG-GB'), t.id('reason', 'OCC'), t.id('occupation', '7112'),
         t.id('worker_category', 'SEASONAL'), t.id('ethnicity', 'UZBEK'), t.id('migration_status', 'REG'),
         t.id('disability', 'NODIS'), sha256(convert_to('phases-person-1', 'UTF8'))),
        (2, 'p-2', DATE '2024-08-01', t.id('direction', 'OUT'), t.id('sex', 'F'), 25, t.id('nationality', 'UZB'),
         t.id('country', 'RUS'), t.id('region', 'KG-GB'), t.id('reason', 'OCC'), t.id('occupation', '7112'),
         t.id('worker_category', 'SEASONAL'), t.id('ethnicity', 'UZBEK'), t.id('migration_status', 'REG'),
         t.id('disability', 'NODIS'), sha256(convert_to('phases-person-1', 'UTF8'))),
        (3, 'p-3', DATE '2024-05-01', t.id('direction', 'IN'), t.id('sex', 'M'), 40, t.id('nationality', 'TJK'),
         NULL, NULL, NULL, NULL, NULL, NULL, t.id('migration_status', 'REG'), NULL, NULL)) v$q$) \g /dev/null

-- Helpers (this session only): drop the phases' temp tables; run all phases like migstat.report.
CREATE FUNCTION pg_temp.drop_phase_tables() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DROP TABLE IF EXISTS pg_temp.migstat_rep_raw, pg_temp.migstat_rep_mraw, pg_temp.migstat_rep_cat,
                         pg_temp.migstat_rep_sup, pg_temp.migstat_rep_new;
END
$$;
CREATE FUNCTION pg_temp.phases(p_dims text[], p_filters jsonb DEFAULT '{}', p_count text DEFAULT 'records')
RETURNS TABLE (cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric,
               upper_bound numeric, is_estimate boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v migstat.report_plan;
    o text[];
BEGIN
    PERFORM pg_temp.drop_phase_tables();
    v := migstat.report_fine_cells(migstat.report_parameters(p_dims, p_filters, p_count => p_count));
    v := migstat.report_categories(v);
    PERFORM migstat.report_cube(v);
    PERFORM migstat.report_suppression(v);
    o := migstat.report_output(v);
    RETURN QUERY EXECUTE o[1];
    PERFORM pg_temp.drop_phase_tables();
END
$$;
-- The plans of the checks below, by name.
CREATE TEMP TABLE plan_of (name text PRIMARY KEY, p migstat.report_plan);

-- ---- dimension metadata ------------------------------------------------------------------------
SELECT is((SELECT array_agg(dimension ORDER BY ord) FROM migstat.report_dimension_info()),
          ARRAY['direction', 'sex', 'age', 'nationality', 'country', 'region', 'reason', 'occupation', 'worker_category',
                'ethnicity', 'migration_status', 'disability', 'source', 'purpose', 'period'],
          'dimension info: the fifteen dimensions in order');
SELECT is((SELECT array_agg(dimension ORDER BY ord) FILTER (WHERE special_category) FROM migstat.report_dimension_info()),
          ARRAY['ethnicity', 'migration_status', 'disability'], 'dimension info: special categories');
SELECT is((SELECT array_agg(dimension ORDER BY ord) FILTER (WHERE not_null) FROM migstat.report_dimension_info()),
          ARRAY['direction', 'sex', 'nationality', 'migration_status'], 'dimension info: NOT NULL columns');
SELECT is((SELECT array_agg(dimension ORDER BY ord) FILTER (WHERE big) FROM migstat.report_dimension_info()),
          ARRAY['nationality', 'country'], 'dimension info: big dimensions (only codes that occur)');

-- ---- parameters ----------------------------------------------------------------------------------
INSERT INTO plan_of VALUES ('params', migstat.report_parameters(ARRAY[' Sex ', 'AGE'], '{"nationality": ["uzb"]}',
                                      '2024-01-01', '2024-12-31', 'Quarter', NULL, 7, 'PERSONS', 2, true));
SELECT is((p).dims, ARRAY['sex', 'age', 'period'], 'parameters: dimensions normalised, period added last for a unit')
  FROM plan_of WHERE name = 'params';
SELECT is(ROW((p).period_unit, (p).counting, (p).occupation_level, (p).threshold_requested, (p).threshold,
              (p).with_estimates, (p).period_from, (p).period_to, (p).multi)::text,
          '(quarter,persons,2,7,7,t,2024-01-01,2024-12-31,f)', 'parameters: options normalised, K = max(requested, configured)')
  FROM plan_of WHERE name = 'params';
SELECT is((p).where_sql,
          ARRAY['true', format('coalesce(r.nationality, 0) = ANY (%L::integer[])', ARRAY[t.id('nationality', 'UZB')]),
                'r.event_date >= ''2024-01-01''::date', 'r.event_date <= ''2024-12-31''::date'],
          'parameters: one WHERE condition per filter, then the period range') FROM plan_of WHERE name = 'params';
SELECT is((p).filter_codes, '{"nationality": ["UZB"]}'::jsonb, 'parameters: filter codes upper-cased')
  FROM plan_of WHERE name = 'params';
SELECT is((p).filter_groups, jsonb_build_object('nationality', jsonb_build_array(t.id('nationality', 'UZB'))),
          'parameters: filter group values') FROM plan_of WHERE name = 'params';
SELECT is((p).dim_expr, ARRAY['r.sex', 'CASE WHEN r.age IS NULL THEN 0 WHEN r.age >= 85 THEN 18 ELSE r.age / 5 + 1 END',
                              '(date_part(''year'', r.event_date)::integer * 4 + (date_part(''month'', r.event_date)::integer - 1) / 3)'],
          'parameters: scan expression per dimension') FROM plan_of WHERE name = 'params';
SELECT is(ROW(cardinality((p).band_labels), (p).band_labels[1], (p).band_labels[6], (p).band_labels[18])::text,
          '(18,Y_LT5,Y25-29,Y_GE85)', 'parameters: the Eurostat five-year bands by default') FROM plan_of WHERE name = 'params';
SELECT ok((p).ncat IS NULL AND (p).key_mask IS NULL AND (p).labels IS NULL AND (p).key_expr IS NULL AND (p).cells IS NULL,
          'parameters: the cell-key layout is left to the categories phase') FROM plan_of WHERE name = 'params';
SELECT is((migstat.report_parameters(ARRAY['sex'], p_threshold => 2)).threshold, 3, 'parameters: a requested K never lowers K');
SELECT is((migstat.report_parameters(ARRAY['sex', 'ethnicity'])).threshold, 5, 'parameters: a special dimension takes threshold_special');
SELECT is((migstat.report_parameters(ARRAY['sex'], '{"disability": ["DIS"]}')).threshold, 5,
          'parameters: a special filter takes threshold_special');
SELECT is((migstat.report_parameters(ARRAY['period', 'sex'])).period_unit, 'year', 'parameters: period without a unit is by year');
SELECT is(ROW((x).dims, (x).period_unit, (x).counting, (x).occupation_level, (x).filters)::text,
          '("{sex,period}",month,records,1,{})', 'parameters: defaults (records, level 1, no filters)')
  FROM (SELECT migstat.report_parameters(ARRAY['sex'], NULL, p_period_unit => 'MONTH', p_count => NULL,
                                         p_occupation_level => NULL) AS x) s;
SELECT is(ROW((x).band_labels, left((x).age_expr, 10), (x).where_sql[2], (x).filter_groups)::text,
          ROW(ARRAY['0-17', '18+'], 'coalesce((', 'coalesce((''{' || repeat('1,', 18) || repeat('2,', 112) || '2}''::integer[])[r.age + 1], 0) = ANY (''{2}''::integer[])',
              '{"age": [2]}'::jsonb)::text,
          'parameters: own age bands, an age filter by band label')
  FROM (SELECT migstat.report_parameters(ARRAY['age'], '{"age": ["18+"]}', p_age_bands => '0-17,18+') AS x) s;
SELECT is(ROW((x).filter_groups, (x).filter_codes,
              (SELECT count(*) FROM unnest(substring((x).where_sql[2] FROM '''(.*)''')::integer[])))::text,
          ROW(jsonb_build_object('occupation', jsonb_build_array(t.id('occupation', '7'))), '{"occupation": ["7"]}'::jsonb,
              (SELECT count(*) FROM migstat.code WHERE dimension = 'occupation' AND code LIKE '7%'))::text,
          'parameters: an occupation filter selects the group and its sub-groups')
  FROM (SELECT migstat.report_parameters(ARRAY['occupation'], '{"occupation": ["7"]}') AS x) s;
SELECT ok(NOT ((migstat.report_parameters(ARRAY['sex'], '{"occupation": ["71"]}')).filter_groups ? 'occupation'),
          'parameters: an occupation filter finer than the level lists no group (what occurs)');
SELECT is((migstat.report_parameters(ARRAY['sex'], '{"source": ["phase-src"], "purpose": ["phases"], "sex": ["_z"]}')).filter_groups,
          jsonb_build_object('source', jsonb_build_array((SELECT id FROM migstat.source WHERE name = 'phase-src')),
                             'purpose', jsonb_build_array((SELECT id FROM migstat.purpose WHERE name = 'phases')),
                             'sex', jsonb_build_array(0)),
          'parameters: source and purpose filters by name, _Z = 0');
-- refusals (22023 invalid_parameter_value, in argument order)
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex', 'colour'])$$, '22023', 'unknown report dimension "colour"',
                 'parameters: refuses an unknown dimension');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex', 'SEX'])$$, '22023', 'dimension "sex" is listed twice',
                 'parameters: refuses a dimension listed twice');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], p_period_unit => 'week')$$, '22023',
                 'period unit must be year, quarter or month', 'parameters: refuses a bad period unit');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], p_period_from => '2024-02-01', p_period_to => '2024-01-01')$$,
                 '22023', 'period_from is after period_to', 'parameters: refuses period_from after period_to');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], p_count => 'people')$$, '22023',
                 'count must be records or persons', 'parameters: refuses a bad count');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['occupation'], p_occupation_level => 5)$$, '22023',
                 'occupation level must be 1 to 4 (ISCO-08)', 'parameters: refuses occupation level 5');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], '["F"]')$$, '22023',
                 'filters must be a JSON object {"dimension": ["CODE", ...]}', 'parameters: refuses filters that are not an object');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], p_age_bands => '0-10,12+')$$, '22023',
                 'age band 2 ("12+") must start at 11: bands are contiguous from 0', 'parameters: refuses a gap in the age bands');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], '{"period": ["2024"]}')$$, '22023',
                 'cannot filter on "period"', 'filters: refuses a period filter');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], '{"sex": []}')$$, '22023',
                 'filter "sex" must be a non-empty array of codes', 'filters: refuses an empty filter');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], '{"sex": ["F", 1]}')$$, '22023',
                 'filter "sex" must be a non-empty array of codes', 'filters: refuses a code that is not a string');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['sex'], '{"nationality": ["XYZ"]}')$$, '22023',
                 'filter "nationality": unknown code "XYZ"', 'filters: refuses an unknown code');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['age'], '{"age": ["Y5-9"]}', p_age_bands => '0-17,18+')$$, '22023',
                 'filter "age": unknown code "Y5-9"', 'filters: an age filter must be a band of this report');
SELECT throws_ok($$SELECT migstat.report_parameters(ARRAY['occupation'], '{"occupation": ["71"]}')$$, '22023',
                 'occupation filter "71" is more detailed than the report level 1', 'filters: refuses a filter finer than the level');

-- ---- fine cells (the three records) -----------------------------------------------------------
INSERT INTO plan_of SELECT 'dir_sex', migstat.report_fine_cells(migstat.report_parameters(ARRAY['direction', 'sex'], '{"purpose": ["phases"]}'));
SELECT results_eq('SELECT g1::integer, g2::integer, n FROM migstat_rep_raw ORDER BY 1, 2',
    $$SELECT * FROM (VALUES (t.id('direction', 'IN')::integer, t.id('sex', 'F')::integer, 1::bigint),
                            (t.id('direction', 'IN'), t.id('sex', 'M'), 1), (t.id('direction', 'OUT'), t.id('sex', 'F'), 1)) v
       ORDER BY 1, 2$$,
    'fine cells: records per (direction, sex)');
SELECT is((p).multi, false, 'fine cells: records never need pairs') FROM plan_of WHERE name = 'dir_sex';
SELECT pg_temp.drop_phase_tables() \g /dev/null
SELECT migstat.report_fine_cells(migstat.report_parameters(ARRAY['country', 'occupation'], '{"purpose": ["phases"]}')) \g /dev/null
SELECT results_eq('SELECT g1::integer, g2::integer, n FROM migstat_rep_raw ORDER BY 1, 2',
    $$VALUES (0, 0, 1::bigint), (t.id('country', 'RUS')::integer, t.id('occupation', '7')::integer, 2::bigint)$$,
    'fine cells: not stated = 0, occupation by its group at the level');
SELECT pg_temp.drop_phase_tables() \g /dev/null
INSERT INTO plan_of SELECT 'sex_persons', migstat.report_fine_cells(migstat.report_parameters(ARRAY['sex'], '{"purpose": ["phases"]}', p_count => 'persons'));
SELECT results_eq('SELECT g1::integer, n FROM migstat_rep_raw ORDER BY 1',
    $$VALUES (t.id('sex', 'F')::integer, 1::bigint), (t.id('sex', 'M'), 1)$$,
    'fine cells, persons: a person in one cell counts once, a record without pseudonym as one person');
SELECT ok(NOT (p).multi AND to_regclass('pg_temp.migstat_rep_mraw') IS NULL, 'fine cells, persons: no pairs when every person is in one cell')
  FROM plan_of WHERE name = 'sex_persons';
SELECT pg_temp.drop_phase_tables() \g /dev/null
INSERT INTO plan_of SELECT 'dir_persons', migstat.report_fine_cells(migstat.report_parameters(ARRAY['direction'], '{"purpose": ["phases"]}', p_count => 'persons'));
SELECT ok((p).multi, 'fine cells, persons: a person with entry and exit spans two cells') FROM plan_of WHERE name = 'dir_persons';
SELECT results_eq('SELECT g1::integer, n FROM migstat_rep_raw', $$VALUES (t.id('direction', 'IN')::integer, 1::bigint)$$,
    'fine cells, persons: only the single-cell persons in migstat_rep_raw');
SELECT results_eq('SELECT array_agg(g1::integer ORDER BY g1), count(DISTINCT p) FROM migstat_rep_mraw',
    $$VALUES (ARRAY[t.id('direction', 'IN')::integer, t.id('direction', 'OUT')], 1::bigint)$$,
    'fine cells, persons: the (cell, person) pairs of the person in two cells');
SELECT is((SELECT count(*) FROM pg_class WHERE relnamespace = 'migstat_data'::regnamespace AND relname LIKE 'report\_work\_%'),
          0::bigint, 'fine cells, persons: the work table is gone');

-- ---- categories ----------------------------------------------------------------------------------
SELECT pg_temp.drop_phase_tables() \g /dev/null
UPDATE plan_of SET p = migstat.report_categories(migstat.report_fine_cells(
    migstat.report_parameters(ARRAY['direction', 'sex'], '{"purpose": ["phases"]}'))) WHERE name = 'dir_sex';
SELECT results_eq('SELECT dno, code FROM migstat_rep_cat ORDER BY dno, ord, code',
    $$VALUES (1, 'IN'), (1, 'OUT'), (2, 'F'), (2, 'M'), (2, '_O'), (2, '_U')$$,
    'categories: every active code of direction and sex, zero cells included');
SELECT is(ROW((p).ncat, (p).key_bits, (p).key_offset, (p).key_mask, (p).cells)::text,
          '("{2,4}","{2,3}","{3,0}","{24,7}",15)', 'categories: the cell-key layout (dimension 1 in the high bits)')
  FROM plan_of WHERE name = 'dir_sex';
SELECT is((p).labels, ARRAY['{_T,IN,OUT}', '{_T,F,M,_O,_U}'], 'categories: labels in index order, _T = 0')
  FROM plan_of WHERE name = 'dir_sex';
SELECT is((p).key_expr, '(''[1:2]={8,16}''::bigint[])[g1] + (''[1:4]={1,2,3,4}''::bigint[])[g2]',
          'categories: key of a fine cell = sum of index << offset') FROM plan_of WHERE name = 'dir_sex';
SELECT pg_temp.drop_phase_tables() \g /dev/null
SELECT migstat.report_categories(migstat.report_fine_cells(migstat.report_parameters(ARRAY['nationality', 'country', 'period'],
    '{"purpose": ["phases"]}', '2024-01-01', '2026-12-31'))) \g /dev/null
SELECT results_eq('SELECT dno, code FROM migstat_rep_cat ORDER BY dno, ord, code',
    $$VALUES (1, 'TJK'), (1, 'UZB'), (2, 'RUS'), (2, '_Z'), (3, '2024'), (3, '2025'), (3, '2026')$$,
    'categories: big dimensions list what occurs, _Z last, every period of the range');
SELECT pg_temp.drop_phase_tables() \g /dev/null
SELECT migstat.report_categories(migstat.report_fine_cells(migstat.report_parameters(ARRAY['age', 'sex'],
    '{"purpose": ["phases"], "age": ["18+"], "sex": ["M", "_Z"]}', p_age_bands => '0-17,18+'))) \g /dev/null
SELECT results_eq('SELECT dno, code FROM migstat_rep_cat ORDER BY dno, ord, code', $$VALUES (1, '18+'), (2, 'M'), (2, '_Z')$$,
    'categories: a filtered dimension lists exactly the filter''s categories');
SELECT pg_temp.drop_phase_tables() \g /dev/null
UPDATE migstat.setting SET value = '14' WHERE key = 'report_max_cells';
SELECT throws_ok($$SELECT migstat.report_categories(migstat.report_fine_cells(
                     migstat.report_parameters(ARRAY['direction', 'sex'], '{"purpose": ["phases"]}')))$$, '54000',
                 'the table would have 15 cells (limit 14): use fewer dimensions, filters or coarser categories',
                 'categories: refuses a table above report_max_cells');
UPDATE migstat.setting SET value = '5000000' WHERE key = 'report_max_cells';

-- ---- cube ----------------------------------------------------------------------------------------
SELECT pg_temp.drop_phase_tables() \g /dev/null
SELECT migstat.report_cube(migstat.report_categories(migstat.report_fine_cells(
    migstat.report_parameters(ARRAY['direction', 'sex'], '{"purpose": ["phases"]}')))) \g /dev/null
SELECT results_eq('SELECT k, v, st FROM migstat_rep_sup ORDER BY k',
    $$VALUES (0::bigint, 3::bigint, 'F'), (1, 2, 'A'), (2, 1, 'A'), (8, 2, 'A'), (9, 1, 'A'), (10, 1, 'A'), (16, 1, 'A'), (17, 1, 'A')$$,
    'cube: fine cells and every margin, status A for 1..K-1');
SELECT pg_temp.drop_phase_tables() \g /dev/null
SELECT migstat.report_cube(migstat.report_categories(migstat.report_fine_cells(
    migstat.report_parameters(ARRAY['direction'], '{"purpose": ["phases"]}', p_count => 'persons')))) \g /dev/null
SELECT results_eq('SELECT k, v, st FROM migstat_rep_sup ORDER BY k', $$VALUES (0::bigint, 2::bigint, 'A'), (1, 2, 'A'), (2, 1, 'A')$$,
    'cube, persons: the person in two cells counts once in the total');
SELECT ok(to_regclass('pg_temp.migstat_rep_mraw') IS NULL, 'cube, persons: the pairs are dropped');
-- the whole fixture, three dimensions: every margin is the sum of its relation
SELECT pg_temp.drop_phase_tables() \g /dev/null
INSERT INTO plan_of SELECT 'big', migstat.report_categories(migstat.report_fine_cells(
    migstat.report_parameters(ARRAY['sex', 'age', 'nationality'])));
SELECT migstat.report_cube(p) FROM plan_of WHERE name = 'big' \g /dev/null
SELECT is((SELECT count(*) FROM plan_of o CROSS JOIN generate_series(1, 3) j
             CROSS JOIN LATERAL (SELECT c.k & ~(o.p).key_mask[j] AS m, sum(c.v) AS s FROM migstat_rep_sup c
                                  WHERE c.k & (o.p).key_mask[j] <> 0 GROUP BY 1) x
             LEFT JOIN migstat_rep_sup m ON m.k = x.m
            WHERE o.name = 'big' AND m.v IS DISTINCT FROM x.s), 0::bigint,
          'cube: every margin cell equals the sum of its relation, along each dimension');
SELECT is((SELECT v FROM migstat_rep_sup WHERE k = 0), (SELECT count(*) FROM migstat.records), 'cube: the total is the record count');
SELECT is((SELECT count(*) FROM migstat_rep_sup WHERE (st = 'A') IS DISTINCT FROM (v BETWEEN 1 AND 2) OR st NOT IN ('A', 'F') OR v <= 0),
          0::bigint, 'cube: only non-zero cells; A exactly for 1..K-1');
SELECT is((SELECT count(*) FROM migstat_rep_sup), (SELECT count(*) FROM (SELECT 1 FROM t.ref(ARRAY['sex', 'age', 'nationality'])
                                                                          WHERE n > 0) x),
          'cube: as many non-zero cells as GROUP BY CUBE');

-- ---- suppression (hand-made tables) --------------------------------------------------------------
-- One dimension, 3 categories (2 bits at offset 0): _T = 20, then 2 (primary), 8, 10.
SELECT pg_temp.drop_phase_tables() \g /dev/null
CREATE TEMP TABLE migstat_rep_sup AS
SELECT * FROM (VALUES (0::bigint, 20::bigint, 'F'::text), (1, 2, 'A'), (2, 8, 'F'), (3, 10, 'F')) v(k, v, st);
SELECT migstat.report_suppression(jsonb_populate_record(NULL::migstat.report_plan,
    '{"dims": ["a"], "key_bits": [2], "key_offset": [0], "key_mask": [3]}')) \g /dev/null
SELECT results_eq('SELECT k, pass FROM migstat_rep_new ORDER BY k', $$VALUES (1::bigint, 0), (2, 1)$$,
    'suppression: a relation with exactly one primary cell gets a secondary, its smallest positive free cell');
-- Two dimensions of 2 categories (2 bits each: dimension 1 at offset 2): the secondary of one
-- relation makes others need theirs. Cells (i1, i2) = v: (1,1) = 2 primary, (1,2) = 10,
-- (2,1) = 7, (2,2) = 9, margins 12, 16, 9, 19, 28.
CREATE TEMP TABLE hand_sup AS
SELECT * FROM (VALUES (0::bigint, 28::bigint, 'F'::text), (1, 9, 'F'), (2, 19, 'F'), (4, 12, 'F'), (5, 2, 'A'), (6, 10, 'F'),
                      (8, 16, 'F'), (9, 7, 'F'), (10, 9, 'F')) v(k, v, st);
CREATE TEMP TABLE hand_plan AS SELECT jsonb_populate_record(NULL::migstat.report_plan,
    '{"dims": ["a", "b"], "key_bits": [2, 2], "key_offset": [2, 0], "key_mask": [12, 3]}') AS p;
SELECT pg_temp.drop_phase_tables() \g /dev/null
CREATE TEMP TABLE migstat_rep_sup AS SELECT * FROM hand_sup;
SELECT migstat.report_suppression(p) FROM hand_plan \g /dev/null
SELECT results_eq('SELECT k, pass FROM migstat_rep_new ORDER BY k', $$VALUES (5::bigint, 0), (6, 2), (9, 1), (10, 2)$$,
    'suppression: dimension by dimension until no relation has exactly one suppressed cell');
SELECT is(ROW(current_setting('enable_nestloop'), current_setting('enable_hashjoin'), current_setting('enable_mergejoin'))::text,
          '(on,on,on)', 'suppression: the planner settings are restored');
SELECT pg_temp.drop_phase_tables() \g /dev/null
UPDATE migstat.setting SET value = '0' WHERE key = 'report_index_cells';
CREATE TEMP TABLE migstat_rep_sup AS SELECT * FROM hand_sup;
SELECT migstat.report_suppression(p) FROM hand_plan \g /dev/null
SELECT results_eq('SELECT k, pass FROM migstat_rep_new ORDER BY k', $$VALUES (5::bigint, 0), (6, 2), (9, 1), (10, 2)$$,
    'suppression: the same pattern through the per-dimension indexes (large tables)');
UPDATE migstat.setting SET value = '50000' WHERE key = 'report_index_cells';
SELECT pg_temp.drop_phase_tables() \g /dev/null
CREATE TEMP TABLE migstat_rep_sup AS SELECT k, v, 'F'::text AS st FROM hand_sup;
SELECT migstat.report_suppression(p) FROM hand_plan \g /dev/null
SELECT is_empty('SELECT * FROM migstat_rep_new', 'suppression: nothing without a primary suppression');

-- ---- output --------------------------------------------------------------------------------------
SELECT t.thresholds(2, 5) \g /dev/null
SELECT pg_temp.drop_phase_tables() \g /dev/null
UPDATE plan_of SET p = migstat.report_categories(migstat.report_fine_cells(
    migstat.report_parameters(ARRAY['direction', 'sex'], '{"purpose": ["phases"]}'))) WHERE name = 'dir_sex';
SELECT migstat.report_cube(p), migstat.report_suppression(p) FROM plan_of WHERE name = 'dir_sex' \g /dev/null
SELECT results_eq((SELECT (migstat.report_output(p))[1] FROM plan_of WHERE name = 'dir_sex'),
    $$VALUES (ARRAY['_T', '_T'], 3::bigint, 'A', 'F', NULL::numeric, NULL::numeric, false),
             (ARRAY['_T', 'F'], NULL, 'A', 'D', NULL, NULL, false), (ARRAY['_T', 'M'], NULL, 'A', 'A', NULL, NULL, false),
             (ARRAY['_T', '_O'], 0, 'A', 'F', NULL, NULL, false), (ARRAY['_T', '_U'], 0, 'A', 'F', NULL, NULL, false),
             (ARRAY['IN', '_T'], NULL, 'A', 'D', NULL, NULL, false), (ARRAY['IN', 'F'], NULL, 'A', 'A', NULL, NULL, false),
             (ARRAY['IN', 'M'], NULL, 'A', 'A', NULL, NULL, false), (ARRAY['IN', '_O'], 0, 'A', 'F', NULL, NULL, false),
             (ARRAY['IN', '_U'], 0, 'A', 'F', NULL, NULL, false), (ARRAY['OUT', '_T'], NULL, 'A', 'A', NULL, NULL, false),
             (ARRAY['OUT', 'F'], NULL, 'A', 'A', NULL, NULL, false), (ARRAY['OUT', 'M'], 0, 'A', 'F', NULL, NULL, false),
             (ARRAY['OUT', '_O'], 0, 'A', 'F', NULL, NULL, false), (ARRAY['OUT', '_U'], 0, 'A', 'F', NULL, NULL, false)$$,
    'output: every cell in table order, zero cells 0, suppressed cells NULL with A or D');
SELECT is((migstat.report_output(p))[2], NULL, 'output: no estimates query unless asked for') FROM plan_of WHERE name = 'dir_sex';
INSERT INTO plan_of VALUES ('estimates', migstat.report_parameters(ARRAY['sex'], '{"purpose": ["phases"]}', p_with_estimates => true));
SELECT is_empty((SELECT (migstat.report_output(p))[2] FROM plan_of WHERE name = 'estimates'),
                'output: the estimates query (no estimate for the purpose yet)');
INSERT INTO migstat.estimate (purpose_id, source_id, period_from, period_to, dims, value, lower_bound, upper_bound, method)
SELECT (SELECT id FROM migstat.purpose WHERE name = 'phases'), (SELECT id FROM migstat.source WHERE name = 'phase-src'),
       '2024-01-01', '2024-12-31', '{"sex": "F"}', 12.4, 8, 20, 'phase test';
SELECT results_eq((SELECT (migstat.report_output(p))[2] FROM plan_of WHERE name = 'estimates'),
    $$VALUES (ARRAY['F'], 12::bigint, 'E', 'F', 8::numeric, 20::numeric, true)$$,
    'output: an estimate of the filtered purpose, rounded, flagged E');
SELECT pg_temp.drop_phase_tables() \g /dev/null
-- all phases together = migstat.report
SELECT results_eq($$SELECT * FROM pg_temp.phases(ARRAY['sex', 'age', 'nationality'])$$,
                  $$SELECT * FROM migstat.report_exact(ARRAY['sex', 'age', 'nationality'])$$,
                  'phases in a row = migstat.report_exact (records, fixture)');
SELECT results_eq($$SELECT * FROM pg_temp.phases(ARRAY['direction', 'age', 'sex'], p_count => 'persons')$$,
                  $$SELECT * FROM migstat.report_exact(ARRAY['direction', 'age', 'sex'], p_count => 'persons')$$,
                  'phases in a row = migstat.report_exact (persons in several cells)');

-- ---- privileges ----------------------------------------------------------------------------------
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'migstat'::regnamespace
                   AND p.proname IN ('report_dimension_info', 'report_parameters', 'report_filters', 'report_fine_cells',
                                     'report_categories', 'report_cube', 'report_suppression', 'report_output')
                   AND (p.prosecdef OR p.proowner <> 'migstat_owner'::regrole
                        OR NOT 'search_path=pg_catalog, migstat, pg_temp' = ANY (p.proconfig))
                 ORDER BY 1), '{}'::text[],
          'phases: owned by migstat_owner, not SECURITY DEFINER, search_path pinned');
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'migstat'::regnamespace
             AND p.proname IN ('report_dimension_info', 'report_parameters', 'report_filters', 'report_fine_cells',
                               'report_categories', 'report_cube', 'report_suppression', 'report_output')), 8::bigint,
          'phases: the eight functions exist');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text || ' ' || r FROM pg_proc p
                 CROSS JOIN unnest(ARRAY['migstat_analyst', 'migstat_steward', 'migstat_admin', 'migstat_loader',
                                         'migstat_auditor', 'public']) r
                 WHERE p.pronamespace = 'migstat'::regnamespace
                   AND p.proname IN ('report_dimension_info', 'report_parameters', 'report_filters', 'report_fine_cells',
                                     'report_categories', 'report_cube', 'report_suppression', 'report_output')
                   AND (p.proacl IS NULL
                        OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a
                                    WHERE a.grantee = CASE r WHEN 'public' THEN 0 ELSE r::regrole::oid END))
                 ORDER BY 1), '{}'::text[],
          'phases: executable by the owner only (nothing for PUBLIC or any migstat role)');

SELECT * FROM finish();
ROLLBACK;
