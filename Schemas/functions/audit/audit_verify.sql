-- Recomputes the chain; returns the first broken seq (NULL when intact) and the head.
CREATE OR REPLACE FUNCTION migstat.audit_verify(OUT first_bad_seq bigint, OUT rows_checked bigint, OUT head_seq bigint,
                                     OUT head_hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    r      migstat.audit_log%ROWTYPE;
    v_prev bytea := '\x'::bytea;
    v_next bigint := 1;
BEGIN
    rows_checked := 0;
    FOR r IN SELECT * FROM migstat.audit_log ORDER BY seq LOOP
        IF r.seq <> v_next OR r.prev_hash <> v_prev
           OR r.hash <> sha256(v_prev || migstat.audit_payload(r.seq, r.at, r.actor, r.action, r.purpose_id,
                                                                r.batch_id, r.details)) THEN
            first_bad_seq := r.seq;
            EXIT;
        END IF;
        v_prev := r.hash;
        v_next := r.seq + 1;
        rows_checked := rows_checked + 1;
        head_seq := r.seq;
        head_hash := encode(r.hash, 'hex');
    END LOOP;
END
$$;
