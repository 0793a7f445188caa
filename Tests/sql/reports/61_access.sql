-- Grants: who may run what; nothing for PUBLIC; nothing analysts can run returns pseudonyms.
SET client_min_messages = warning;

SELECT t.is('report: executable by analyst, steward, admin only',
    (SELECT string_agg(r, ',' ORDER BY r) FROM unnest(ARRAY['migstat_analyst', 'migstat_steward', 'migstat_admin',
            'migstat_loader', 'migstat_auditor', 'migstat_owner']) r
      WHERE has_function_privilege(r, 'migstat.report(text[], jsonb, date, date, text, text, integer, text, integer, boolean)', 'EXECUTE')
        AND r <> 'migstat_owner'),
    'migstat_admin,migstat_analyst,migstat_steward');
SELECT t.is('coverage: executable by analyst, steward, admin only',
    (SELECT string_agg(r, ',' ORDER BY r) FROM unnest(ARRAY['migstat_analyst', 'migstat_steward', 'migstat_admin',
            'migstat_loader', 'migstat_auditor']) r
      WHERE has_function_privilege(r, 'migstat.coverage(date, date, text)', 'EXECUTE')),
    'migstat_admin,migstat_analyst,migstat_steward');
SELECT t.is('estimates_import: executable by loaders only',
    (SELECT string_agg(r, ',' ORDER BY r) FROM unnest(ARRAY['migstat_analyst', 'migstat_steward', 'migstat_admin',
            'migstat_loader', 'migstat_auditor']) r
      WHERE has_function_privilege(r, 'migstat.estimates_import(text, text, jsonb)', 'EXECUTE')),
    'migstat_loader');
SELECT t.is('nothing of 0006 is executable or readable by PUBLIC',
    (SELECT count(*) FROM pg_proc p
      WHERE p.pronamespace = 'migstat'::regnamespace
        AND (p.proname LIKE 'report%' OR p.proname IN ('coverage', 'estimates_import', 'require_report_reader'))
        AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0)))
    + (SELECT count(*) FROM pg_class c WHERE c.oid = 'migstat.estimate'::regclass
        AND (c.relacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee = 0))), 0::bigint);
SELECT t.is('every 0006 function is SECURITY DEFINER or internal, owned by migstat_owner, search_path pinned',
    (SELECT count(*) FROM pg_proc p
      WHERE p.pronamespace = 'migstat'::regnamespace
        AND (p.proname LIKE 'report%' OR p.proname IN ('coverage', 'estimates_import', 'require_report_reader'))
        AND (p.proowner <> 'migstat_owner'::regrole
             OR NOT ('search_path=pg_catalog, migstat, pg_temp' = ANY (p.proconfig) OR 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig))
             OR (p.proname IN ('report', 'coverage', 'estimates_import') AND NOT p.prosecdef))), 0::bigint);
SELECT t.is('no function analysts can run takes or returns bytea (pseudonyms)',
    (SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p
      WHERE p.pronamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
        AND has_function_privilege('migstat_analyst', p.oid, 'EXECUTE')
        AND (p.prorettype = 'bytea'::regtype OR 'bytea'::regtype = ANY (coalesce(p.proallargtypes, p.proargtypes::oid[])))),
    NULL::text);
SELECT t.is('no table or view analysts can read has record ids or pseudonyms',
    (SELECT string_agg(c.oid::regclass::text || '.' || a.attname, ', ') FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relnamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
        AND has_table_privilege('migstat_analyst', c.oid, 'SELECT')
        AND a.attname IN ('person_pseudonym', 'record_id', 'person_id') AND NOT a.attisdropped),
    NULL::text);

\set ON_ERROR_STOP 0
SET ROLE :"auditor";
SELECT * FROM migstat.report(ARRAY['sex']);
\set st :SQLSTATE
RESET ROLE;
SELECT t.is('an auditor cannot run reports', :'st'::text, '42501');
SET ROLE :"loader";
SELECT * FROM migstat.coverage();
\set st :SQLSTATE
RESET ROLE;
SELECT t.is('a loader cannot run coverage', :'st'::text, '42501');
\set ON_ERROR_STOP 1
SELECT t.is('no work table left behind in migstat_data',
    (SELECT count(*) FROM pg_class WHERE relnamespace = 'migstat_data'::regnamespace AND relname LIKE 'report\_work\_%'), 0::bigint);
