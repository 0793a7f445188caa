-- Raises 42501 unless the connected user (session_user) is a member of the role, saying who lacks
-- which role and, as a hint, the migstat access grant an administrator would run (a loader or
-- steward also needs a purpose: PURPOSE stands for it).
CREATE OR REPLACE FUNCTION migstat.require_role(p_role name) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_kind text := CASE WHEN p_role::text LIKE 'migstat\_%' THEN substr(p_role, 9) ELSE p_role::text END;
BEGIN
    IF NOT migstat.caller_is(p_role) THEN
        RAISE EXCEPTION 'permission denied: % is not %', session_user,
            CASE WHEN v_kind ~ '^[aeiou]' THEN 'an ' ELSE 'a ' END || v_kind
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can run: migstat access grant %s %s%s', session_user, v_kind,
                                CASE WHEN v_kind IN ('loader', 'steward') THEN ' --purpose PURPOSE' ELSE '' END);
    END IF;
END
$$;
