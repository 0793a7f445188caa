-- Filters, periods and parameter errors.
\ir ../helpers/tap.sql
SELECT plan(26);
SELECT t.thresholds(1, 1) \gset

SELECT is(t.show(ARRAY['nationality'], '{"sex": ["F"], "nationality": ["UZB", "TJK"]}'), '{_T}=85 {TJK}=25 {UZB}=60', 'filter sex=F, nationality in (UZB, TJK): exactly the filter''s categories');
SELECT is(t.show(ARRAY['sex'], '{"nationality": ["uzb"]}'), '{_T}=107 {F}=60 {M}=47 {_O}=0 {_U}=0', 'filter codes match case-insensitively');
SELECT is(t.show(ARRAY['nationality'], '{"nationality": ["UZB", "FRA"]}'), '{_T}=107 {FRA}=0 {UZB}=107', 'filter on a dimension listed with a code that has no records: listed as 0');
SELECT is(t.show(ARRAY[]::text[], '{"purpose": ["survey"]}'), '{}=6', 'filter purpose=survey');
SELECT is(t.show(ARRAY['direction'], '{"source": ["border", "labour"]}'), '{_T}=155 {IN}=115 {OUT}=40', 'filter source');
SELECT is(t.show(ARRAY['sex'], '{"age": ["_Z"]}'), '{_T}=12 {F}=0 {M}=12 {_O}=0 {_U}=0', 'filter _Z (age not stated)');
SELECT is(t.show(ARRAY['sex'], '{"age": ["65+", "0-17"]}', p_bands => '0-17,18-64,65+'), '{_T}=13 {F}=2 {M}=3 {_O}=0 {_U}=8', 'filter on an age band of the report''s bands');
SELECT is(t.show(ARRAY['occupation'], '{"occupation": ["7"]}', p_level => 2), '{_T}=75 {71}=75', 'occupation filter at a coarser level selects its sub-groups');
SELECT t.check_report('reference: filters on two dimensions, one of them reported', 1, ARRAY['sex', 'age'],
                      '{"nationality": ["UZB", "TJK", "KAZ"], "direction": ["IN"]}');

-- Periods (event_date): range and unit.
SELECT is(t.show(ARRAY[]::text[], p_unit => 'year'), '{_T}=163 {2022}=8 {2023}=90 {2024}=65', 'period by year without a range: the years that occur');
SELECT is(t.show(ARRAY[]::text[], p_from => '2024-01-01', p_to => '2024-12-31', p_unit => 'quarter'), '{_T}=65 {2024-Q1}=28 {2024-Q2}=27 {2024-Q3}=8 {2024-Q4}=2', 'period by quarter within 2024');
SELECT is(
    t.show(ARRAY[]::text[], p_from => '2024-01-01', p_to => '2024-12-31', p_unit => 'month'), '{_T}=65 {2024-01}=25 {2024-02}=3 {2024-03}=0 {2024-04}=15 {2024-05}=0 {2024-06}=12 {2024-07}=6 {2024-08}=0 '
    '{2024-09}=2 {2024-10}=0 {2024-11}=2 {2024-12}=0', 'period by month: every month of the range, empty months as 0');
SELECT is(t.show(ARRAY['sex'], p_from => '2023-01-01', p_to => '2023-06-30'), '{_T}=70 {F}=40 {M}=30 {_O}=0 {_U}=0', 'period range without a period dimension');
SELECT is(t.show(ARRAY['period', 'direction'], p_from => '2022-01-01', p_to => '2023-12-31'), '{_T,_T}=98 {_T,IN}=70 {_T,OUT}=28 {2022,_T}=8 {2022,IN}=0 {2022,OUT}=8 {2023,_T}=90 {2023,IN}=70 {2023,OUT}=20', 'period listed as a dimension without a unit = year, in its place');
SELECT t.check_report('reference: sex x quarter, a range cutting a quarter', 1, ARRAY['sex'],
                      p_from => '2023-02-15', p_to => '2024-08-01', p_unit => 'quarter');

SELECT t.thresholds(5, 10) \gset

-- Parameter errors (22023), with the offending parameter named.
SELECT throws_ok($$SELECT migstat.report(ARRAY['sex', 'colour'])$$,
    '22023', 'unknown report dimension "colour"', 'unknown dimension');
SELECT throws_ok($$SELECT migstat.report(ARRAY['sex', 'sex'])$$,
    '22023', 'dimension "sex" is listed twice', 'dimension listed twice');
SELECT throws_ok($$SELECT migstat.report(ARRAY['sex'], '{"nationality": ["XYZ"]}')$$,
    '22023', 'filter "nationality": unknown code "XYZ"', 'unknown filter code');
SELECT throws_ok($$SELECT migstat.report(ARRAY['sex'], '{"sex": "F"}')$$,
    '22023', 'filter "sex" must be a non-empty array of codes', 'filter not an array');
SELECT throws_ok($$SELECT migstat.report(ARRAY['age'], p_age_bands => '0-5,7-10,11+')$$,
    '22023', 'age band 2 ("7-10") must start at 6: bands are contiguous from 0', 'age bands with a gap');
SELECT throws_ok($$SELECT migstat.report(ARRAY['age'], p_age_bands => '0-17,18-64')$$,
    '22023', 'age bands must cover every age: end with an open band such as "65+"', 'age bands not covering every age');
SELECT throws_ok($$SELECT migstat.report(ARRAY['sex'], p_period_from => '2024-02-01', p_period_to => '2024-01-01')$$,
    '22023', 'period_from is after period_to', 'period_from after period_to');
SELECT throws_ok($$SELECT migstat.report(ARRAY['sex'], p_period_unit => 'week')$$,
    '22023', 'period unit must be year, quarter or month', 'bad period unit');
SELECT throws_ok($$SELECT migstat.report(ARRAY['sex'], p_count => 'people')$$,
    '22023', 'count must be records or persons', 'bad count');
SELECT throws_ok($$SELECT migstat.report(ARRAY['occupation'], '{"occupation": ["71"]}')$$,
    '22023', 'occupation filter "71" is more detailed than the report level 1', 'occupation filter finer than the report level');
SELECT throws_ok($$SELECT migstat.report(ARRAY['nationality', 'country', 'occupation', 'age', 'region', 'reason', 'sex', 'ethnicity', 'worker_category'], p_occupation_level => 4)$$,
    '54000', NULL, 'a table beyond the cell limit is refused');

SELECT * FROM finish();
