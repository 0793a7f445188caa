-- Who can do what, read from the catalog (pg_auth_members), not from a table of our own: every
-- login's migstat roles, and its compartments (load, read, special) by purpose. A security
-- barrier, so a caller's own function in a WHERE clause cannot see rows the view does not return.
CREATE OR REPLACE VIEW migstat.access WITH (security_barrier = true) AS
    WITH RECURSIVE membership(member, roleid) AS (
        SELECT m.member, m.roleid FROM pg_auth_members m
        UNION
        SELECT m.member, x.roleid FROM pg_auth_members m JOIN membership x ON x.member = m.roleid
    ), tag AS (
        SELECT value FROM migstat.setting WHERE key = 'instance_tag'
    )
    SELECT u.rolname AS login,
           substr(g.rolname, 9) AS role,
           NULL::text AS purpose,
           NULL::text AS access
      FROM membership x
      JOIN pg_roles u ON u.oid = x.member AND u.rolcanlogin
      JOIN pg_roles g ON g.oid = x.roleid
     WHERE g.rolname IN ('migstat_loader', 'migstat_analyst', 'migstat_steward', 'migstat_auditor', 'migstat_admin')
    UNION ALL
    SELECT u.rolname, CASE k.kind WHEN 'load' THEN 'loader' ELSE 'steward' END, p.name, k.kind
      FROM membership x
      JOIN pg_roles u ON u.oid = x.member AND u.rolcanlogin
      JOIN pg_roles g ON g.oid = x.roleid
      CROSS JOIN (VALUES ('load'), ('read'), ('special')) AS k(kind)
      JOIN migstat.purpose p ON g.rolname = migstat.compartment_role(p.name, k.kind);
