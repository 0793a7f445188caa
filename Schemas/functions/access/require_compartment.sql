-- Looks up a live purpose and checks the caller holds the compartment of that kind. The refusal
-- names who lacks which compartment and, as a hint, the migstat access grant an administrator
-- would run.
CREATE OR REPLACE FUNCTION migstat.require_compartment(p_purpose text, p_kind text) RETURNS migstat.purpose
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v migstat.purpose;
BEGIN
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404',
            HINT = 'migstat purpose list shows the declared purposes; an administrator declares one with migstat purpose add';
    END IF;
    IF v.status = 'purged' THEN
        RAISE EXCEPTION 'purpose "%" has been purged', p_purpose USING ERRCODE = 'MS410';
    END IF;
    IF NOT migstat.caller_is(migstat.compartment_role(v.name, p_kind)) THEN
        IF p_kind = 'special' THEN
            RAISE EXCEPTION 'permission denied: % is not cleared for the special-category columns of purpose %',
                session_user, p_purpose USING ERRCODE = 'insufficient_privilege',
                HINT = format('an administrator can run: migstat access grant %s steward --purpose %s --special-category',
                              session_user, p_purpose);
        END IF;
        RAISE EXCEPTION 'permission denied: % is not a % of purpose %', session_user,
            CASE p_kind WHEN 'load' THEN 'loader' ELSE 'steward' END, p_purpose
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can run: migstat access grant %s %s --purpose %s', session_user,
                                CASE p_kind WHEN 'load' THEN 'loader' ELSE 'steward' END, p_purpose);
    END IF;
    RETURN v;
END
$$;
