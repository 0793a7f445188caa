-- Appends one audit row (internal: called by other migstat functions, never granted).
CREATE OR REPLACE FUNCTION migstat.audit(p_action text, p_details jsonb DEFAULT '{}', p_purpose_id smallint DEFAULT NULL,
                              p_batch_id integer DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_prev  migstat.audit_log%ROWTYPE;
    v_seq   bigint;
    v_at    timestamptz := clock_timestamp();
    v_prevh bytea;
BEGIN
    -- One writer at a time keeps the chain linear; held to the end of the transaction.
    PERFORM pg_advisory_xact_lock(hashtext('migstat.audit_log'));
    SELECT * INTO v_prev FROM migstat.audit_log ORDER BY seq DESC LIMIT 1;
    v_seq := coalesce(v_prev.seq, 0) + 1;
    v_prevh := coalesce(v_prev.hash, '\x'::bytea);
    INSERT INTO migstat.audit_log (seq, at, actor, action, purpose_id, batch_id, details, prev_hash, hash)
    VALUES (v_seq, v_at, session_user, p_action, p_purpose_id, p_batch_id, p_details, v_prevh,
            sha256(v_prevh || migstat.audit_payload(v_seq, v_at, session_user, p_action, p_purpose_id,
                                                     p_batch_id, p_details)));
    RETURN v_seq;
END
$$;
