-- As the auditor: migstat.access (read from the catalog) agrees with pg_auth_members for every
-- login of this run. Needs :prefix, :tag, :pa, :pb, :pc.
\ir ../helpers/tap.sql
SELECT plan(1);
SELECT ok(x.pass, 'auditor: migstat.access lists, for this run''s logins, exactly the memberships in pg_auth_members')
       || CASE WHEN x.pass THEN '' ELSE E'\n' || diag('    ' || coalesce(x.info, '')) END FROM (
WITH RECURSIVE closure(member, roleid) AS (
    SELECT m.member, m.roleid FROM pg_auth_members m
    UNION
    SELECT c.member, m.roleid FROM closure c JOIN pg_auth_members m ON m.member = c.roleid
), from_catalog AS (
    SELECT u.rolname::text AS login, substr(g.rolname, 9) AS role, NULL::text AS purpose, NULL::text AS access
      FROM closure c JOIN pg_roles u ON u.oid = c.member JOIN pg_roles g ON g.oid = c.roleid
     WHERE u.rolname LIKE :'prefix' || '%'
       AND g.rolname IN ('migstat_loader', 'migstat_analyst', 'migstat_steward', 'migstat_auditor', 'migstat_admin')
    UNION ALL
    SELECT u.rolname::text, CASE k WHEN 'load' THEN 'loader' ELSE 'steward' END, p, k
      FROM closure c JOIN pg_roles u ON u.oid = c.member JOIN pg_roles g ON g.oid = c.roleid
     CROSS JOIN unnest(ARRAY[:'pa', :'pb', :'pc']) p CROSS JOIN unnest(ARRAY['load', 'read', 'special']) k
     WHERE u.rolname LIKE :'prefix' || '%' AND g.rolname = format('migstat_%s_%s_%s', :'tag', p, k)
), from_view AS (
    SELECT login::text, role, purpose, access FROM migstat.access WHERE login LIKE :'prefix' || '%'
), diff AS (
    (SELECT 'catalog only' AS side, * FROM (SELECT * FROM from_catalog EXCEPT ALL SELECT * FROM from_view) a)
    UNION ALL
    (SELECT 'view only', * FROM (SELECT * FROM from_view EXCEPT ALL SELECT * FROM from_catalog) b)
)
SELECT (SELECT count(*) FROM diff) = 0 AND (SELECT count(*) FROM from_view) > 0 AS pass,
       coalesce((SELECT string_agg(concat_ws(':', side, login, role, purpose, access), ', ') FROM diff),
                (SELECT count(*) FROM from_view) || ' rows agree') AS info
) x;

SELECT * FROM finish();
