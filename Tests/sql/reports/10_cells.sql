-- Exact cells and margins: literal counts of the fixture (Tests/sql/reports/fixture.sql, 163
-- records) and comparisons with the independent GROUP BY CUBE reference (t.ref).
\ir ../helpers/tap.sql
SELECT plan(29);

-- Literal, default threshold 5: no cell below 5.
SELECT is(t.show(ARRAY['sex']), '{_T}=163 {F}=93 {M}=62 {_O}=0 {_U}=8', 'sex: all categories, zero cells, total');

SELECT is(t.show(ARRAY[]::text[]), '{}=163', 'no dimension: the grand total');

-- sex x nationality at K = 5; the suppression pattern worked out by hand:
--   primary: F-AFG 2, _T-AFG 2, M-TJK 3; secondary, sex lines first then nationality lines:
--   TJK line -> F-TJK 25; _T line -> _T-KGZ 6; M line -> M-KAZ 12; KGZ line -> F-KGZ 6;
--   KAZ line -> _T-KAZ 12; then every relation has 0 or >= 2 suppressed cells.
SELECT is(
    t.show(ARRAY['sex', 'nationality']), '{_T,_T}=163 {_T,AFG}=A {_T,KAZ}=D {_T,KGZ}=D {_T,RUS}=8 {_T,TJK}=28 {_T,UZB}=107 '
    '{F,_T}=93 {F,AFG}=A {F,KAZ}=0 {F,KGZ}=D {F,RUS}=0 {F,TJK}=D {F,UZB}=60 '
    '{M,_T}=62 {M,AFG}=0 {M,KAZ}=D {M,KGZ}=0 {M,RUS}=0 {M,TJK}=A {M,UZB}=47 '
    '{_O,_T}=0 {_O,AFG}=0 {_O,KAZ}=0 {_O,KGZ}=0 {_O,RUS}=0 {_O,TJK}=0 {_O,UZB}=0 '
    '{_U,_T}=8 {_U,AFG}=0 {_U,KAZ}=0 {_U,KGZ}=0 {_U,RUS}=8 {_U,TJK}=0 {_U,UZB}=0', 'sex x nationality: cells, margins, primary and secondary pattern');

-- Exact counts: no suppression.
SELECT t.thresholds(1, 1) \gset

SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(t.show(ARRAY['sex', 'age']), ' ')) x
      WHERE x !~ '=0$'), '{_T,_T}=163 {_T,Y5-9}=8 {_T,Y15-19}=2 {_T,Y20-24}=6 {_T,Y25-29}=60 {_T,Y30-34}=45 {_T,Y40-44}=2 {_T,Y45-49}=25 '
    '{_T,Y70-74}=3 {_T,_Z}=12 '
    '{F,_T}=93 {F,Y15-19}=2 {F,Y20-24}=6 {F,Y25-29}=60 {F,Y45-49}=25 '
    '{M,_T}=62 {M,Y30-34}=45 {M,Y40-44}=2 {M,Y70-74}=3 {M,_Z}=12 '
    '{_U,_T}=8 {_U,Y5-9}=8', 'sex x age, default bands: exact cells and margins (row F, row M with _Z, margin _T)');

SELECT is(
    (SELECT string_agg(split_part(trim(both '{}' from split_part(x, '=', 1)), ',', 2), ',')
       FROM unnest(string_to_array(t.show(ARRAY['sex', 'age']), ' ')) x WHERE x LIKE '{F,%'), '_T,Y_LT5,Y5-9,Y10-14,Y15-19,Y20-24,Y25-29,Y30-34,Y35-39,Y40-44,Y45-49,Y50-54,Y55-59,Y60-64,Y65-69,Y70-74,Y75-79,Y80-84,Y_GE85,_Z', 'sex x age, default bands: 18 bands + _Z + _T per sex, in order');

SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(
        t.show(ARRAY['sex', 'age'], p_bands => '0-5,6-13,14,15,16,17,18-19,20-24,25-29,30-39,40-49,50-54,55-59,60-64,65+'), ' ')) x
      WHERE x !~ '=0$' AND x NOT LIKE '{_T,%'), '{F,_T}=93 {F,16}=2 {F,20-24}=6 {F,25-29}=60 {F,40-49}=25 '
    '{M,_T}=62 {M,30-39}=45 {M,40-49}=2 {M,65+}=3 {M,_Z}=12 '
    '{_U,_T}=8 {_U,0-5}=8', 'sex x age, national bands as written: exact cells');

SELECT is((SELECT count(*) FROM migstat.report_exact(ARRAY['age'], p_age_bands => '0-5,6-13,14,15,16,17,18-19,20-24,25-29,30-39,40-49,50-54,55-59,60-64,65+')), 17::bigint, 'national bands: every band listed, zero cells included');

SELECT is(
    (SELECT string_agg(r.cell_dims::text || '=' || r.obs_value, ' ' ORDER BY r.cell_dims::text)
       FROM migstat.report_exact(ARRAY['direction', 'reason', 'migration_status']) r
      WHERE r.cell_dims::text IN ('{IN,OCC,REG}', '{OUT,_Z,REG}', '{IN,ASY,IRR}', '{_T,_T,IRR}', '{IN,_T,_T}', '{OUT,_T,_T}',
                                  '{OUT,RET,REG}', '{_T,_T,_T}', '{_T,EDUC,ASY_APPL}', '{OUT,OCC,IRR}')), '{IN,ASY,IRR}=3 {IN,OCC,REG}=85 {IN,_T,_T}=121 {OUT,OCC,IRR}=0 {OUT,RET,REG}=10 {OUT,_T,_T}=42 {OUT,_Z,REG}=12 '
    '{_T,EDUC,ASY_APPL}=2 {_T,_T,IRR}=3 {_T,_T,_T}=163', 'direction x reason x migration_status: literal cells');

SELECT is((SELECT count(*) FROM migstat.report_exact(ARRAY['direction', 'reason', 'migration_status'])), (3 * 9 * 7)::bigint, 'direction x reason x migration_status: 3 x 9 x 7 cells (all categories, _Z for reason)');

SELECT is(t.show(ARRAY['occupation']), '{_T}=163 {0}=0 {1}=0 {2}=25 {3}=0 {4}=0 {5}=0 {6}=0 {7}=75 {8}=0 {9}=30 {_Z}=33', 'occupation level 1: ten major groups, _Z, exact');

SELECT is(t.show(ARRAY['occupation'], p_level => 2), '{_T}=163 {71}=75 {93}=30 {_X}=25 {_Z}=33', 'occupation level 2: occurring groups, _X for records coded at level 1, _Z');

SELECT is(
    t.show(ARRAY['purpose', 'source']), '{_T,_T}=163 {_T,border}=140 {_T,consulate}=2 {_T,labour}=15 {_T,survey-2024}=6 '
    '{flows,_T}=157 {flows,border}=140 {flows,consulate}=2 {flows,labour}=15 {flows,survey-2024}=0 '
    '{prop,_T}=0 {prop,border}=0 {prop,consulate}=0 {prop,labour}=0 {prop,survey-2024}=0 '
    '{survey,_T}=6 {survey,border}=0 {survey,consulate}=0 {survey,labour}=0 {survey,survey-2024}=6', 'source x purpose: names as codes');

-- Against the reference, exact (K = 1).
SELECT t.check_report('reference, K=1: sex', 1, ARRAY['sex']);
SELECT t.check_report('reference, K=1: sex x nationality', 1, ARRAY['sex', 'nationality']);
SELECT t.check_report('reference, K=1: nationality x sex x age', 1, ARRAY['nationality', 'sex', 'age']);
SELECT t.check_report('reference, K=1: sex x age (national bands)', 1, ARRAY['sex', 'age'], p_bands => '0-17,18-64,65+');
SELECT t.check_report('reference, K=1: direction x reason x migration_status', 1, ARRAY['direction', 'reason', 'migration_status']);
SELECT t.check_report('reference, K=1: country x region x worker_category x ethnicity x disability', 1,
                      ARRAY['country', 'region', 'worker_category', 'ethnicity', 'disability']);
SELECT t.check_report('reference, K=1: occupation level 3 x source', 1, ARRAY['occupation', 'source'], p_level => 3);
SELECT t.check_report('reference, K=1: period (month) x direction', 1, ARRAY['direction'], p_unit => 'month');

SELECT t.thresholds(5, 10) \gset

-- Against the reference with suppression.
SELECT t.check_report('reference, K=5: sex x nationality', 5, ARRAY['sex', 'nationality']);
SELECT t.check_report('reference, K=5: nationality x sex x age', 5, ARRAY['nationality', 'sex', 'age']);
SELECT t.check_report('reference, K=10 (special): direction x reason x migration_status', 10,
                      ARRAY['direction', 'reason', 'migration_status']);
SELECT t.check_report('reference, K=10 (special filter): sex x age, disability filter', 10, ARRAY['sex', 'age'],
                      '{"disability": ["NODIS"]}');
SELECT t.check_report('reference, K=10 (special): ethnicity x sex x period', 10, ARRAY['ethnicity', 'sex'], p_unit => 'year');
SELECT t.check_report('reference: a caller raises K to 30', 30, ARRAY['sex', 'direction', 'reason'], p_threshold => 30);
SELECT t.check_report('reference: a caller cannot lower K (asks 1, gets 5)', 5, ARRAY['sex', 'nationality'], p_threshold => 1);
SELECT t.check_report('reference, K=5: 5 dimensions', 5, ARRAY['direction', 'sex', 'age', 'nationality', 'reason'],
                      p_bands => '0-17,18-34,35-64,65+');

-- The same call twice gives the same table.
SELECT is(t.show(ARRAY['nationality', 'sex', 'age']) = t.show(ARRAY['nationality', 'sex', 'age']), true, 'same call, same table');

SELECT * FROM finish();
