-- Every report writes exactly one audit row "report.run" with its parameters, its read number
-- and no data; the exact engine (report_exact, internal) writes "report.exact".
\ir ../helpers/tap.sql
SELECT plan(5);
SELECT coalesce(max(seq), 0) AS before FROM migstat.audit_log \gset
SELECT count(*) FROM migstat.report(ARRAY['sex', 'age'], '{"nationality": ["UZB"]}', '2023-01-01', '2024-12-31', 'year',
                                    '0-17,18-64,65+', NULL, 'persons', 2, true) \gset ignored_
SELECT last_value AS read FROM migstat.read_seq \gset
SELECT is(
    (SELECT string_agg(action || ' ' || (details - 'ptable_sha256')::text, '; ') FROM migstat.audit_log WHERE seq > :before),
    'report.run {"dims": ["sex", "age", "period"], "read": ' || :read || ', "count": "persons", "method": "cell-key", "filters": {"nationality": ["UZB"]}, '
    '"age_bands": "0-17,18-64,65+", "period_to": "2024-12-31", "period_from": "2023-01-01", '
    '"period_unit": "year", "with_estimates": true, "occupation_level": 2}', 'one audit row per report, with the parameters and the read number');
SELECT is((SELECT details ->> 'ptable_sha256' FROM migstat.audit_log WHERE seq > :before),
          (SELECT value FROM migstat.setting WHERE key = 'ptable_sha256'), 'the audit row names the p-table it used (SHA-256)');
SELECT is((SELECT count(*) FROM migstat.audit_log WHERE seq > :before), 1::bigint, 'a report writes one audit row');
SELECT is((SELECT first_bad_seq FROM migstat.audit_verify()), NULL::bigint, 'the audit chain verifies');
SELECT is((SELECT string_agg(DISTINCT actor, ',') FROM migstat.audit_log WHERE action = 'report.run' AND actor = :'analyst'), :'analyst'::text, 'report.run rows are attributed to the caller');

SELECT * FROM finish();
