-- As a login granted only migstat_auditor: no reports (they are for analysts, stewards and
-- administrators).
\ir ../helpers/tap.sql
SELECT plan(2);
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'])$$, '42501', NULL, 'an auditor cannot run reports');
SELECT throws_ok('SELECT * FROM migstat.coverage()', '42501', NULL, 'an auditor cannot run coverage');
SELECT * FROM finish();
