-- As a superuser: properties of the catalog that the access model rests on. Each query is one pgTAP
-- check (ok() on its pass column, its info column as the diagnostic when it fails). Needs :prefix (this run's login names start with it).
\ir ../helpers/tap.sql
SELECT plan(21);

-- Every role that reaches a migstat role (group or compartment) through pg_auth_members, directly
-- or not. (pg_has_role would count every superuser: they are implicitly members of every role.)
CREATE TEMP VIEW migstat_members AS
    WITH RECURSIVE closure(member, roleid) AS (
        SELECT m.member, m.roleid FROM pg_auth_members m
        UNION
        SELECT c.member, m.roleid FROM closure c JOIN pg_auth_members m ON m.member = c.roleid
    )
    SELECT DISTINCT u.oid, u.rolname, u.rolcanlogin, u.rolsuper, u.rolbypassrls, u.rolcreaterole
      FROM closure c JOIN pg_roles u ON u.oid = c.member JOIN pg_roles g ON g.oid = c.roleid
     WHERE g.rolname LIKE 'migstat\_%' AND u.rolname NOT LIKE 'migstat\_%';

SELECT ok(x.pass, 'catalog: no login role that is a member of a migstat role is superuser or BYPASSRLS') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(rolname, ', '), 'none') AS info
  FROM migstat_members WHERE rolcanlogin AND (rolsuper OR rolbypassrls)
) x;
SELECT ok(x.pass, 'catalog: the migstat group, compartment and owner roles are NOLOGIN, not superuser, not BYPASSRLS') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(rolname, ', '), 'none') AS info
  FROM pg_roles WHERE rolname LIKE 'migstat\_%' AND (rolcanlogin OR rolsuper OR rolbypassrls)
) x;
SELECT ok(x.pass, 'catalog: no role is a member of migstat_owner (its policy and ownership reach no one else)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(m.member::regrole::text, ', '), 'none') AS info
  FROM pg_auth_members m WHERE m.roleid = 'migstat_owner'::regrole
) x;
SELECT ok(x.pass, 'catalog: no role holds ADMIN OPTION on a migstat role (only migstat functions grant them)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(m.member::regrole || ' on ' || m.roleid::regrole, ', '), 'none') AS info
  FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
 WHERE g.rolname LIKE 'migstat\_%' AND m.admin_option
) x;
SELECT ok(x.pass, 'catalog: no non-superuser login has CREATEROLE (in PostgreSQL 15 it could grant itself any migstat role)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(rolname, ', '), 'none') AS info
  FROM pg_roles WHERE rolcanlogin AND rolcreaterole AND NOT rolsuper
) x;
SELECT ok(x.pass, 'catalog: no non-superuser login is a member of pg_read_all_data / pg_write_all_data') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(rolname, ', '), 'none') AS info
  FROM pg_roles u WHERE u.rolcanlogin AND NOT u.rolsuper
   AND (pg_has_role(u.oid, 'pg_read_all_data', 'MEMBER') OR pg_has_role(u.oid, 'pg_write_all_data', 'MEMBER'))
) x;

SELECT ok(x.pass, 'catalog: every object in schemas migstat and migstat_data (and the schemas) is owned by migstat_owner, none by a login role') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(kind || ' ' || name || ' (' || owner || ')', ', '), 'none') AS info
  FROM (SELECT 'schema' AS kind, n.nspname::text AS name, n.nspowner::regrole::text AS owner FROM pg_namespace n
         WHERE n.nspname IN ('migstat', 'migstat_data') AND n.nspowner <> 'migstat_owner'::regrole
        UNION ALL
        SELECT 'relation', c.oid::regclass::text, c.relowner::regrole::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('migstat', 'migstat_data') AND c.relowner <> 'migstat_owner'::regrole
        UNION ALL
        SELECT 'function', p.oid::regprocedure::text, p.proowner::regrole::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname IN ('migstat', 'migstat_data') AND p.proowner <> 'migstat_owner'::regrole
        UNION ALL
        SELECT 'type', t.oid::regtype::text, t.typowner::regrole::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname IN ('migstat', 'migstat_data') AND t.typowner <> 'migstat_owner'::regrole) x
) x;

-- Record-level storage.
SELECT ok(x.pass, 'catalog: every partition of migstat.records (at any depth) lives in schema migstat_data') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(relid::text, ', '), 'none') AS info
  FROM pg_partition_tree('migstat.records') t JOIN pg_class c ON c.oid = t.relid
 WHERE t.level > 0 AND c.relnamespace <> 'migstat_data'::regnamespace
) x;
SELECT ok(x.pass, 'catalog: RLS enabled and forced on migstat.records and every table in migstat_data (except a batch still loading)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass,
       coalesce(string_agg(c.oid::regclass::text, ', '), 'none of ' || (SELECT count(*) FROM pg_class c2
           WHERE c2.relnamespace = 'migstat_data'::regnamespace AND c2.relkind IN ('r', 'p')) + 1) AS info
  FROM pg_class c
 WHERE (c.oid = 'migstat.records'::regclass OR (c.relnamespace = 'migstat_data'::regnamespace AND c.relkind IN ('r', 'p')))
   AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
   AND NOT EXISTS (SELECT 1 FROM migstat.batch b WHERE b.status = 'loading' AND c.relname = 'batch_' || b.id
                      AND NOT c.relispartition)
) x;
SELECT ok(x.pass, 'catalog: the only row-level policies are owner_only on migstat.records and migstat.record_id_range, for migstat_owner') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 2 AND bool_and(schemaname = 'migstat' AND tablename IN ('records', 'record_id_range') AND policyname = 'owner_only' AND roles = '{migstat_owner}'
                                 AND permissive = 'PERMISSIVE') AS pass,
       string_agg(schemaname || '.' || tablename || ':' || policyname || ':' || array_to_string(roles, '/'), ', ') AS info
  FROM pg_policies WHERE schemaname IN ('migstat', 'migstat_data')
) x;
SELECT ok(x.pass, 'catalog: no role but migstat_owner holds any privilege on migstat.records or a migstat_data table (a loading batch: INSERT for its importer only)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass,
       coalesce(string_agg(rel || ' ' || privilege_type || ' to ' || grantee, ', '), 'none') AS info
  FROM (SELECT c.oid::regclass::text AS rel, a.privilege_type,
               CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grantee, a.grantee AS g, c.relname
          FROM pg_class c, aclexplode(c.relacl) a
         WHERE (c.oid = 'migstat.records'::regclass OR c.relnamespace = 'migstat_data'::regnamespace)
           AND a.grantee <> 'migstat_owner'::regrole
           -- pgaudit's audit role (migration 0010; NOLOGIN, no member: 94_pgaudit.sql): exactly these four.
           AND NOT (a.grantee = 'migstat_pgaudit'::regrole AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE'))) x
 WHERE NOT (privilege_type = 'INSERT'
            AND EXISTS (SELECT 1 FROM migstat.batch b JOIN pg_roles r ON r.rolname = b.imported_by
                         WHERE b.status = 'loading' AND x.relname = 'batch_' || b.id AND r.oid = x.g))
) x;
SELECT ok(x.pass, 'catalog: no column-level privilege on migstat.records or a migstat_data table (but the INSERT on the columns migstat sends of a loading batch''s table, for its importer)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(c.oid::regclass || '.' || a.attname, ', '), 'none') AS info
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid, aclexplode(a.attacl) x
 WHERE (c.oid = 'migstat.records'::regclass OR c.relnamespace = 'migstat_data'::regnamespace)
   AND NOT (x.privilege_type = 'INSERT' AND a.attname NOT IN ('purpose_id', 'batch_id', 'source_id', 'record_key')
            AND EXISTS (SELECT 1 FROM migstat.batch b JOIN pg_roles r ON r.rolname = b.imported_by
                         WHERE b.status = 'loading' AND c.relname = 'batch_' || b.id AND r.oid = x.grantee))
) x;

-- Functions.
SELECT ok(x.pass, 'catalog: every SECURITY DEFINER function in migstat / migstat_data pins search_path, with pg_temp last') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass,
       coalesce(string_agg(p.oid::regprocedure::text, ', '),
                'all ' || (SELECT count(*) FROM pg_proc p2 WHERE p2.prosecdef
                             AND p2.pronamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace))) AS info
  FROM pg_proc p
 WHERE p.pronamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace) AND p.prosecdef
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c ~ '^search_path=' AND c ~ '(^search_path=|,\s*)pg_temp$')
) x;
SELECT ok(x.pass, 'catalog: so does every other function there (helpers run inside SECURITY DEFINER calls; a procedure that commits, which cannot carry a SET clause, pins it as its first statement; migstat.record_key_draw, an alias of random()''s C function drandom, which looks nothing up by name, needs none)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(p.oid::regprocedure::text, ', '), 'none') AS info
  FROM pg_proc p
 WHERE p.pronamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace) AND NOT p.prosecdef
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c ~ '^search_path=' AND c ~ '(^search_path=|,\s*)pg_temp$')
   AND NOT (p.prolang = (SELECT l.oid FROM pg_language l WHERE l.lanname = 'internal') AND p.prosrc = 'drandom')
   AND NOT (p.prokind = 'p'
            AND p.prosrc ~ 'v_caller text := pg_catalog\.current_setting\(''search_path''\);\s+v_path\s+text := pg_catalog\.set_config\(''search_path'', ''pg_catalog, migstat, pg_temp'', false\);')
) x;
SELECT ok(x.pass, 'catalog: no function in migstat / migstat_data is executable by PUBLIC (has_function_privilege and ACL)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(p.oid::regprocedure::text, ', '), 'none') AS info
  FROM pg_proc p
 WHERE p.pronamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
   AND (has_function_privilege('public', p.oid, 'EXECUTE')
        OR EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0))
) x;
SELECT ok(x.pass, 'catalog: functions, tables, views and sequences there are granted only to migstat roles (never to PUBLIC or a login)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass, coalesce(string_agg(x.obj || ' to ' || g.grantee_name, ', '), 'none') AS info
  FROM (SELECT p.oid::regprocedure::text AS obj, a.grantee
          FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
         WHERE p.pronamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
        UNION ALL
        SELECT c.oid::regclass::text, a.grantee
          FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
         WHERE c.relnamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
           AND NOT EXISTS (SELECT 1 FROM migstat.batch b WHERE b.status = 'loading' AND c.relname = 'batch_' || b.id
                             AND c.relnamespace = 'migstat_data'::regnamespace)) x
  CROSS JOIN LATERAL (SELECT CASE x.grantee WHEN 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END AS grantee_name) g
 WHERE x.grantee = 0 OR NOT (x.grantee::regrole::text LIKE 'migstat\_%')
) x;
SELECT ok(x.pass, 'catalog: record-level and role-changing functions are executable only by their role (privilege matrix)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
WITH expected(fn, roles) AS (VALUES
    ('migstat.extract(text,text,text[],jsonb)', '{migstat_steward}'),
    ('migstat.begin_batch(text,text,text,text,text)', '{migstat_loader}'),
    ('migstat.check_batch(integer,text[])', '{migstat_loader}'),
    ('migstat.finish_batch(integer,integer,integer)', '{migstat_loader}'),
    ('migstat.code_constraints(text)', '{}'),
    ('migstat.withdraw_batch(integer,text)', '{migstat_admin,migstat_loader}'),
    ('migstat.purpose_add(text,text,text)', '{migstat_admin}'),
    ('migstat.access_grant(name,text,text[],boolean)', '{migstat_admin}'),
    ('migstat.access_revoke(name,text,text[],boolean)', '{migstat_admin}'),
    ('migstat.load_codes(text,text[],text[],text[],smallint[],boolean)', '{migstat_admin}'),
    ('migstat.audit_verify()', '{migstat_auditor}'),
    ('migstat.extract_gaps()', '{migstat_auditor}'),
    ('migstat.read_gaps()', '{migstat_auditor}'),
    ('migstat.read_begin(text,jsonb)', '{}'),
    ('migstat.audit(text,jsonb,smallint,integer)', '{}'),
    ('migstat.audit_seal(boolean)', '{migstat_admin,migstat_analyst,migstat_auditor,migstat_loader,migstat_steward}'),
    ('migstat.audit_root(bigint)', '{migstat_auditor}'),
    ('migstat.audit_escalation_risks()', '{migstat_admin,migstat_auditor}'),
    ('migstat.audit_leaf_hash(migstat.audit_log)', '{}')),
actual AS (
    SELECT e.fn, e.roles::text[] AS expected,
           ARRAY(SELECT g FROM unnest(ARRAY['migstat_admin', 'migstat_analyst', 'migstat_auditor', 'migstat_loader',
                                            'migstat_steward']) g
                  WHERE has_function_privilege(g::name, e.fn::regprocedure::oid, 'EXECUTE') ORDER BY g) AS actual
      FROM expected e)
SELECT bool_and(expected = actual) AS pass,
       coalesce(string_agg(fn || ' -> ' || array_to_string(actual, '/'), ', ') FILTER (WHERE expected <> actual),
                count(*) || ' functions as expected') AS info
  FROM actual
) x;
SELECT ok(x.pass, 'catalog: table privilege matrix (audit_log: SELECT for auditor only; records: nothing for anyone)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT bool_and(ok) AS pass, coalesce(string_agg(what, ', ') FILTER (WHERE NOT ok), 'as expected') AS info
  FROM (SELECT g || ' ' || p || ' migstat.audit_log' AS what,
               has_table_privilege(g, 'migstat.audit_log', p) = (g = 'migstat_auditor' AND p = 'SELECT') AS ok
          FROM unnest(ARRAY['migstat_admin', 'migstat_analyst', 'migstat_auditor', 'migstat_loader', 'migstat_steward']) g,
               unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
        UNION ALL
        SELECT g || ' ' || p || ' migstat.records', NOT has_table_privilege(g, 'migstat.records', p)
          FROM unnest(ARRAY['migstat_admin', 'migstat_analyst', 'migstat_auditor', 'migstat_loader', 'migstat_steward']) g,
               unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p) x
) x;

-- Views and the audit log.
SELECT ok(x.pass, 'catalog: every view in migstat / migstat_data that a migstat role can read is a security_barrier view') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 0 AS pass,
       coalesce(string_agg(c.oid::regclass::text, ', '), 'all ' || (SELECT count(*) FROM pg_class v
           WHERE v.relkind = 'v' AND v.relnamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace))) AS info
  FROM pg_class c
 WHERE c.relkind = 'v' AND c.relnamespace IN ('migstat'::regnamespace, 'migstat_data'::regnamespace)
   AND NOT coalesce('security_barrier=true' = ANY (c.reloptions), false)
   AND EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname LIKE 'migstat\_%' AND g.rolname <> 'migstat_owner'
                  AND has_table_privilege(g.oid, c.oid, 'SELECT'))
) x;
SELECT ok(x.pass, 'catalog: the audit_log triggers (no UPDATE/DELETE, no TRUNCATE, INSERT only as owner) exist and are enabled') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT count(*) = 3 AND bool_and(tgenabled = 'O') AS pass,
       string_agg(tgname::text || ':' || tgenabled::text, ', ') AS info
  FROM pg_trigger WHERE tgrelid = 'migstat.audit_log'::regclass AND NOT tgisinternal
   AND tgname IN ('audit_log_no_update', 'audit_log_no_truncate', 'audit_log_insert_guard')
) x;
SELECT ok(x.pass, 'catalog: this run''s logins hold exactly the memberships granted (pg_auth_members)') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
SELECT array_agg(m ORDER BY m) = ARRAY(SELECT e FROM unnest(ARRAY[
        'admin>migstat_admin',
        'analyst>migstat_analyst',
        'auditor>migstat_auditor',
        'loader>migstat_' || :'tag' || '_' || :'pa' || '_load',
        'loader>migstat_' || :'tag' || '_' || :'pc' || '_load',
        'loader>migstat_loader',
        'loader_b>migstat_' || :'tag' || '_' || :'pb' || '_load',
        'loader_b>migstat_loader',
        'steward>migstat_' || :'tag' || '_' || :'pa' || '_read',
        'steward>migstat_steward',
        'steward_x>migstat_' || :'tag' || '_' || :'pa' || '_read',
        'steward_x>migstat_' || :'tag' || '_' || :'pb' || '_read',
        'steward_x>migstat_' || :'tag' || '_' || :'pb' || '_special',
        'steward_x>migstat_steward']) e ORDER BY e) AS pass,
       string_agg(m, ', ' ORDER BY m) AS info
  FROM (SELECT substr(u.rolname, length(:'prefix') + 1) || '>' || g.rolname AS m
          FROM pg_auth_members x JOIN pg_roles u ON u.oid = x.member JOIN pg_roles g ON g.oid = x.roleid
         WHERE u.rolname LIKE :'prefix' || '%') s
) x;

SELECT * FROM finish();
