-- Withdraws a batch sent by mistake: drops its partition (all its records, physically) and keeps
-- the batch's metadata row, marked withdrawn, with who, when and why. Loaders of the batch's
-- purpose and administrators may withdraw. The purpose's record_id ranges
-- (migstat.record_id_range) are rewritten without the batch's (the old table is dropped whole).
CREATE OR REPLACE FUNCTION migstat.withdraw_batch(p_batch_id integer, p_reason text)
RETURNS migstat.batch
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
DECLARE
    v migstat.batch;
    v_purpose migstat.purpose;
    v_rng     text;
    v_ids     integer[];
    v_srcs    smallint[];
    v_los     text[];
    v_his     text[];
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
    v_rng := 'record_id_ranges_' || v.purpose_id;
    IF to_regclass(format('migstat_data.%I', v_rng)) IS NOT NULL THEN
        SELECT array_agg(r.batch_id), array_agg(r.source_id), array_agg(r.lo), array_agg(r.hi)
          INTO v_ids, v_srcs, v_los, v_his
          FROM migstat.record_id_range r WHERE r.purpose_id = v.purpose_id AND r.batch_id <> p_batch_id;
        PERFORM migstat.drop_record_storage(ARRAY[v_rng]);
        PERFORM migstat.record_id_ranges(v.purpose_id);
        INSERT INTO migstat.record_id_range (purpose_id, batch_id, source_id, lo, hi)
        SELECT v.purpose_id, x.b, x.s, x.l, x.h FROM unnest(v_ids, v_srcs, v_los, v_his) AS x(b, s, l, h);
    END IF;
    UPDATE migstat.batch SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = session_user,
                             withdraw_reason = p_reason
     WHERE id = p_batch_id RETURNING * INTO v;
    PERFORM migstat.audit('batch.withdraw', jsonb_build_object('batch', v.id, 'reason', p_reason,
                          'records_removed', v.accepted), v.purpose_id, v.id);
    RETURN v;
END
$$;
