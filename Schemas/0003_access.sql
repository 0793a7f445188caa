-- migstat 0003: compartments (one per purpose), role checks, purposes.
SET LOCAL ROLE migstat_owner;

-- The name of a purpose's compartment role of the given kind:
--   load    : may import into the purpose (with migstat_loader)
--   read    : may extract its records (with migstat_steward)
--   special : may see its special-category columns (ethnicity, disability, migration_status)
-- Role names are cluster-wide, so they carry this database's instance tag.
CREATE FUNCTION migstat.compartment_role(p_purpose_name text, p_kind text) RETURNS name
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT format('migstat_%s_%s_%s', (SELECT value FROM migstat.setting WHERE key = 'instance_tag'),
                  p_purpose_name, p_kind)::name
$$;

-- True when the connected user (session_user) is a member of the role (directly or not).
CREATE FUNCTION migstat.caller_is(p_role name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) AND pg_has_role(session_user, p_role, 'MEMBER')
$$;

CREATE FUNCTION migstat.require_role(p_role name) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
BEGIN
    IF NOT migstat.caller_is(p_role) THEN
        RAISE EXCEPTION 'permission denied: % is not a member of %', session_user, p_role
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Looks up a live purpose and checks the caller holds the compartment of that kind.
-- The error does not say whether a purpose the caller may not see exists.
CREATE FUNCTION migstat.require_compartment(p_purpose text, p_kind text) RETURNS migstat.purpose
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v migstat.purpose;
BEGIN
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404',
            HINT = 'An administrator declares it first: migstat purpose add';
    END IF;
    IF NOT migstat.caller_is(migstat.compartment_role(v.name, p_kind)) THEN
        RAISE EXCEPTION 'permission denied: no % access to purpose "%"', p_kind, p_purpose
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" has been purged', p_purpose USING ERRCODE = 'MS410';
    END IF;
    RETURN v;
END
$$;

-- Declares a purpose: its retention rule, its storage partition and its compartment roles.
-- p_retain: an ISO date (YYYY-MM-DD) or an interval from today ('5 years', '18 months').
CREATE FUNCTION migstat.purpose_add(p_name text, p_description text, p_retain text)
RETURNS migstat.purpose
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v      migstat.purpose;
    v_date date;
    k      text;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_retain ~ '^\d{4}-\d{2}-\d{2}$' THEN
        v_date := p_retain::date;
    ELSE
        BEGIN
            v_date := (current_date + p_retain::interval)::date;
        EXCEPTION WHEN others THEN
            RAISE EXCEPTION 'retention must be a date (YYYY-MM-DD) or a duration such as "5 years"'
                USING ERRCODE = 'invalid_parameter_value';
        END;
    END IF;
    IF v_date <= current_date THEN
        RAISE EXCEPTION 'retention date % is not in the future', v_date USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{0,29}$' THEN
        RAISE EXCEPTION 'purpose names are 1-30 characters: a-z first, then a-z, 0-9, _'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO migstat.purpose (name, description, retain_until, retention_rule)
    VALUES (p_name, p_description, v_date, p_retain) RETURNING * INTO v;

    EXECUTE format('CREATE TABLE migstat_data.%I PARTITION OF migstat.records FOR VALUES IN (%s) PARTITION BY LIST (batch_id)',
                   'purpose_' || v.id, v.id);
    EXECUTE format('ALTER TABLE migstat_data.%I ENABLE ROW LEVEL SECURITY', 'purpose_' || v.id);
    EXECUTE format('ALTER TABLE migstat_data.%I FORCE ROW LEVEL SECURITY', 'purpose_' || v.id);
    FOREACH k IN ARRAY ARRAY['load', 'read', 'special'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = migstat.compartment_role(v.name, k)) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', migstat.compartment_role(v.name, k));
        END IF;
        EXECUTE format('COMMENT ON ROLE %I IS %L', migstat.compartment_role(v.name, k),
                       format('migstat compartment: %s access to purpose %s in database %s', k, v.name,
                              current_database()));
    END LOOP;
    PERFORM migstat.audit('purpose.add', jsonb_build_object('purpose', v.name, 'description', v.description,
                          'retain_until', v.retain_until, 'retention_rule', v.retention_rule), v.id);
    RETURN v;
END
$$;
GRANT EXECUTE ON FUNCTION migstat.purpose_add(text, text, text) TO migstat_admin;

-- Grants a migstat role, and optionally compartments, to a login user.
--   p_kind: loader | analyst | steward | auditor | admin
--   p_purposes: for loader (load) and steward (read) the purposes granted
--   p_special: for steward, clearance for the special-category columns of those purposes
CREATE FUNCTION migstat.access_grant(p_login name, p_kind text, p_purposes text[] DEFAULT '{}',
                                     p_special boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_role  name := ('migstat_' || p_kind)::name;
    v_p     migstat.purpose;
    v_name  text;
    r       pg_roles%ROWTYPE;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_kind NOT IN ('loader', 'analyst', 'steward', 'auditor', 'admin') THEN
        RAISE EXCEPTION 'unknown role kind "%"', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO r FROM pg_roles WHERE rolname = p_login;
    IF NOT FOUND OR NOT r.rolcanlogin THEN
        RAISE EXCEPTION 'no login role "%"', p_login USING ERRCODE = 'undefined_object';
    END IF;
    IF r.rolsuper OR r.rolbypassrls THEN
        RAISE EXCEPTION 'refusing: "%" is a superuser or bypasses row-level security', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_login::text LIKE 'migstat\_%' THEN
        RAISE EXCEPTION 'refusing to grant to a migstat group role' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(array_length(p_purposes, 1), 0) > 0 AND p_kind NOT IN ('loader', 'steward') THEN
        RAISE EXCEPTION 'purposes apply to loader and steward only' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_special AND p_kind <> 'steward' THEN
        RAISE EXCEPTION 'special-category clearance applies to stewards only' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('GRANT %I TO %I', v_role, p_login);
    FOREACH v_name IN ARRAY coalesce(p_purposes, '{}') LOOP
        SELECT * INTO v_p FROM migstat.purpose WHERE name = v_name AND status = 'active';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'purpose "%" is not declared', v_name USING ERRCODE = 'MS404';
        END IF;
        EXECUTE format('GRANT %I TO %I', migstat.compartment_role(v_p.name,
                       CASE p_kind WHEN 'loader' THEN 'load' ELSE 'read' END), p_login);
        IF p_special THEN
            EXECUTE format('GRANT %I TO %I', migstat.compartment_role(v_p.name, 'special'), p_login);
        END IF;
    END LOOP;
    PERFORM migstat.audit('access.grant', jsonb_build_object('login', p_login, 'role', p_kind,
                          'purposes', to_jsonb(coalesce(p_purposes, '{}')), 'special_category', p_special));
END
$$;
GRANT EXECUTE ON FUNCTION migstat.access_grant(name, text, text[], boolean) TO migstat_admin;

-- Revokes a role (all its compartments too when no purposes are named), or only the named
-- compartments, or only the special-category clearance.
CREATE FUNCTION migstat.access_revoke(p_login name, p_kind text, p_purposes text[] DEFAULT '{}',
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
        RAISE EXCEPTION 'unknown role kind "%"', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        RAISE EXCEPTION 'no login role "%"', p_login USING ERRCODE = 'undefined_object';
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
GRANT EXECUTE ON FUNCTION migstat.access_revoke(name, text, text[], boolean) TO migstat_admin;

-- Who can do what, read from the catalog (pg_auth_members), not from a table of our own.
CREATE VIEW migstat.access AS
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
GRANT SELECT ON migstat.access TO migstat_admin, migstat_auditor;
