-- Grants: who may run what; nothing for PUBLIC; nothing analysts can run returns pseudonyms.
\ir ../helpers/tap.sql
SELECT plan(8);

SELECT is(
    (SELECT string_agg(r, ',' ORDER BY r) FROM unnest(ARRAY['migstat_analyst', 'migstat_steward', 'migstat_admin',
            'migstat_loader', 'migstat_auditor', 'migstat_owner']) r
      WHERE has_function_privilege(r, 'migstat.report(text[], jsonb, date, date, text, text, integer, text, integer, boolean)', 'EXECUTE')
        AND r <> 'migstat_owner'), 'migstat_admin,migstat_analyst,migstat_steward', 'report: executable by analyst, steward, admin only');
SELECT is(
    (SELECT string_agg(r, ',' ORDER BY r) FROM unnest(ARRAY['migstat_analyst', 'migstat_steward', 'migstat_admin',
            'migstat_loader', 'migstat_auditor']) r
      WHERE has_function_privilege(r, 'migstat.coverage(date, date, text)', 'EXECUTE')), 'migstat_admin,migstat_analyst,migstat_steward', 'coverage: executable by analyst, steward, admin only');
SELECT is(
    (SELECT string_agg(r, ',' ORDER BY r) FROM unnest(ARRAY['migstat_analyst', 'migstat_steward', 'migstat_admin',
            'migstat_loader', 'migstat_auditor']) r
      WHERE has_function_privilege(r, 'migstat.estimates_import(text, text, jsonb, text, text)', 'EXECUTE')), 'migstat_loader', 'estimates_import: executable by loaders only');
SELECT is(
    (SELECT count(*) FROM pg_proc p
      WHERE p.pronamespace = 'migstat'::regnamespace
        AND (p.proname LIKE 'report%' OR p.proname IN ('coverage', 'estimates_import', 'require_report_reader'))
        AND EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0))
    + (SELECT count(*) FROM pg_class c WHERE c.oid = 'migstat.estimate'::regclass
        AND EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a WHERE a.grantee = 0)), 0::bigint, 'nothing of 0006 is executable or readable by PUBLIC');
SELECT is(
    (SELECT count(*) FROM pg_proc p
      WHERE p.pronamespace = 'migstat'::regnamespace
        AND (p.proname LIKE 'report%' OR p.proname IN ('coverage', 'estimates_import', 'require_report_reader'))
        AND (p.proowner <> 'migstat_owner'::regrole
             OR NOT ('search_path=pg_catalog, migstat, pg_temp' = ANY (p.proconfig) OR 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig))
             OR (p.proname IN ('report', 'coverage', 'estimates_import') AND NOT p.prosecdef))), 0::bigint, 'every 0006 function is SECURITY DEFINER or internal, owned by migstat_owner, search_path pinned');
SELECT is(
    (SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p
      WHERE p.pronamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
        AND has_function_privilege('migstat_analyst', p.oid, 'EXECUTE')
        AND (p.prorettype = 'bytea'::regtype OR 'bytea'::regtype = ANY (coalesce(p.proallargtypes, p.proargtypes::oid[])))), NULL::text, 'no function analysts can run takes or returns bytea (pseudonyms)');
SELECT is(
    (SELECT string_agg(c.oid::regclass::text || '.' || a.attname, ', ') FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relnamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
        AND has_table_privilege('migstat_analyst', c.oid, 'SELECT')
        AND a.attname IN ('person_pseudonym', 'record_id', 'person_id') AND NOT a.attisdropped), NULL::text, 'no table or view analysts can read has record ids or pseudonyms');

-- The refusals for an auditor and a loader login are in 62_access_as_auditor.sql and
-- 40_estimates_as_loader.sql (run connected as those logins).
SELECT is((SELECT count(*) FROM pg_class WHERE relnamespace = 'migstat_data'::regnamespace AND relname LIKE 'report\_work\_%'), 0::bigint, 'no work table left behind in migstat_data');

SELECT * FROM finish();
