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
    v_i   bigint;
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
    -- min() rather than ORDER BY idx LIMIT 1: lets the planner scan both tables whole (merge or hash
    -- join, in parallel) instead of probing the log once per leaf.
    SELECT min(t.idx) INTO v_idx
      FROM migstat.audit_tree t LEFT JOIN migstat.audit_log a ON a.seq = t.seq
     WHERE t.level = 0
       AND (a.seq IS NULL
            OR t.hash <> sha256('\x00'::bytea || convert_to(concat('{"seq":', a.seq,
                   ',"at":"', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   '","actor":', to_json(a.actor::text),
                   ',"action":', to_json(a.action),
                   ',"purpose_id":', coalesce(a.purpose_id::text, 'null'),
                   ',"batch_id":', coalesce(a.batch_id::text, 'null'),
                   ',"details":', a.details::text,
                   ',"client_addr":', coalesce(to_json(host(a.client_addr))::text, 'null'),
                   ',"application":', coalesce(to_json(a.application)::text, 'null'),
                   ',"os_user_reported":', coalesce(to_json(a.os_user_reported)::text, 'null'), '}'), 'UTF8')))
    ;
    IF v_idx IS NOT NULL THEN
        first_bad_index := v_idx;
        SELECT t.seq, CASE WHEN a.seq IS NULL THEN 'the entry is missing' ELSE 'the entry does not match its leaf hash' END
          INTO first_bad_seq, problem
          FROM migstat.audit_tree t LEFT JOIN migstat.audit_log a ON a.seq = t.seq
         WHERE t.level = 0 AND t.idx = v_idx;
    END IF;
    -- Interior nodes against their children. A changed node also breaks its parent: the lowest bad
    -- node (then the leftmost) is where the change is, and the first leaf below it is named. Encoded
    -- as level << 56 | idx so that one min() finds it.
    SELECT min((p.level::bigint << 56) | p.idx) INTO v_idx
      FROM migstat.audit_tree p
      LEFT JOIN migstat.audit_tree l ON l.level = p.level - 1 AND l.idx = 2 * p.idx
      LEFT JOIN migstat.audit_tree r ON r.level = p.level - 1 AND r.idx = 2 * p.idx + 1
     WHERE p.level > 0 AND (l.hash IS NULL OR r.hash IS NULL OR p.hash <> sha256('\x01'::bytea || l.hash || r.hash));
    v_l := v_idx >> 56;
    v_i := v_idx & ((1::bigint << 56) - 1);
    IF v_idx IS NOT NULL AND (first_bad_index IS NULL OR (v_i << v_l) < first_bad_index) THEN
        first_bad_index := v_i << v_l;
        v_idx := v_i;
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
