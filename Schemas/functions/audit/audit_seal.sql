-- Seals committed entries into the Merkle tree, in seq order, and returns the tree's size.
-- Sealers take one transaction-level advisory lock among themselves (writers never take it):
-- while one seals, positions are assigned by it alone, so leaf indexes are dense and never
-- reassigned (the primary key (level, idx) refuses a second leaf at a position anyway). An entry
-- committed while a seal runs is sealed by the next one. p_wait = false returns at once when another
-- transaction is sealing. Granted to every migstat role: sealing changes no entry, only fixes
-- their order.
CREATE OR REPLACE FUNCTION migstat.audit_seal(p_wait boolean DEFAULT true)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_size bigint;
    v_seqs bigint[];
    v_seq  bigint;
    v_e    migstat.audit_log%ROWTYPE;
    v_h    bytea;
    v_l    smallint;
    v_i    bigint;
    v_now  timestamptz := clock_timestamp();
BEGIN
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(hashtext('migstat.audit_seal'));
    ELSIF NOT pg_try_advisory_xact_lock(hashtext('migstat.audit_seal')) THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(max(idx) + 1, 0) INTO v_size FROM migstat.audit_tree WHERE level = 0;
    WITH d AS (DELETE FROM migstat.audit_pending RETURNING seq)
    SELECT array_agg(seq ORDER BY seq) INTO v_seqs FROM d;
    FOREACH v_seq IN ARRAY coalesce(v_seqs, '{}') LOOP
        SELECT * INTO STRICT v_e FROM migstat.audit_log WHERE seq = v_seq;
        v_h := migstat.audit_leaf_hash(v_e);
        INSERT INTO migstat.audit_tree (level, idx, hash, seq, sealed_at) VALUES (0, v_size, v_h, v_seq, v_now);
        -- Close every complete subtree this leaf ends.
        v_l := 0;
        v_i := v_size;
        WHILE v_i % 2 = 1 LOOP
            SELECT sha256('\x01'::bytea || t.hash || v_h) INTO STRICT v_h
              FROM migstat.audit_tree t WHERE t.level = v_l AND t.idx = v_i - 1;
            v_l := v_l + 1;
            v_i := v_i / 2;
            INSERT INTO migstat.audit_tree (level, idx, hash) VALUES (v_l, v_i, v_h);
        END LOOP;
        v_size := v_size + 1;
    END LOOP;
    RETURN v_size;
END
$$;
