-- Looks up a live purpose and checks the caller holds the compartment of that kind.
-- The error does not say whether a purpose the caller may not see exists.
CREATE OR REPLACE FUNCTION migstat.require_compartment(p_purpose text, p_kind text) RETURNS migstat.purpose
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v migstat.purpose;
BEGIN
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404',
            HINT = 'An administrator declares it first: migstat purpose add';
    END IF;
    IF v.status = 'purged' THEN
        RAISE EXCEPTION 'purpose "%" has been purged', p_purpose USING ERRCODE = 'MS410';
    END IF;
    IF NOT migstat.caller_is(migstat.compartment_role(v.name, p_kind)) THEN
        RAISE EXCEPTION 'permission denied: no % access to purpose "%"', p_kind, p_purpose
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN v;
END
$$;
