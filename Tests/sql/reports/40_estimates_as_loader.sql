-- Estimates import, as a login holding migstat_loader and the load compartment of "flows".
\ir ../helpers/tap.sql
SELECT plan(18);

SELECT is(
    migstat.estimates_import('study-irr', 'flows', $$[
  {"period_from": "2024-01-01", "period_to": "2024-12-31", "dims": {"migration_status": "IRR"},
   "value": 1200, "lower_bound": 800, "upper_bound": 1900, "method": "capture-recapture", "source_reference": "Study X 2025"},
  {"period_from": "2024-01-01", "period_to": "2024-12-31", "dims": {"migration_status": "irr", "sex": "F"},
   "value": 500.4, "lower_bound": 300, "upper_bound": 800, "method": "capture-recapture"},
  {"period_from": "2024-01-01", "period_to": "2024-12-31", "dims": {"migration_status": "IRR", "nationality": "UZB"},
   "value": 700, "lower_bound": 400, "upper_bound": 1000, "method": "capture-recapture"},
  {"period_from": "2023-01-01", "period_to": "2023-12-31", "dims": {}, "value": 5000, "method": "registry comparison"}
]$$::jsonb, 'estimates.csv', repeat('a', 64)), 4, 'import 4 valid estimates');

-- A bad row: the error names the row (1 = first) and the field, never the value.
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m"},
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "lower_bound": 777, "method": "m"}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 2: field lower_bound: greater than value', 'bounds out of order: row and field named');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "upper_bound": 9.5, "method": "m"}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: field upper_bound: less than value', 'upper bound below the value');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m"},
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m"},
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m", "dims": {"sex": "SECRETCODE"}}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 3: field dims.sex: not a code of the list', 'unknown code');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m", "dims": {"colour": "RED"}}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: field dims: unknown dimension "colour"', 'unknown dimension');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-13-45", "period_to": "2024-12-31", "value": 10, "method": "m"}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: field period_from: not a valid date', 'invalid date');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-06-01", "period_to": "2024-05-31", "value": 10, "method": "m"}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: field period_to: before period_from', 'period_to before period_from');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": -3, "method": "m"}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: field value: must be a finite number >= 0', 'negative value');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": "many", "method": "m"}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: field value: not a number', 'value not a number');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 3}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: field method: a description of the method is required', 'method missing');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 3, "method": "m", "comment": "x"}]', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates row 1: unknown field "comment"', 'unknown field');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '{"value": 3}', 'bad.csv', repeat('b', 64))$$,
    '22023', 'estimates must be a JSON array of objects', 'not an array');
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'survey', '[]', 'bad.csv', repeat('b', 64))$$,
    '42501', NULL, 'a purpose without the load compartment is refused');
-- The same file content again (by SHA-256, whatever its name) is refused, naming the earlier import.
SELECT throws_ok($$SELECT migstat.estimates_import('study-irr', 'flows', '[]', 'renamed.csv', repeat('a', 64))$$,
    'MS409', NULL, 'the same file (SHA-256) is refused a second time');
SELECT throws_ok($$SELECT * FROM migstat.report(ARRAY['sex'])$$,
    '42501', NULL, 'a loader cannot run reports');
SELECT throws_ok($$SELECT * FROM migstat.report_cells(ARRAY['sex'])$$,
    '42501', NULL, 'a loader cannot run report_cells either');
SELECT throws_ok($$SELECT * FROM migstat.estimate$$,
    '42501', NULL, 'a loader cannot read the estimates');
SELECT throws_ok('SELECT * FROM migstat.coverage()', '42501', NULL, 'a loader cannot run coverage');

SELECT * FROM finish();
