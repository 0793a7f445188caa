-- Withdraws a batch sent by mistake: drops its partition (all its records, physically) and keeps
-- the batch's metadata row, marked withdrawn, with who, when and why. Loaders of the batch's
-- purpose and administrators may withdraw.
CREATE OR REPLACE FUNCTION migstat.withdraw_batch(p_batch_id integer, p_reason text)
RETURNS migstat.batch
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
DECLARE
    v migstat.batch;
    v_purpose migstat.purpose;
BEGIN
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id FOR UPDATE;
    IF NOT FOUND OR v.status <> 'loaded' THEN
        RAISE EXCEPTION 'no loaded batch %', p_batch_id USING ERRCODE = 'MS404';
    END IF;
    SELECT * INTO v_purpose FROM migstat.purpose WHERE id = v.purpose_id;
    IF NOT (migstat.caller_is('migstat_admin')
            OR (migstat.caller_is('migstat_loader') AND migstat.caller_is(migstat.compartment_role(v_purpose.name, 'load')))) THEN
        RAISE EXCEPTION 'permission denied: % is not a loader of purpose %, which batch % belongs to', session_user,
            v_purpose.name, p_batch_id USING ERRCODE = 'insufficient_privilege',
            HINT = format('an administrator can withdraw it, or run: migstat access grant %s loader --purpose %s',
                          session_user, v_purpose.name);
    END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'a reason is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM migstat.drop_record_storage(ARRAY['batch_' || p_batch_id]);   -- the purge's code path
    UPDATE migstat.batch SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = session_user,
                             withdraw_reason = p_reason
     WHERE id = p_batch_id RETURNING * INTO v;
    PERFORM migstat.audit('batch.withdraw', jsonb_build_object('batch', v.id, 'reason', p_reason,
                          'records_removed', v.accepted), v.purpose_id, v.id);
    RETURN v;
END
$$;
