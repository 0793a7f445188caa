-- Grants a migstat role, and optionally compartments, to a login user.
--   p_kind: loader | analyst | steward | auditor | admin
--   p_purposes: for loader (load) and steward (read) the purposes granted
--   p_special: for steward, clearance for the special-category columns of those purposes
-- Refuses superusers and BYPASSRLS logins, logins that can escalate (CREATEROLE, REPLICATION,
-- members of pg_read_all_data, pg_write_all_data, pg_execute_server_program, the server-file
-- roles and migstat_pgaudit), grants to oneself, and a login that would hold both
-- administration and a data role (loader, steward). Grants CONNECT on this database to the login
-- (CONNECT is not PUBLIC's: group roles are cluster-wide).
CREATE OR REPLACE FUNCTION migstat.access_grant(p_login name, p_kind text, p_purposes text[] DEFAULT '{}',
                                     p_special boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_role  name := ('migstat_' || p_kind)::name;
    v_p     migstat.purpose;
    v_name  text;
    r       pg_roles%ROWTYPE;
    v_reasons text[];
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_kind NOT IN ('loader', 'analyst', 'steward', 'auditor', 'admin') THEN
        RAISE EXCEPTION 'unknown role "%"', p_kind USING ERRCODE = 'invalid_parameter_value',
            HINT = 'roles: loader, analyst, steward, auditor, admin';
    END IF;
    SELECT * INTO r FROM pg_roles WHERE rolname = p_login;
    IF NOT FOUND OR NOT r.rolcanlogin THEN
        RAISE EXCEPTION 'no login role "%"', p_login USING ERRCODE = 'undefined_object',
            HINT = format('migstat access list shows the logins; a superuser creates one with CREATE ROLE %I LOGIN', p_login);
    END IF;
    IF r.rolsuper OR r.rolbypassrls THEN
        RAISE EXCEPTION 'refusing: "%" is a superuser or bypasses row-level security', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Logins that could escalate past migstat's roles (migstat.escalation_reasons, the list that
    -- audit_escalation_risks reports too): CREATEROLE can grant itself migstat_owner (PostgreSQL
    -- 15), REPLICATION streams every row, the predefined roles read or write every table or the
    -- server's files, migstat_pgaudit holds every privilege on record storage.
    v_reasons := migstat.escalation_reasons(r.oid);
    IF cardinality(v_reasons) > 0 THEN
        RAISE EXCEPTION 'refusing: "%" can escalate past migstat''s roles (%)', p_login, array_to_string(v_reasons, ', ')
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'remove CREATEROLE/REPLICATION (ALTER ROLE ... NOCREATEROLE NOREPLICATION) and memberships in pg_read_all_data, pg_write_all_data, pg_execute_server_program, pg_read_server_files, pg_write_server_files, migstat_pgaudit';
    END IF;
    IF p_login::text LIKE 'migstat\_%' THEN
        RAISE EXCEPTION 'refusing to grant to a migstat group role' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Separation of duties: no one grants to themselves, and administration never shares a login
    -- with a data role (loader, steward).
    IF p_login = session_user THEN
        RAISE EXCEPTION 'refusing: "%" cannot grant roles to itself', p_login USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (p_kind IN ('loader', 'steward') AND pg_has_role(p_login, 'migstat_admin', 'MEMBER'))
       OR (p_kind = 'admin' AND (pg_has_role(p_login, 'migstat_loader', 'MEMBER')
                                 OR pg_has_role(p_login, 'migstat_steward', 'MEMBER'))) THEN
        RAISE EXCEPTION 'refusing: "%" would hold both administration and access to data', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF coalesce(array_length(p_purposes, 1), 0) > 0 AND p_kind NOT IN ('loader', 'steward') THEN
        RAISE EXCEPTION 'purposes apply to loader and steward only' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_special AND p_kind <> 'steward' THEN
        RAISE EXCEPTION 'special-category clearance applies to stewards only' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('GRANT %I TO %I', v_role, p_login);
    -- Group roles are cluster-wide; CONNECT is per database, so a login reaches only the migstat
    -- databases it was granted in.
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_login);
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
