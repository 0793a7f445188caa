-- True when the connected user (session_user) is a member of the role (directly or not).
CREATE OR REPLACE FUNCTION migstat.caller_is(p_role name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) AND pg_has_role(session_user, p_role, 'MEMBER')
$$;
