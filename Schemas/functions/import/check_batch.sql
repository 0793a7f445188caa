-- The rows of a loading batch that cannot be stored, as (line_no, column_name, reason), reason a
-- machine code: duplicate_in_batch (every occurrence of a record_id after the first, in line order)
-- or already_stored (in an earlier loaded batch of the same source; the answer does not say in
-- which batch or compartment). They are removed from the batch's table, counted in
-- migstat.batch.check_removed, and the loader's INSERT is revoked (nothing can be added after the
-- check). p_candidates: record_ids that may occur more than once in the batch (migstat's filter);
-- NULL: compare every record_id.
CREATE OR REPLACE FUNCTION migstat.check_batch(p_batch_id integer, p_candidates text[] DEFAULT NULL)
RETURNS TABLE (line_no integer, column_name text, reason text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
DECLARE
    v       migstat.batch := migstat.loading_batch(p_batch_id);
    t       text := format('migstat_data.%I', 'batch_' || p_batch_id);
    v_dup   integer[] := '{}';
    v_old   integer[] := '{}';
    v_other integer[];
BEGIN
    EXECUTE format('REVOKE INSERT ON %s FROM %I', t, session_user);
    -- Within the batch: every occurrence after the first (in line order) is a duplicate.
    IF p_candidates IS NULL OR cardinality(p_candidates) > 0 THEN
        EXECUTE format($q$
            SELECT coalesce(array_agg(d.line_no ORDER BY d.line_no), '{}')
              FROM (SELECT s.line_no, row_number() OVER (PARTITION BY s.record_id ORDER BY s.line_no) AS n
                      FROM %1$s s
                     WHERE %2$s) d
             WHERE d.n > 1$q$, t,
            CASE WHEN p_candidates IS NULL
                 THEN format('s.record_id IN (SELECT x.record_id FROM %s x GROUP BY x.record_id HAVING count(*) > 1)', t)
                 ELSE 's.record_id = ANY ($1)' END)
        INTO v_dup USING p_candidates;
    END IF;
    -- Earlier batches of the same source, whatever their purpose: only their partitions are read.
    -- The answer is only "already stored": it does not say in which batch or compartment.
    SELECT array_agg(b.id ORDER BY b.id) INTO v_other
      FROM migstat.batch b WHERE b.source_id = v.source_id AND b.status = 'loaded' AND b.id <> p_batch_id;
    IF v_other IS NOT NULL THEN
        EXECUTE format($q$
            SELECT coalesce(array_agg(s.line_no ORDER BY s.line_no), '{}')
              FROM %s s
             WHERE s.record_id IN (SELECT r.record_id FROM migstat.records r
                                    WHERE r.batch_id = ANY (%L::integer[]) AND r.source_id = %s)$q$,
            t, v_other, v.source_id)
        INTO v_old;
    END IF;
    IF cardinality(v_dup) + cardinality(v_old) > 0 THEN
        EXECUTE format('DELETE FROM %s s WHERE s.line_no = ANY ($1)', t) USING v_dup || v_old;
        UPDATE migstat.batch SET check_removed = coalesce(check_removed, 0)
                                                 + (SELECT count(DISTINCT x) FROM unnest(v_dup || v_old) x)
         WHERE id = p_batch_id;
    END IF;
    RETURN QUERY
        SELECT u.l, 'record_id', 'duplicate_in_batch' FROM unnest(v_dup) AS u(l)
        UNION ALL
        SELECT u.l, 'record_id', 'already_stored' FROM unnest(v_old) AS u(l);
END
$$;
