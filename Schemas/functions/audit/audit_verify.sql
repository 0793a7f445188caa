-- Recomputes the Merkle tree from the entries and checks it whole; auditors only.
--   first_bad_seq/first_bad_index: the first bad entry, in tree order (NULL when all holds)
--   problem: what is wrong there (NULL when all holds)
--   entries: rows in migstat.audit_log; size: leaves in the tree; pending: committed, not yet sealed
--   root: the tree's root (hex), as migstat.audit_root(size)
-- Checks, each naming the first entry concerned: leaf positions are 0..size-1 without a gap; every
-- leaf's entry exists and hashes to the leaf; every entry is either in the tree or pending (an entry
-- slipped in behind the guards is neither); every interior node is the hash of its two children and
-- none is missing. Against a saved checkpoint, the caller then checks that the checkpoint's root is
-- the root of the first N leaves (consistency; `migstat audit verify --head`).
CREATE OR REPLACE FUNCTION migstat.audit_verify(OUT first_bad_seq bigint, OUT first_bad_index bigint, OUT problem text,
                                     OUT entries bigint, OUT size bigint, OUT pending bigint, OUT root text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_idx bigint;
    v_seq bigint;
    v_l   smallint;
    v_why text;
BEGIN
    PERFORM migstat.require_role('migstat_auditor');
    SELECT count(*) INTO entries FROM migstat.audit_log;
    SELECT count(*) INTO pending FROM migstat.audit_pending;
    SELECT coalesce(max(idx) + 1, 0) INTO size FROM migstat.audit_tree WHERE level = 0;
    -- A missing position (a leaf deleted from the tree).
    IF (SELECT count(*) FROM migstat.audit_tree WHERE level = 0) <> size THEN
        SELECT g INTO v_idx FROM generate_series(0::bigint, size - 1) g
         WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx = g) ORDER BY g LIMIT 1;
        first_bad_index := v_idx;
        SELECT min(t.seq) INTO first_bad_seq FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx > v_idx;
        problem := format('tree position %s is missing (the entry there was removed)', v_idx);
        RETURN;
    END IF;
    -- Leaves against their entries. The leaf hash is written out here as in audit_leaf_hash and
    -- audit_payload (a call per row, with its SET clause, would cost ten times more at a million
    -- entries); 90_audit_chain.sql (every entry the suite wrote, sealed by audit_leaf_hash, verifies)
    -- and 93_audit_tamper.sql (a change is found) check the two agree.
    SELECT t.idx, t.seq, CASE WHEN a.seq IS NULL THEN 'the entry is missing' ELSE 'the entry does not match its leaf hash' END
      INTO v_idx, v_seq, v_why
      FROM migstat.audit_tree t LEFT JOIN migstat.audit_log a ON a.seq = t.seq
     WHERE t.level = 0
       AND (a.seq IS NULL
            OR t.hash <> sha256('\x00'::bytea || convert_to(jsonb_build_object(
                   'seq', a.seq,
                   'at', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   'actor', a.actor::text,
                   'action', a.action,
                   'purpose_id', a.purpose_id,
                   'batch_id', a.batch_id,
                   'details', a.details,
                   'client_addr', host(a.client_addr),
                   'application', a.application,
                   'os_user_reported', a.os_user_reported)::text, 'UTF8')))
     ORDER BY t.idx LIMIT 1;
    IF FOUND THEN
        first_bad_index := v_idx;
        first_bad_seq := v_seq;
        problem := v_why;
    END IF;
    -- Interior nodes against their children (the first leaf below a bad node is named).
    SELECT p.level, p.idx INTO v_l, v_idx
      FROM migstat.audit_tree p
      LEFT JOIN migstat.audit_tree l ON l.level = p.level - 1 AND l.idx = 2 * p.idx
      LEFT JOIN migstat.audit_tree r ON r.level = p.level - 1 AND r.idx = 2 * p.idx + 1
     WHERE p.level > 0 AND (l.hash IS NULL OR r.hash IS NULL OR p.hash <> sha256('\x01'::bytea || l.hash || r.hash))
     ORDER BY p.idx << p.level, p.level LIMIT 1;
    IF FOUND AND (first_bad_index IS NULL OR (v_idx << v_l) < first_bad_index) THEN
        first_bad_index := v_idx << v_l;
        SELECT t.seq INTO first_bad_seq FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx = first_bad_index;
        problem := format('tree node (level %s, index %s) does not match its children', v_l, v_idx);
    END IF;
    -- Every complete subtree must be there.
    IF first_bad_index IS NULL THEN
        SELECT x.l, x.n INTO v_l, v_idx FROM (
            SELECT l::smallint AS l, size >> l AS n,
                   (SELECT count(*) FROM migstat.audit_tree t WHERE t.level = l) AS have
              FROM generate_series(1, 62) l WHERE size >> l > 0) x
         WHERE x.have <> x.n ORDER BY x.l LIMIT 1;
        IF FOUND THEN
            first_bad_index := 0;
            SELECT t.seq INTO first_bad_seq FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx = 0;
            problem := format('the tree has the wrong number of nodes at level %s', v_l);
        END IF;
    END IF;
    IF first_bad_index IS NOT NULL THEN
        RETURN;
    END IF;
    -- Entries that are neither in the tree nor pending (inserted behind the guards, or their
    -- pending row removed).
    SELECT a.seq INTO v_seq FROM migstat.audit_log a
     WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_tree t WHERE t.level = 0 AND t.seq = a.seq)
       AND NOT EXISTS (SELECT 1 FROM migstat.audit_pending p WHERE p.seq = a.seq)
     ORDER BY a.seq LIMIT 1;
    IF FOUND THEN
        first_bad_seq := v_seq;
        problem := 'the entry is neither sealed into the tree nor pending';
        RETURN;
    END IF;
    root := migstat.audit_root(size);
END
$$;
