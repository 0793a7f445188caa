-- The connected user's own migstat roles and compartments (same shape as migstat.access, without
-- the login column). Any migstat role may call it; it only ever describes session_user.
CREATE OR REPLACE FUNCTION migstat.my_access() RETURNS TABLE (role text, purpose text, access text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT substr(g.r, 9), NULL::text, NULL::text
      FROM unnest(ARRAY['migstat_loader', 'migstat_analyst', 'migstat_steward', 'migstat_auditor',
                        'migstat_admin']::name[]) WITH ORDINALITY AS g(r, n)
     WHERE migstat.caller_is(g.r)
    UNION ALL
    SELECT CASE k.kind WHEN 'load' THEN 'loader' ELSE 'steward' END, p.name, k.kind
      FROM migstat.purpose p
     CROSS JOIN (VALUES ('load'), ('read'), ('special')) AS k(kind)
     WHERE migstat.caller_is(migstat.compartment_role(p.name, k.kind))
$$;
