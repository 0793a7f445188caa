-- Flexible tables (migstat.report): cell-key perturbation, bounds, padding refusal and read
-- records (issue 9). As the superuser; every migstat.report call stands first in its own
-- statement (autocommit), since a report in a transaction that has written anything is refused.
\ir ../helpers/tap.sql
SELECT plan(37);

-- ---- perturbation ---------------------------------------------------------------------------------
SELECT t.tap_problems('perturbed: sex x age x nationality within 3 of the truth, no 1 or 2, 0 kept, all F/A',
                      t.perturb_problems(ARRAY['sex', 'age', 'nationality']));
SELECT ok(split_part(t.perturb_seen(), '/', 1)::integer > 0 AND split_part(t.perturb_seen(), '/', 2)::integer > 0,
          'perturbed: that table has true 1s and 2s, and cells that differ from the truth (' || t.perturb_seen() || ')');
SELECT t.tap_problems('perturbed: direction x reason x migration_status, persons',
                      t.perturb_problems(ARRAY['direction', 'reason', 'migration_status'], p_count => 'persons'));
SELECT t.tap_problems('perturbed: direction x age x sex, persons in several cells',
                      t.perturb_problems(ARRAY['direction', 'age', 'sex'], p_count => 'persons'));
SELECT t.tap_problems('perturbed: nationality x period by month, filtered on sex F',
                      t.perturb_problems(ARRAY['nationality'], '{"sex": ["F"]}', p_unit => 'month'));
SELECT t.tap_problems('perturbed: occupation level 2 x worker_category',
                      t.perturb_problems(ARRAY['occupation', 'worker_category'], p_level => 2));
SELECT t.tap_problems('perturbed: the grand total', t.perturb_problems(ARRAY[]::text[]));

-- The same records, the same published value, in two differently shaped tables.
SELECT string_agg(cell_dims::text || '=' || obs_value, ' ' ORDER BY cell_dims::text) AS two
  FROM migstat.report(ARRAY['sex', 'age']) \gset
SELECT string_agg(cell_dims[1:2]::text || '=' || obs_value, ' ' ORDER BY cell_dims[1:2]::text) AS three
  FROM migstat.report(ARRAY['sex', 'age', 'nationality']) WHERE cell_dims[3] = '_T' \gset
SELECT is(:'three'::text, :'two'::text, 'same records, same value: every cell of sex x age = the nationality margin of sex x age x nationality');
SELECT obs_value AS f_a FROM migstat.report(ARRAY['age'], '{"sex": ["F"]}') WHERE cell_dims = '{Y25-29}' \gset
SELECT is(:'f_a'::text, substring(:'two' FROM '\{F,Y25-29\}=(\d+)'), 'same records, same value: (F, Y25-29) of sex x age = Y25-29 of age filtered on sex F');
SELECT obs_value AS p_two FROM migstat.report(ARRAY['sex'], p_count => 'persons') WHERE cell_dims = '{F}' \gset
SELECT obs_value AS p_three FROM migstat.report(ARRAY['direction', 'sex'], p_count => 'persons') WHERE cell_dims = '{_T,F}' \gset
SELECT is(:'p_three'::text, :'p_two'::text, 'same persons, same value: F of sex = (_T, F) of direction x sex (persons)');

-- ---- refusals -----------------------------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'], p_threshold => 10)$$, '22023',
                 'flexible tables are perturbed; thresholds apply to declared tables', 'refused: a threshold on a flexible table');
-- The share rule, for an office that allows filters on several codes (flexible_filter_codes > 1).
UPDATE migstat.setting SET value = '1000' WHERE key = 'flexible_filter_codes';
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['age'], '{"sex": ["F", "M", "_U"]}')$$,
                   'filter "sex" selects 3 of 5 codes%', 'refused: a filter listing more than half of a code list (_Z counts)');
SELECT throws_ok(format('SELECT * FROM migstat.report(ARRAY[%L], %L)', 'sex',
                        jsonb_build_object('nationality', (SELECT jsonb_agg(code) FROM migstat.code WHERE dimension = 'country' AND active AND code <> 'KAZ'))),
                 '22023', NULL, 'refused: the complement filter "every nationality but KAZ"');
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'], '{"occupation": ["1", "2", "3", "4", "5", "7"]}')$$, '22023', NULL,
                 'refused: occupation major groups covering more than half of the level-4 groups');
SELECT lives_ok($$SELECT * FROM migstat.report(ARRAY['age'], '{"sex": ["F", "M"]}')$$, 'allowed then: two of the five sex codes');
UPDATE migstat.setting SET value = '1' WHERE key = 'flexible_filter_codes';
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['age'], '{"sex": ["F", "M"]}')$$,
                   'filter "sex" lists 2 codes: a flexible table filters on at most 1 code(s) per dimension',
                   'refused: a filter on two codes (a union of codes is a record set of its own: averaging over {A, x} - {x})');
SELECT lives_ok($$SELECT * FROM migstat.report(ARRAY['age'], '{"sex": ["F"]}')$$, 'allowed: a filter fixing one code');
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['age'], p_age_bands => '0-14,15,16-17,18+')$$,
                   'age band "15" spans 1 year(s)%', 'refused: a one-year age band');
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['age'], p_age_bands => '0-6,7+')$$,
                   'age band "7+" starts at 7: in a flexible table a band starts at a multiple of 5 or at 15, 18',
                   'refused: a band starting off the grid (the zero-difference oracle of 0-6,7+ against 0-7,8+)');
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'], '{"age": ["18-64"]}', p_age_bands => '0-17,18-64,65-66,67+')$$, '22023', NULL,
                 'refused: a two-year band that is not the last');
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['age'], p_age_bands => '0-4,5-17,18-64,65+')$$,
                   'age bands "0-4,5-17,18-64,65+" are not one of the band sets of flexible tables',
                   'refused: bands on the grid but not in the catalogue (setting flexible_age_bands)');
SELECT lives_ok($$SELECT * FROM migstat.report(ARRAY['age'], p_age_bands => '0-17, 18-64, 65+')$$, 'allowed: a catalogued band set');
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['sex'], p_period_from => '2024-01-02')$$,
                   'period_from 2024-01-02 is not the first day of a year%', 'refused: a period starting mid-year');
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['sex'], p_period_from => '2024-01-01', p_period_to => '2024-06-30')$$,
                   'period_to 2024-06-30 is not the last day of a year%', 'refused: half a year (Jan..k - Feb..k would average a month''s noise away)');
SELECT lives_ok($$SELECT * FROM migstat.report(ARRAY['sex'], p_period_from => '2024-01-01', p_period_to => '2024-12-31', p_period_unit => 'month')$$,
                'allowed: a whole year, by month');
SELECT throws_ok($$SELECT * FROM migstat.coverage('2024-01-01', '2024-01-15')$$, '22023', NULL, 'refused: coverage over half a month');
-- The minimum population is decided on the perturbed total: find a filter whose perturbed total
-- differs from its true one and set flexible_min_total just above / at the perturbed value.
SELECT c.code AS nat, migstat.report_perturb(count(*), sum(r.record_key)) AS pub, count(*) AS truth
  FROM migstat.records r JOIN migstat.code c ON c.dimension = 'country' AND c.id = r.nationality
 GROUP BY c.code ORDER BY migstat.report_perturb(count(*), sum(r.record_key)) = count(*), count(*) DESC LIMIT 1 \gset
UPDATE migstat.setting SET value = (:pub + 1)::text WHERE key = 'flexible_min_total';
SELECT throws_like(format('SELECT * FROM migstat.report(ARRAY[%L], %L)', 'sex', jsonb_build_object('nationality', ARRAY[:'nat'])),
                   'the table''s total is below %', format('refused: a table whose perturbed total (%s, true %s) is below flexible_min_total', :pub, :truth));
UPDATE migstat.setting SET value = :pub::text WHERE key = 'flexible_min_total';
SELECT lives_ok(format('SELECT * FROM migstat.report(ARRAY[%L], %L)', 'sex', jsonb_build_object('nationality', ARRAY[:'nat'])),
                format('allowed: the same table at flexible_min_total = its perturbed total %s (true %s)', :pub, :truth));
UPDATE migstat.setting SET value = '20' WHERE key = 'flexible_min_total';
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['sex'], '{"nationality": ["AFG"]}')$$, 'the table''s total is below 20%',
                   'refused: two AFG records are below flexible_min_total');

-- ---- padding: a loader + analyst login imports made-up records, then reads -----------------------
SELECT migstat.access_grant(:'loader', 'analyst') \g /dev/null
SET SESSION AUTHORIZATION :loader;
BEGIN;
SELECT batch_id AS pad FROM migstat.begin_batch('border', 'flows', 'pad.csv', repeat('9', 64)) \gset
SELECT format('INSERT INTO migstat_data.batch_%s (line_no, record_id, event_date, direction, sex, nationality, migration_status) '
              'SELECT i, %L || i, %L, %s, %s, %s, %s FROM generate_series(1, 9) i', :pad, 'pad-', '2024-05-05',
              t.id('direction', 'IN'), t.id('sex', 'M'), t.id('nationality', 'KAZ'), t.id('migration_status', 'IRR')) AS ins \gset
:ins;
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'])$$, '25000', NULL,
                 'padding: a report in a transaction that imported records is refused');
SELECT throws_like($$SELECT * FROM migstat.coverage()$$, 'run reports in a transaction that has not written data%',
                   'padding: so is coverage');
ROLLBACK;
RESET SESSION AUTHORIZATION;
SELECT migstat.access_revoke(:'loader', 'analyst') \g /dev/null

-- ---- reads leave a record a rollback cannot remove ----------------------------------------------
SELECT last_value AS before_rb FROM migstat.read_seq \gset
BEGIN;
SELECT count(*) FROM migstat.report(ARRAY['sex']) \g /dev/null
ROLLBACK;
SELECT ok(EXISTS (SELECT 1 FROM migstat.read_gaps() WHERE read_no = :before_rb + 1),
          'reads: a report rolled back in BEGIN ... ROLLBACK leaves its read number in read_gaps()');
-- (psql itself: a cancel is not an error PL/pgSQL's throws_ok can catch)
\set ON_ERROR_STOP 0
SET statement_timeout = '2ms';
SELECT count(*) FROM migstat.report(ARRAY['sex', 'age', 'nationality', 'reason', 'occupation'], p_count => 'persons');
RESET statement_timeout;
\set ON_ERROR_STOP 1
SELECT is(:'LAST_ERROR_SQLSTATE'::text, '57014'::text, 'reads: a report cancelled by statement_timeout');
SELECT ok(EXISTS (SELECT 1 FROM migstat.read_gaps() WHERE read_no = :before_rb + 2),
          'reads: the cancelled report leaves its read number in read_gaps()');
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['colour'])$$, '22023', NULL, 'reads: a refused report (unknown dimension)');
SELECT ok(EXISTS (SELECT 1 FROM migstat.read_gaps() WHERE read_no = :before_rb + 3),
          'reads: the refused report leaves its read number in read_gaps()');
SELECT count(*) FROM migstat.report(ARRAY['direction']) \g /dev/null
SELECT is((SELECT details ->> 'read' FROM migstat.audit_log WHERE action = 'report.run' ORDER BY seq DESC LIMIT 1),
          (:before_rb + 4)::text, 'reads: a committed report''s audit row carries its read number, and it is no gap');

SELECT * FROM finish();
