-- migstat.key_destroyed: records that migstat deleted a purged purpose's key file on a machine
-- (every migstat role: the command that found it, whoever ran it): purpose, key id, host and path
-- as the client reports them (audit key.destroyed). Only for purged purposes.
CREATE OR REPLACE FUNCTION migstat.key_destroyed(p_key_id uuid, p_host text, p_path text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v migstat.purpose;
BEGIN
    IF NOT (migstat.caller_is('migstat_loader') OR migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v FROM migstat.purpose WHERE key_id = p_key_id;
    IF NOT FOUND OR v.status <> 'purged' THEN
        RAISE EXCEPTION 'key % is not the key of a purged purpose', p_key_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM migstat.audit('key.destroyed', jsonb_build_object('purpose', v.name, 'key_id', p_key_id,
                          'host', left(p_host, 255), 'path', left(p_path, 1024), 'reported_by_client', true), v.id);
END
$fn$;
