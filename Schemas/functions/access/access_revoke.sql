-- Revokes a role (all its compartments too when no purposes are named), or only the named
-- compartments, or only the special-category clearance.
CREATE OR REPLACE FUNCTION migstat.access_revoke(p_login name, p_kind text, p_purposes text[] DEFAULT '{}',
                                      p_special_only boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_p   migstat.purpose;
    v_all boolean := coalesce(array_length(p_purposes, 1), 0) = 0;
    k     text;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_kind NOT IN ('loader', 'analyst', 'steward', 'auditor', 'admin') THEN
        RAISE EXCEPTION 'unknown role "%"', p_kind USING ERRCODE = 'invalid_parameter_value',
            HINT = 'roles: loader, analyst, steward, auditor, admin';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        RAISE EXCEPTION 'no login role "%"', p_login USING ERRCODE = 'undefined_object',
            HINT = 'migstat access list shows the logins and their roles';
    END IF;
    FOR v_p IN SELECT * FROM migstat.purpose WHERE v_all OR name = ANY (p_purposes) LOOP
        FOREACH k IN ARRAY CASE
            WHEN p_special_only THEN ARRAY['special']
            WHEN p_kind = 'loader' THEN ARRAY['load']
            WHEN p_kind = 'steward' THEN ARRAY['read', 'special']
            ELSE ARRAY[]::text[] END
        LOOP
            IF EXISTS (SELECT 1 FROM pg_auth_members m
                         JOIN pg_roles r ON r.oid = m.roleid
                         JOIN pg_roles u ON u.oid = m.member
                        WHERE r.rolname = migstat.compartment_role(v_p.name, k) AND u.rolname = p_login) THEN
                EXECUTE format('REVOKE %I FROM %I', migstat.compartment_role(v_p.name, k), p_login);
            END IF;
        END LOOP;
    END LOOP;
    IF v_all AND NOT p_special_only THEN
        EXECUTE format('REVOKE %I FROM %I', 'migstat_' || p_kind, p_login);
    END IF;
    PERFORM migstat.audit('access.revoke', jsonb_build_object('login', p_login, 'role', p_kind,
                          'purposes', to_jsonb(coalesce(p_purposes, '{}')), 'special_only', p_special_only));
END
$$;
