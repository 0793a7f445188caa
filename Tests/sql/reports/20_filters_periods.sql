-- Filters, periods and parameter errors.
SET client_min_messages = warning;
SELECT t.thresholds(1, 1);

SELECT t.is('filter sex=F, nationality in (UZB, TJK): exactly the filter''s categories',
    t.show(ARRAY['nationality'], '{"sex": ["F"], "nationality": ["UZB", "TJK"]}'), '{_T}=85 {TJK}=25 {UZB}=60');
SELECT t.is('filter codes match case-insensitively',
    t.show(ARRAY['sex'], '{"nationality": ["uzb"]}'), '{_T}=107 {F}=60 {M}=47 {_O}=0 {_U}=0');
SELECT t.is('filter on a dimension listed with a code that has no records: listed as 0',
    t.show(ARRAY['nationality'], '{"nationality": ["UZB", "FRA"]}'), '{_T}=107 {FRA}=0 {UZB}=107');
SELECT t.is('filter purpose=survey', t.show(ARRAY[]::text[], '{"purpose": ["survey"]}'), '{}=6');
SELECT t.is('filter source', t.show(ARRAY['direction'], '{"source": ["border", "labour"]}'), '{_T}=155 {IN}=115 {OUT}=40');
SELECT t.is('filter _Z (age not stated)', t.show(ARRAY['sex'], '{"age": ["_Z"]}'), '{_T}=12 {F}=0 {M}=12 {_O}=0 {_U}=0');
SELECT t.is('filter on an age band of the report''s bands',
    t.show(ARRAY['sex'], '{"age": ["65+", "0-17"]}', p_bands => '0-17,18-64,65+'), '{_T}=13 {F}=2 {M}=3 {_O}=0 {_U}=8');
SELECT t.is('occupation filter at a coarser level selects its sub-groups',
    t.show(ARRAY['occupation'], '{"occupation": ["7"]}', p_level => 2), '{_T}=75 {71}=75');
SELECT t.check_report('reference: filters on two dimensions, one of them reported', 1, ARRAY['sex', 'age'],
                      '{"nationality": ["UZB", "TJK", "KAZ"], "direction": ["IN"]}');

-- Periods (event_date): range and unit.
SELECT t.is('period by year without a range: the years that occur',
    t.show(ARRAY[]::text[], p_unit => 'year'), '{_T}=163 {2022}=8 {2023}=90 {2024}=65');
SELECT t.is('period by quarter within 2024',
    t.show(ARRAY[]::text[], p_from => '2024-01-01', p_to => '2024-12-31', p_unit => 'quarter'),
    '{_T}=65 {2024-Q1}=28 {2024-Q2}=27 {2024-Q3}=8 {2024-Q4}=2');
SELECT t.is('period by month: every month of the range, empty months as 0',
    t.show(ARRAY[]::text[], p_from => '2024-01-01', p_to => '2024-12-31', p_unit => 'month'),
    '{_T}=65 {2024-01}=25 {2024-02}=3 {2024-03}=0 {2024-04}=15 {2024-05}=0 {2024-06}=12 {2024-07}=6 {2024-08}=0 '
    '{2024-09}=2 {2024-10}=0 {2024-11}=2 {2024-12}=0');
SELECT t.is('period range without a period dimension',
    t.show(ARRAY['sex'], p_from => '2023-01-01', p_to => '2023-06-30'), '{_T}=70 {F}=40 {M}=30 {_O}=0 {_U}=0');
SELECT t.is('period listed as a dimension without a unit = year, in its place',
    t.show(ARRAY['period', 'direction'], p_from => '2022-01-01', p_to => '2023-12-31'),
    '{_T,_T}=98 {_T,IN}=70 {_T,OUT}=28 {2022,_T}=8 {2022,IN}=0 {2022,OUT}=8 {2023,_T}=90 {2023,IN}=70 {2023,OUT}=20');
SELECT t.check_report('reference: sex x quarter, a range cutting a quarter', 1, ARRAY['sex'],
                      p_from => '2023-02-15', p_to => '2024-08-01', p_unit => 'quarter');

SELECT t.thresholds(5, 10);

-- Parameter errors (22023), with the offending parameter named.
CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE p_sql;
    RETURN 'no error';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
SELECT t.is('unknown dimension', pg_temp.err($$SELECT migstat.report(ARRAY['sex', 'colour'])$$),
            '22023: unknown report dimension "colour"');
SELECT t.is('dimension listed twice', pg_temp.err($$SELECT migstat.report(ARRAY['sex', 'sex'])$$),
            '22023: dimension "sex" is listed twice');
SELECT t.is('unknown filter code', pg_temp.err($$SELECT migstat.report(ARRAY['sex'], '{"nationality": ["XYZ"]}')$$),
            '22023: filter "nationality": unknown code "XYZ"');
SELECT t.is('filter not an array', pg_temp.err($$SELECT migstat.report(ARRAY['sex'], '{"sex": "F"}')$$),
            '22023: filter "sex" must be a non-empty array of codes');
SELECT t.is('age bands with a gap', pg_temp.err($$SELECT migstat.report(ARRAY['age'], p_age_bands => '0-5,7-10,11+')$$),
            '22023: age band 2 ("7-10") must start at 6: bands are contiguous from 0');
SELECT t.is('age bands not covering every age', pg_temp.err($$SELECT migstat.report(ARRAY['age'], p_age_bands => '0-17,18-64')$$),
            '22023: age bands must cover every age: end with an open band such as "65+"');
SELECT t.is('period_from after period_to',
            pg_temp.err($$SELECT migstat.report(ARRAY['sex'], p_period_from => '2024-02-01', p_period_to => '2024-01-01')$$),
            '22023: period_from is after period_to');
SELECT t.is('bad period unit', pg_temp.err($$SELECT migstat.report(ARRAY['sex'], p_period_unit => 'week')$$),
            '22023: period unit must be year, quarter or month');
SELECT t.is('bad count', pg_temp.err($$SELECT migstat.report(ARRAY['sex'], p_count => 'people')$$),
            '22023: count must be records or persons');
SELECT t.is('occupation filter finer than the report level',
            pg_temp.err($$SELECT migstat.report(ARRAY['occupation'], '{"occupation": ["71"]}')$$),
            '22023: occupation filter "71" is more detailed than the report level 1');
SELECT t.is('a table beyond the cell limit is refused',
            split_part(pg_temp.err($$SELECT migstat.report(ARRAY['nationality', 'country', 'occupation', 'age', 'region', 'reason', 'sex', 'ethnicity', 'worker_category'], p_occupation_level => 4)$$), ':', 1),
            '54000');
