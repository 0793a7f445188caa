-- Withdraws an import of estimates made by mistake: deletes its estimates (reports no longer show
-- them) and keeps the import's row, marked withdrawn, with who, when and why; the file may then be
-- imported again. Loaders of the import's purpose and administrators may withdraw (as batches).
-- Audited as estimates.withdraw in the same transaction.
CREATE OR REPLACE FUNCTION migstat.estimates_withdraw(p_id bigint, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v         migstat.estimate_file;
    v_purpose migstat.purpose;
    v_n       integer;
BEGIN
    SELECT * INTO v FROM migstat.estimate_file WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR v.status <> 'active' THEN
        RAISE EXCEPTION 'no active estimates %', p_id USING ERRCODE = 'MS404',
            HINT = 'migstat estimates list shows the imports of estimates and their ids';
    END IF;
    SELECT * INTO v_purpose FROM migstat.purpose WHERE id = v.purpose_id;
    IF NOT (migstat.caller_is('migstat_admin')
            OR (migstat.caller_is('migstat_loader') AND migstat.caller_is(migstat.compartment_role(v_purpose.name, 'load')))) THEN
        RAISE EXCEPTION 'permission denied: % is not a loader of purpose %', session_user, v_purpose.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can withdraw it, or run: migstat access grant %s loader --purpose %s',
                                session_user, v_purpose.name);
    END IF;
    IF length(btrim(coalesce(p_reason, ''))) = 0 THEN
        RAISE EXCEPTION 'a reason is required' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'migstat estimates withdraw ID --reason TEXT';
    END IF;
    DELETE FROM migstat.estimate WHERE file_id = p_id;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    UPDATE migstat.estimate_file SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = session_user,
                                     withdraw_reason = btrim(p_reason)
     WHERE id = p_id;
    PERFORM migstat.audit('estimates.withdraw', jsonb_build_object('estimates', p_id, 'reason', btrim(p_reason),
                          'file', v.file_name, 'sha256', v.sha256, 'removed', v_n), v.purpose_id);
    RETURN v_n;
END
$$;
