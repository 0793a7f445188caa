-- Raises 42501 unless the connected user (session_user) is a member of the role.
CREATE OR REPLACE FUNCTION migstat.require_role(p_role name) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
BEGIN
    IF NOT migstat.caller_is(p_role) THEN
        RAISE EXCEPTION 'permission denied: % is not a member of %', session_user, p_role
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
