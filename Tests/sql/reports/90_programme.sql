-- The output programme (declared tables, Schemas/functions/programme/) on the fixture's purpose
-- "flows": declaration checks, exact counts against the independent GROUP BY CUBE (t.ref), one
-- value and flag per cell across the programme, public flags, certificates, information loss,
-- runs kept and reused. Run as the superuser (the attacks as an analyst, with an LP, are in
-- Tests/disclosure/).
\ir ../helpers/tap.sql
SELECT plan(46);

\set bands '''0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+'''

-- ---- declaring ------------------------------------------------------------------------------
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'x', 'X', ARRAY['gender'])$$, '22023',
                 'unknown table dimension "gender"', 'an unknown dimension is refused, naming it');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'x', 'X', ARRAY['purpose', 'sex'])$$, '22023',
                 'unknown table dimension "purpose"', 'purpose is not a dimension of a programme table');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'x', 'X', ARRAY['sex'], '{"nationality": ["UZB", "TJK"]}')$$, '22023',
                 'filter "nationality" of a declared table fixes one code', 'a filter of two codes is refused');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'x', 'X', ARRAY['sex'], '{"nationality": "NOSUCH"}')$$, '22023',
                 'filter "nationality": unknown code "NOSUCH"', 'an unknown filter code is refused');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'X-1', 'X', ARRAY['sex'])$$, '22023',
                 'table name "X-1" is not allowed', 'a bad table name is refused');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'x', ' ', ARRAY['sex'])$$, '22023',
                 'table "x" needs a title', 'a table needs a title');
SELECT throws_ok($$SELECT migstat.declare_table('nosuch', 'x', 'X', ARRAY['sex'])$$, 'MS404',
                 'purpose "nosuch" is not declared', 'an unknown purpose is refused');

SELECT lives_ok(format($$SELECT migstat.declare_table('flows', 'sex_age', 'By sex and age', ARRAY['sex', 'age'], '{}', %L)$$, :bands),
                'declare sex x age with the national bands');
SELECT lives_ok(format($$SELECT migstat.declare_table('flows', 'age_dir', 'By age and direction', ARRAY['age', 'direction'], '{}', %L)$$, :bands),
                'declare age x direction, same bands');
SELECT lives_ok($$SELECT migstat.declare_table('flows', 'sex_nat', 'By sex and nationality', ARRAY['sex', 'nationality'])$$,
                'declare sex x nationality');
SELECT lives_ok($$SELECT migstat.declare_table('flows', 'ms_in', 'Entries by migration status', ARRAY['migration_status'],
                                                '{"direction": "IN"}')$$,
                'declare a table with a one-code filter and a special category');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'x', 'X', ARRAY['age'])$$, '22023',
                 'table "x" would use other age bands than table "sex_age" of purpose "flows"',
                 'a programme has one set of age bands');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'sex_age', 'again', ARRAY['sex'])$$, '22023',
                 'purpose "flows" already has a table "sex_age"', 'a name is declared once');

-- ---- exact counts ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM migstat.declared_report('flows', 'sex_age')$$, 'MS404',
                 'table "sex_age" of purpose "flows" has not been released yet', 'nothing is published before a release');
SELECT ok(migstat.programme_release('flows') > 0, 'release the programme');

-- One statement per table: a report in a transaction that has written anything is refused.
CREATE TEMP TABLE pr (name text, cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric,
                      upper_bound numeric, is_estimate boolean);
INSERT INTO pr SELECT 'sex_age', * FROM migstat.declared_report('flows', 'sex_age');
INSERT INTO pr SELECT 'age_dir', * FROM migstat.declared_report('flows', 'age_dir');
INSERT INTO pr SELECT 'sex_nat', * FROM migstat.declared_report('flows', 'sex_nat');
INSERT INTO pr SELECT 'ms_in', * FROM migstat.declared_report('flows', 'ms_in');

SELECT is((SELECT count(*) FROM pr p
            JOIN t.ref(ARRAY['sex', 'age'], '{"purpose": ["flows"]}', p_bands => :bands) f ON f.cell_dims = p.cell_dims
           WHERE p.name = 'sex_age' AND p.conf_status = 'F' AND p.obs_value <> f.n), 0::bigint,
          'sex x age: every published non-zero cell is the independent count');
SELECT is((SELECT count(*) FROM pr p
            LEFT JOIN t.ref(ARRAY['sex', 'age'], '{"purpose": ["flows"]}', p_bands => :bands) f ON f.cell_dims = p.cell_dims
           WHERE p.name = 'sex_age' AND p.conf_status = 'F' AND p.obs_value = 0 AND f.n IS NOT NULL), 0::bigint,
          'sex x age: a published 0 has no records');
SELECT is((SELECT count(*) FROM pr p
            JOIN t.ref(ARRAY['sex', 'nationality'], '{"purpose": ["flows"]}') f ON f.cell_dims = p.cell_dims
           WHERE p.name = 'sex_nat' AND p.conf_status = 'F' AND p.obs_value <> f.n), 0::bigint,
          'sex x nationality: every published cell is the independent count');
SELECT is((SELECT count(*) FROM pr p
            JOIN t.ref(ARRAY['migration_status'], '{"purpose": ["flows"], "direction": ["IN"]}') f ON f.cell_dims = p.cell_dims
           WHERE p.name = 'ms_in' AND p.conf_status = 'F' AND p.obs_value <> f.n), 0::bigint,
          'filtered table: every published cell is the independent count of the filtered records');
SELECT is((SELECT count(*) FROM pr WHERE name = 'sex_age'), 50::bigint,
          'sex x age: the full table, zero cells included (5 sex x 10 age categories with _T)');

-- ---- flags and withheld cells ---------------------------------------------------------------
SELECT is((SELECT array_agg(DISTINCT conf_status ORDER BY conf_status) FROM pr), ARRAY['C', 'F'],
          'declared tables flag F or C, never A or D');
SELECT is((SELECT count(*) FROM pr WHERE conf_status = 'C' AND obs_value IS NOT NULL), 0::bigint,
          'a withheld cell has no value');
SELECT ok((SELECT count(*) FROM pr WHERE conf_status = 'C') > 0, 'the fixture has withheld cells');
SELECT is((SELECT count(*) FROM pr p
            JOIN t.ref(ARRAY['sex', 'age'], '{"purpose": ["flows"]}', p_bands => :bands) f ON f.cell_dims = p.cell_dims
           WHERE p.name = 'sex_age' AND f.n BETWEEN 1 AND 4 AND p.conf_status <> 'C'), 0::bigint,
          'every cell of 1..K-1 is withheld (K = 5)');
SELECT is((SELECT count(*) FROM pr p
            JOIN t.ref(ARRAY['migration_status'], '{"purpose": ["flows"], "direction": ["IN"]}') f ON f.cell_dims = p.cell_dims
           WHERE p.name = 'ms_in' AND f.n BETWEEN 1 AND 9 AND p.conf_status <> 'C'), 0::bigint,
          'special category: every cell of 1..9 is withheld (threshold_special 10)');

-- ---- one value per cell across the programme -------------------------------------------------
-- sex margins: sex_age (age _T) and sex_nat (nationality _T); age margins: sex_age (sex _T) and
-- age_dir (direction _T); the grand total everywhere.
SELECT is((SELECT count(*) FROM pr a JOIN pr b ON a.cell_dims[1] = b.cell_dims[1]
            WHERE a.name = 'sex_age' AND b.name = 'sex_nat' AND a.cell_dims[2] = '_T' AND b.cell_dims[2] = '_T'
              AND (a.obs_value IS DISTINCT FROM b.obs_value OR a.conf_status <> b.conf_status)), 0::bigint,
          'sex margins: same value and flag in sex x age and sex x nationality');
SELECT is((SELECT count(*) FROM pr a JOIN pr b ON a.cell_dims[2] = b.cell_dims[1]
            WHERE a.name = 'sex_age' AND b.name = 'age_dir' AND a.cell_dims[1] = '_T' AND b.cell_dims[2] = '_T'
              AND (a.obs_value IS DISTINCT FROM b.obs_value OR a.conf_status <> b.conf_status)), 0::bigint,
          'age margins: same value and flag in sex x age and age x direction');
SELECT is((SELECT count(DISTINCT (obs_value, conf_status)) FROM pr WHERE cell_dims <@ ARRAY['_T']), 1::bigint,
          'the grand total: one value and flag in all four tables');

-- ---- certificates ----------------------------------------------------------------------------
CREATE TEMP TABLE au AS
SELECT d.name, a.* FROM (VALUES ('sex_age'), ('age_dir'), ('sex_nat'), ('ms_in')) d(name)
 CROSS JOIN LATERAL migstat.table_audit('flows', d.name) a;
SELECT is((SELECT count(*) FROM au), (SELECT count(*) FROM pr WHERE conf_status = 'C'),
          'table_audit lists exactly the withheld cells');
SELECT is((SELECT count(*) FROM au WHERE status = 'primary'
              AND NOT (lower_bound <= value AND (upper_bound IS NULL OR upper_bound >= value + CASE name WHEN 'ms_in' THEN 9 ELSE 4 END))),
          0::bigint, 'every primary cell is certified an interval reaching value + K - 1 at least');

-- ---- information loss, runs -----------------------------------------------------------------
SELECT is((SELECT sum(withheld)::bigint FROM migstat.programme_info_loss('flows')), (SELECT count(*) FROM pr WHERE conf_status = 'C'),
          'information loss counts the withheld cells of every table');
SELECT is((SELECT count(*) FROM migstat.programme_run r JOIN migstat.purpose p ON p.id = r.purpose_id WHERE p.name = 'flows'),
          1::bigint, 'the four tables and the audit came from one run');
SELECT is((SELECT stale FROM migstat.programme_releases('flows')), false, 'the release covers the loaded batches');
-- A second release of the same batches with one more table: what the first published stays
-- published, what it withheld stays withheld (an analyst keeps both).
SELECT lives_ok($$SELECT migstat.declare_table('flows', 'dir', 'By direction', ARRAY['direction'])$$, 'declare one more table');
SELECT ok(migstat.programme_release('flows') > 0, 'release again, for the same batches');
CREATE TEMP TABLE pr2 (LIKE pr);
INSERT INTO pr2 SELECT 'sex_age', * FROM migstat.declared_report('flows', 'sex_age');
INSERT INTO pr2 SELECT 'age_dir', * FROM migstat.declared_report('flows', 'age_dir');
INSERT INTO pr2 SELECT 'sex_nat', * FROM migstat.declared_report('flows', 'sex_nat');
INSERT INTO pr2 SELECT 'ms_in', * FROM migstat.declared_report('flows', 'ms_in');
SELECT is((SELECT count(*) FROM pr p FULL JOIN pr2 r ON p.name = r.name AND p.cell_dims = r.cell_dims
            WHERE p.obs_value IS DISTINCT FROM r.obs_value OR p.conf_status IS DISTINCT FROM r.conf_status), 0::bigint,
          'the second release shows every cell of the first alike');
SELECT lives_ok($$SELECT migstat.retire_table('flows', 'dir')$$, 'retire the new table');
SELECT throws_like($$SELECT migstat.programme_release('flows')$$, '%published tables for the same batches that are not active now: dir',
                   'a release for the same batches may not drop a table an earlier one published');
SELECT t.add_batch('border', 'flows', $$SELECT 1, 'late-1', date '2023-03-10', t.id('direction', 'IN'), t.id('sex', 'F'), 25,
                                              t.id('nationality', 'UZB'), NULL::smallint, NULL::smallint, NULL::smallint,
                                              NULL::smallint, NULL::smallint, NULL::smallint, t.id('migration_status', 'REG'),
                                              NULL::smallint, NULL::bytea$$);
SELECT is((SELECT stale FROM migstat.programme_releases('flows') ORDER BY run DESC LIMIT 1), true, 'a batch loaded after the release makes it stale');
SELECT is((SELECT obs_value FROM migstat.declared_report('flows', 'sex_age') WHERE cell_dims = ARRAY['F', '25-34']),
          (SELECT obs_value FROM pr WHERE name = 'sex_age' AND cell_dims = ARRAY['F', '25-34']),
          'analysts keep reading the release until a steward releases again (no table per batch to subtract)');
SELECT lives_ok($$SELECT migstat.retire_table('flows', 'age_dir')$$, 'retire a table');
SELECT throws_ok($$SELECT * FROM migstat.declared_report('flows', 'age_dir')$$, 'MS404',
                 'purpose "flows" has no declared table "age_dir"', 'a retired table is not published');

-- A programme of one table: every primary cell is a category in every dimension of the cube.
SELECT t.add_batch('border', 'prop', $$
    SELECT row_number() OVER ()::integer, 'p-' || row_number() OVER (), date '2024-05-01', t.id('direction', 'IN'),
           t.id('sex', x.sex), 30, t.id('nationality', x.nat), NULL::smallint, NULL::smallint, NULL::smallint,
           NULL::smallint, NULL::smallint, NULL::smallint, t.id('migration_status', 'REG'), NULL::smallint, NULL::bytea
      FROM (VALUES ('F', 'UZB', 30), ('M', 'UZB', 20), ('F', 'TJK', 3), ('M', 'TJK', 12), ('M', 'KAZ', 2), ('F', 'KAZ', 25)) x(sex, nat, n)
     CROSS JOIN LATERAL generate_series(1, x.n)$$);
SELECT lives_ok($$SELECT migstat.declare_table('prop', 'sex_nat', 'By sex and nationality', ARRAY['sex', 'nationality'])$$,
                'declare a one-table programme');
SELECT ok(migstat.programme_release('prop') > 0, 'release it');
SELECT is((SELECT array_agg(cell_dims ORDER BY cell_dims) FROM migstat.table_audit('prop', 'sex_nat') WHERE status = 'primary'),
          ARRAY[ARRAY['F', 'TJK'], ARRAY['M', 'KAZ']], 'one table: the two small cells are the primary cells');
SELECT is((SELECT count(*) FROM migstat.table_audit('prop', 'sex_nat') WHERE status = 'primary'
              AND NOT (upper_bound IS NULL OR upper_bound >= value + 4)), 0::bigint,
          'one table: every primary cell is certified up to value + K - 1');

SELECT * FROM finish();
