-- Estimates import, as a login holding migstat_loader and the load compartment of "flows".
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE p_sql;
    RETURN 'no error';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

SELECT t.is('import 4 valid estimates', migstat.estimates_import('study-irr', 'flows', $$[
  {"period_from": "2024-01-01", "period_to": "2024-12-31", "dims": {"migration_status": "IRR"},
   "value": 1200, "lower_bound": 800, "upper_bound": 1900, "method": "capture-recapture", "source_reference": "Study X 2025"},
  {"period_from": "2024-01-01", "period_to": "2024-12-31", "dims": {"migration_status": "irr", "sex": "F"},
   "value": 500.4, "lower_bound": 300, "upper_bound": 800, "method": "capture-recapture"},
  {"period_from": "2024-01-01", "period_to": "2024-12-31", "dims": {"migration_status": "IRR", "nationality": "UZB"},
   "value": 700, "lower_bound": 400, "upper_bound": 1000, "method": "capture-recapture"},
  {"period_from": "2023-01-01", "period_to": "2023-12-31", "dims": {}, "value": 5000, "method": "registry comparison"}
]$$::jsonb), 4);

-- A bad row: the error names the row (1 = first) and the field, never the value.
SELECT t.is('bounds out of order: row and field named',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m"},
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "lower_bound": 777, "method": "m"}]')$$),
    '22023: estimates row 2: field lower_bound: greater than value');
SELECT t.is('upper bound below the value',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "upper_bound": 9.5, "method": "m"}]')$$),
    '22023: estimates row 1: field upper_bound: less than value');
SELECT t.is('unknown code',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m"},
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m"},
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m", "dims": {"sex": "SECRETCODE"}}]')$$),
    '22023: estimates row 3: field dims.sex: not a code of the list');
SELECT t.is('unknown dimension',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 10, "method": "m", "dims": {"colour": "RED"}}]')$$),
    '22023: estimates row 1: field dims: unknown dimension "colour"');
SELECT t.is('invalid date',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-13-45", "period_to": "2024-12-31", "value": 10, "method": "m"}]')$$),
    '22023: estimates row 1: field period_from: not a valid date');
SELECT t.is('period_to before period_from',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-06-01", "period_to": "2024-05-31", "value": 10, "method": "m"}]')$$),
    '22023: estimates row 1: field period_to: before period_from');
SELECT t.is('negative value',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": -3, "method": "m"}]')$$),
    '22023: estimates row 1: field value: must be a finite number >= 0');
SELECT t.is('value not a number',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": "many", "method": "m"}]')$$),
    '22023: estimates row 1: field value: not a number');
SELECT t.is('method missing',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 3}]')$$),
    '22023: estimates row 1: field method: a description of the method is required');
SELECT t.is('unknown field',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '[
        {"period_from": "2024-01-01", "period_to": "2024-12-31", "value": 3, "method": "m", "comment": "x"}]')$$),
    '22023: estimates row 1: unknown field "comment"');
SELECT t.is('not an array',
    pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'flows', '{"value": 3}')$$),
    '22023: estimates must be a JSON array of objects');
SELECT t.is('a purpose without the load compartment is refused',
    split_part(pg_temp.err($$SELECT migstat.estimates_import('study-irr', 'survey', '[]')$$), ':', 1), '42501');
SELECT t.is('a loader cannot run reports',
    split_part(pg_temp.err($$SELECT * FROM migstat.report(ARRAY['sex'])$$), ':', 1), '42501');
SELECT t.is('a loader cannot read the estimates',
    split_part(pg_temp.err($$SELECT * FROM migstat.estimate$$), ':', 1), '42501');
