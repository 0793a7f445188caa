-- Every report writes exactly one audit row "report.run" with its parameters and no data.
\ir ../helpers/tap.sql
SELECT plan(4);
CREATE TEMP TABLE before AS SELECT coalesce(max(seq), 0) AS seq FROM migstat.audit_log;
SELECT count(*) FROM migstat.report(ARRAY['sex', 'age'], '{"nationality": ["UZB"]}', '2023-01-01', '2024-12-31', 'year',
                                    '0-17,18+', 7, 'persons', 2, true) \gset ignored_
SELECT is(
    (SELECT string_agg(action || ' ' || details::text, '; ') FROM migstat.audit_log WHERE seq > (SELECT seq FROM before)), 'report.run {"dims": ["sex", "age", "period"], "count": "persons", "filters": {"nationality": ["UZB"]}, '
    '"age_bands": "0-17,18+", "period_to": "2024-12-31", "threshold": 7, "period_from": "2023-01-01", '
    '"period_unit": "year", "with_estimates": true, "occupation_level": 2, "threshold_requested": 7}', 'one audit row per report, with the parameters');
SELECT is((SELECT count(*) FROM migstat.audit_log WHERE seq > (SELECT seq FROM before)), 1::bigint, 'a failed report leaves no audit row (same transaction)');
SELECT is((SELECT first_bad_seq FROM migstat.audit_verify()), NULL::bigint, 'the audit chain verifies');
SELECT is((SELECT string_agg(DISTINCT actor, ',') FROM migstat.audit_log WHERE action = 'report.run' AND actor = :'analyst'), :'analyst'::text, 'report.run rows are attributed to the caller');

SELECT * FROM finish();
