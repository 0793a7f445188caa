-- The callers of protected aggregates: analysts, stewards, administrators (not loaders, auditors).
CREATE OR REPLACE FUNCTION migstat.require_report_reader() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
BEGIN
    IF NOT (migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % is not an analyst, a steward or an admin: reports are theirs', session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can run: migstat access grant %s analyst', session_user);
    END IF;
END
$$;
