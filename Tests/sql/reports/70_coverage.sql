-- Coverage of the nine dimensions of paragraph 20(a), per source and year, with suppression.
\ir ../helpers/tap.sql
SELECT plan(7);
CREATE TEMP TABLE cov AS
    SELECT concat_ws('|', source, period, dimension, coalesce(records::text, '-'), coalesce(stated::text, '-'),
                     coalesce(share::text, '-')) AS line, source, period
      FROM migstat.coverage();

SELECT is(
    (SELECT string_agg(line, ' ') FROM cov WHERE source = 'border' AND period = '2024'), 'border|2024|sex|42|42|1.0000 border|2024|age|42|30|0.7143 border|2024|nationality|42|42|1.0000 '
    'border|2024|reason|42|30|0.7143 border|2024|occupation|42|25|0.5952 border|2024|worker_category|42|30|0.7143 '
    'border|2024|ethnicity|42|28|0.6667 border|2024|migration_status|42|42|1.0000 border|2024|disability|42|-|-', 'coverage: border 2024 (disability stated 5 < 10: suppressed; UNK is not stated)');
SELECT is(
    (SELECT string_agg(line, ' ') FROM cov WHERE source = 'border' AND period = '2022'), 'border|2022|sex|8|0|0.0000 border|2022|age|8|8|1.0000 border|2022|nationality|8|8|1.0000 '
    'border|2022|reason|8|8|1.0000 border|2022|occupation|8|0|0.0000 border|2022|worker_category|8|8|1.0000 '
    'border|2022|ethnicity|8|-|- border|2022|migration_status|8|-|- border|2022|disability|8|-|-', 'coverage: border 2022 (sex _U is not stated; 8 < 10 for the special categories)');
SELECT is(
    (SELECT string_agg(DISTINCT split_part(line, '|', 4) || split_part(line, '|', 5) || split_part(line, '|', 6), ',')
       FROM cov WHERE source = 'consulate'), '---', 'coverage: a source-year below K is suppressed entirely');
SELECT is((SELECT string_agg(DISTINCT source || ' ' || period, ', ') FROM cov), 'border 2022, border 2023, border 2024, consulate 2024, labour 2024, survey-2024 2024', 'coverage: sources and years with records only');
SELECT is(
    (SELECT string_agg(concat_ws('|', source, period, dimension, records, stated), ' ')
       FROM migstat.coverage('2024-01-01', '2024-12-31', 'survey-2024')), 'survey-2024|2024|sex|6|6 survey-2024|2024|age|6|6 survey-2024|2024|nationality|6|6 survey-2024|2024|reason|6|6 '
    'survey-2024|2024|occupation|6|0 survey-2024|2024|worker_category|6|0 survey-2024|2024|ethnicity|6 '
    'survey-2024|2024|migration_status|6 survey-2024|2024|disability|6|0', 'coverage: filtered by source and period');
SELECT is(
    (SELECT string_agg(concat_ws('|', dimension, records, stated), ' ')
       FROM migstat.coverage('2023-01-01', '2023-06-30', 'border') WHERE dimension IN ('sex', 'occupation')), 'sex|70|70 occupation|70|70', 'coverage: a partial year counts only the records in range');
SELECT throws_ok($$SELECT * FROM migstat.coverage(p_source => 'nowhere')$$,
    'MS404', 'unknown source "nowhere"', 'coverage: an unknown source is an error');

SELECT * FROM finish();
