-- Estimates in reports (imported by 40_estimates_as_loader.sql): matching, flags, never added.
\ir ../helpers/tap.sql
SELECT plan(13);

SELECT is((SELECT count(*) FROM migstat.estimate), 4::bigint, 'only the valid import was stored (a failed import stores nothing)');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(
        t.show(ARRAY['sex', 'migration_status'], p_estimates => true), ' ')) x
      WHERE x LIKE '%E:%' OR x LIKE '{_T,IRR}%' OR x LIKE '{F,IRR}%'), '{_T,IRR}=A {F,IRR}=0 {F,IRR}=E:500 {_T,IRR}=E:1200 {_T,_T}=E:5000', 'estimate rows follow the counted cells, flagged E; the counted cell _T,IRR stays 3 (suppressed at K=10)');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(t.show(ARRAY['sex', 'migration_status'], p_estimates => true), ' ')) x
      WHERE x NOT LIKE '%E:%'), t.show(ARRAY['sex', 'migration_status']), 'the counted cells are the same with and without estimates');
SELECT is(
    (SELECT string_agg(concat_ws('/', r.cell_dims::text, r.obs_value, r.obs_status, r.conf_status, r.lower_bound, r.upper_bound, r.is_estimate), ' ')
       FROM migstat.report(ARRAY['sex', 'migration_status'], p_with_estimates => true) r WHERE r.is_estimate), '{F,IRR}/500/E/F/300/800/t {_T,IRR}/1200/E/F/800/1900/t {_T,_T}/5000/E/F/t', 'estimate flags and bounds');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(
        t.show(ARRAY['sex', 'migration_status'], p_from => '2024-01-01', p_to => '2024-12-31', p_estimates => true), ' ')) x
      WHERE x LIKE '%E:%'), '{F,IRR}=E:500 {_T,IRR}=E:1200', 'period range: the 2023 estimate is left out');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(
        t.show(ARRAY['migration_status'], '{"sex": ["F"]}', p_estimates => true), ' ')) x WHERE x LIKE '%E:%'), '{IRR}=E:500', 'a filter keeps only the estimates within it (a dimension filtered to one code counts as the report''s)');
SELECT is(
    (SELECT count(*) FROM migstat.report_exact(ARRAY['migration_status'], '{"sex": ["F", "M"]}', p_with_estimates => true) r
      WHERE r.is_estimate), 0::bigint, 'a filter on several codes: an estimate for one of them is left out');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(t.show(ARRAY['migration_status'], p_estimates => true), ' ')) x
      WHERE x LIKE '%E:%'), '{IRR}=E:1200 {_T}=E:5000', 'an estimate over a dimension the report does not have is left out');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(
        t.show(ARRAY['migration_status'], p_unit => 'year', p_estimates => true), ' ')) x WHERE x LIKE '%E:%'), '{IRR,2024}=E:1200 {_T,2023}=E:5000', 'with a period dimension: estimates covering exactly one period');
SELECT is(
    (SELECT count(*) FROM migstat.report(ARRAY['migration_status'], p_period_unit => 'quarter', p_with_estimates => true) r
      WHERE r.is_estimate), 0::bigint, 'a yearly estimate does not match quarters');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(
        t.show(ARRAY['nationality', 'migration_status'], p_estimates => true), ' ')) x WHERE x LIKE '%E:%'), '{UZB,IRR}=E:700 {_T,IRR}=E:1200 {_T,_T}=E:5000', 'nationality x migration_status');
SELECT is(
    (SELECT string_agg(x, ' ') FROM unnest(string_to_array(t.show(ARRAY['source'], p_estimates => true), ' ')) x
      WHERE x LIKE '%E:%'), '{study-irr}=E:5000', 'source dimension: an estimate''s source is its coordinate');
SELECT is((SELECT string_agg(details::text, ' ') FROM migstat.audit_log WHERE action = 'estimates.import'), '{"file": "estimates.csv", "rows": 4, "sha256": "' || repeat('a', 64) || '", "source": "study-irr", "purpose": "flows", "estimates": 1}', 'estimates.import audited once, with counts, the file and its SHA-256 only');

SELECT * FROM finish();
