-- migstat 0010: the import's database checks folded into the load (same guarantees, fewer scans).
-- It replaces 0009 (code checks as ranges, duplicates by a unique index), whose file was removed:
-- everything 0009 defined, 0010 drops or redefines, so databases with or without 0009 end alike.
--
-- Measured by Scripts/bench-import.sh at 1M rows (Benchmarks/README.md): after the COPY,
-- check_batch scanned the batch for codes (0.2 s), built a unique index on record_id to find
-- duplicates within the batch (0.5 s) and probed every earlier batch of the source; finish_batch
-- ran the checks a second time when anything had been rejected. Now:
--   * codes: begin_batch gives the batch's table one CHECK constraint per code column (the active
--     ids of its list, as a range when they are contiguous), so COPY itself refuses a code that is
--     not in its list: hand-made COPYs included, and no extra scan;
--   * duplicates within the batch: migstat finds the candidates while it streams (a fixed-size
--     filter, so memory does not grow with the file) and passes them to check_batch, which
--     confirms them exactly against the stored rows; without candidates (NULL: psql, or too many)
--     check_batch compares every record_id (one hash aggregate);
--   * duplicates against earlier batches of the source: only when the source has such batches,
--     and only in those batches' partitions (pruned at plan time);
--   * check_batch removes the rows it rejects, counts them in migstat.batch.check_removed and
--     revokes the loader's INSERT, so the checked table cannot change before finish_batch, which
--     refuses to declare fewer rejected rows than that; finish_batch runs the checks itself when
--     check_batch was not called (a hand-made import), and then refuses any batch with a row to
--     reject;
--   * begin_batch holds a SHARE lock on migstat.code until the import ends, so the code lists
--     migstat validates with (read after begin_batch) are the ones the CHECK constraints enforce:
--     a code-list change waits for running imports, and they for it.
SET LOCAL ROLE migstat_owner;

ALTER TABLE migstat.batch ADD COLUMN check_removed integer;
COMMENT ON COLUMN migstat.batch.check_removed IS 'rows check_batch removed from the loading batch';

-- The CHECK constraints of a loading batch's code columns: "direction BETWEEN 1 AND 3", or
-- "region = ANY ('{...}'::smallint[])" when the list's active ids are not contiguous. A list with
-- no active code admits no value (NULL stays allowed where the column is nullable).
CREATE FUNCTION migstat.code_constraints(p_table text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    c      record;
    lo     smallint;
    hi     smallint;
    v_n    integer;
    v_sql  text := '';
BEGIN
    FOR c IN SELECT * FROM (VALUES (1, 'direction', 'direction'), (2, 'sex', 'sex'), (3, 'nationality', 'country'),
                                   (4, 'country', 'country'), (5, 'region', 'region'), (6, 'reason', 'reason'),
                                   (7, 'occupation', 'occupation'), (8, 'worker_category', 'worker_category'),
                                   (9, 'ethnicity', 'ethnicity'), (10, 'migration_status', 'migration_status'),
                                   (11, 'disability', 'disability')) AS x(n, col, dim) ORDER BY n
    LOOP
        SELECT min(id), max(id), count(*) INTO lo, hi, v_n FROM migstat.code WHERE dimension = c.dim AND active;
        v_sql := v_sql || format(', ADD CONSTRAINT %I CHECK (%s)', c.col || '_in_code_list',
            CASE WHEN v_n > 0 AND hi - lo + 1 = v_n THEN format('%I BETWEEN %s AND %s', c.col, lo, hi)
                 ELSE format('%I = ANY (%L::smallint[])', c.col,
                      (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM migstat.code
                        WHERE dimension = c.dim AND active)) END);
    END LOOP;
    RETURN format('ALTER TABLE %s %s', p_table, substr(v_sql, 3));
END
$$;
REVOKE ALL ON FUNCTION migstat.code_constraints(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION migstat.begin_batch(p_source text, p_purpose text, p_file_name text, p_sha256 text,
                                    OUT batch_id integer, OUT table_name text, OUT key_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
DECLARE
    v_p    migstat.purpose;
    v_src  smallint;
    v_prev integer;
BEGIN
    PERFORM migstat.require_role('migstat_loader');
    v_p := migstat.require_compartment(p_purpose, 'load');
    IF v_p.retain_until < current_date THEN
        RAISE EXCEPTION 'purpose "%" is past its retention date (%): its data must be purged, not extended',
            p_purpose, v_p.retain_until USING ERRCODE = 'MS410';
    END IF;
    -- Imports of one source run one at a time, so duplicate checks see every earlier batch.
    INSERT INTO migstat.source (name) VALUES (p_source) ON CONFLICT (name) DO NOTHING;
    SELECT id INTO v_src FROM migstat.source WHERE name = p_source;
    PERFORM pg_advisory_xact_lock(hashtext('migstat.source'), v_src);
    PERFORM pg_advisory_xact_lock(hashtext('migstat.batch'), hashtext(p_sha256));
    SELECT id INTO v_prev FROM migstat.batch WHERE sha256 = p_sha256 AND status IN ('loading', 'loaded');
    IF FOUND THEN
        RAISE EXCEPTION 'this file was already imported as batch %', v_prev
            USING ERRCODE = 'MS409', DETAIL = format('batch=%s', v_prev);
    END IF;
    INSERT INTO migstat.batch (source_id, purpose_id, file_name, sha256)
    VALUES (v_src, v_p.id, p_file_name, p_sha256) RETURNING id INTO batch_id;
    table_name := 'migstat_data.batch_' || batch_id;
    EXECUTE format($f$CREATE TABLE migstat_data.%I (LIKE migstat.records INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                       CHECK (purpose_id = %s AND batch_id = %s AND source_id = %s))$f$,
                   'batch_' || batch_id, v_p.id, batch_id, v_src);
    EXECUTE format('ALTER TABLE migstat_data.%I ALTER purpose_id SET DEFAULT %s, ALTER batch_id SET DEFAULT %s, '
                   'ALTER source_id SET DEFAULT %s', 'batch_' || batch_id, v_p.id, batch_id, v_src);
    -- Codes: checked by COPY, row by row, against the lists as they are now and stay until the
    -- import ends (no code-list change can come in between).
    LOCK TABLE migstat.code IN SHARE MODE;
    EXECUTE migstat.code_constraints(format('migstat_data.%I', 'batch_' || batch_id));
    -- INSERT only (COPY FROM needs it); no SELECT: the loader cannot read back what it sends.
    EXECUTE format('GRANT INSERT ON migstat_data.%I TO %I', 'batch_' || batch_id, session_user);
    key_id := v_p.key_id;
END
$$;

-- The rows of a loading batch that cannot be stored, as (line_no, column_name, reason); they are
-- removed from the batch's table, and the loader's INSERT is revoked (nothing can be added after
-- the check). p_candidates: record_ids that may occur more than once in the batch (migstat's
-- filter); NULL: compare every record_id.
DROP FUNCTION migstat.check_batch(integer);
CREATE FUNCTION migstat.check_batch(p_batch_id integer, p_candidates text[] DEFAULT NULL)
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
        SELECT u.l, 'record_id', 'duplicate record_id within the batch' FROM unnest(v_dup) AS u(l)
        UNION ALL
        SELECT u.l, 'record_id', 'record_id already stored for this source' FROM unnest(v_old) AS u(l);
END
$$;
REVOKE ALL ON FUNCTION migstat.check_batch(integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION migstat.check_batch(integer, text[]) TO migstat_loader;

-- Completes the loading batch: checks the accounting (stored + rejected = rows read, and at least
-- the rows check_batch removed are declared rejected), seals the table and attaches it as a partition. When check_batch was not run (the loader still holds
-- INSERT), the checks run here, and a batch with any row to reject is refused.
DROP FUNCTION migstat.finish_batch(integer, integer, integer, boolean);
CREATE FUNCTION migstat.finish_batch(p_batch_id integer, p_rows_read integer, p_rejected integer)
RETURNS migstat.batch
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
DECLARE
    v         migstat.batch := migstat.loading_batch(p_batch_id);
    v_table   text := 'batch_' || p_batch_id;
    v_stored  integer;
    v_flagged integer;
BEGIN
    IF has_table_privilege(session_user, format('migstat_data.%I', v_table), 'INSERT') THEN
        SELECT count(*) INTO v_flagged FROM migstat.check_batch(p_batch_id, NULL);
        IF v_flagged > 0 THEN
            RAISE EXCEPTION 'batch % has % rows that cannot be stored: run migstat.check_batch first', p_batch_id, v_flagged
                USING ERRCODE = 'MS422';
        END IF;
    END IF;
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id;
    EXECUTE format('SELECT count(*) FROM migstat_data.%I', v_table) INTO v_stored;
    IF v_stored + p_rejected <> p_rows_read OR p_rejected < coalesce(v.check_removed, 0) THEN
        RAISE EXCEPTION 'batch accounting does not add up: % stored + % rejected <> % read',
            v_stored, p_rejected, p_rows_read USING ERRCODE = 'MS422';
    END IF;
    EXECUTE format('REVOKE ALL ON migstat_data.%I FROM %I', v_table, session_user);
    EXECUTE format('ALTER TABLE migstat_data.%I ENABLE ROW LEVEL SECURITY', v_table);
    EXECUTE format('ALTER TABLE migstat_data.%I FORCE ROW LEVEL SECURITY', v_table);
    EXECUTE format('ALTER TABLE migstat_data.%I ATTACH PARTITION migstat_data.%I FOR VALUES IN (%s)',
                   'purpose_' || v.purpose_id, v_table, p_batch_id);
    UPDATE migstat.batch SET status = 'loaded', rows_read = p_rows_read, accepted = v_stored, rejected = p_rejected
     WHERE id = p_batch_id RETURNING * INTO v;
    PERFORM migstat.audit('batch.import', jsonb_build_object('batch', v.id,
                          'source', (SELECT name FROM migstat.source WHERE id = v.source_id),
                          'purpose', (SELECT name FROM migstat.purpose WHERE id = v.purpose_id),
                          'file', v.file_name, 'sha256', v.sha256, 'rows', v.rows_read, 'accepted', v.accepted,
                          'rejected', v.rejected), v.purpose_id, v.id);
    RETURN v;
END
$$;
REVOKE ALL ON FUNCTION migstat.finish_batch(integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION migstat.finish_batch(integer, integer, integer) TO migstat_loader;
