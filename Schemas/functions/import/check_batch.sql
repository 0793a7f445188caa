-- Checks a loading batch after its COPY (step 3 of 4, see begin_batch), once: nothing can be added
-- afterwards (the loader's INSERT is revoked first) and a second call is refused.
--   1. Every row, in one query: the code columns against their lists (migstat.code_condition), the
--      record store's own rules (age 0-130, record_id of 1-64 characters, a 32-byte pseudonym,
--      record_key 0-255: until 0009 CHECKs of migstat.records; a record_id of at most 64 bytes has at
--      most 64 characters, so only a longer one is counted in characters) and the batch's purpose_id,
--      batch_id and source_id (a loader cannot set those four columns: begin_batch grants INSERT on
--      the others only; a superuser can). The batch's
--      table has no CHECK constraint during the COPY (one evaluation per row and constraint is
--      what made the COPY slow); a row that fails fails the whole call, SQLSTATE 23514, naming the
--      line and the column or constraint, never the value (migstat validates before sending: only
--      a hand-made COPY gets here).
--   2. Duplicates, returned as (line_no, column_name, reason), reason a machine code:
--      duplicate_in_batch (every occurrence of a record_id after the first, in line order) or
--      already_stored (in an earlier loaded batch of the same compartment, source within purpose;
--      the answer does not say in which batch). Another purpose's records are never compared: a
--      loader can neither block another purpose's records nor learn which exist.
--      Earlier batches are read only when their record_id range (migstat.record_id_range)
--      overlaps this batch's, so the check does not grow with a compartment's history when record
--      ids grow with time; an overlapping batch is compared whole.
-- The rows it rejects are removed from the batch's table and counted in migstat.batch.check_removed;
-- the rows left are counted in migstat.batch.accepted (finish_batch's accounting, without a
-- second pass). p_candidates: record_ids that may occur more than once in the batch (migstat's
-- filter); NULL: compare every record_id.
-- Every call (also one refused or rolled back) writes the server-log line
--   migstat import call N: user=<session_user> call=check_batch args={"batch": id, "candidates": count} db=<database>
CREATE OR REPLACE FUNCTION migstat.check_batch(p_batch_id integer, p_candidates text[] DEFAULT NULL)
RETURNS TABLE (line_no integer, column_name text, reason text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
DECLARE
    v_call  bigint := nextval('migstat.import_call_seq');
    v       migstat.batch;
    t       text := format('migstat_data.%I', 'batch_' || p_batch_id);
    v_dup   integer[] := '{}';
    v_old   integer[] := '{}';
    v_other integer[];
    v_rows  bigint;
    v_lo    text;
    v_hi    text;
    v_bad   integer;
    v_col   text;
    v_found boolean;
    v_cand_lines integer[];
    v_names      text[];
    v_terms      text[];
    v_cand_ids   text[];
BEGIN
    RAISE LOG 'migstat import call %: user=% call=check_batch args=% db=%', v_call, session_user,
        jsonb_build_object('batch', p_batch_id, 'candidates', cardinality(p_candidates)), current_database();
    v := migstat.loading_batch(p_batch_id);
    IF v.check_call IS NOT NULL THEN
        RAISE EXCEPTION 'batch % was already checked (call %)', p_batch_id, v.check_call
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE format('REVOKE INSERT ON %s FROM %I', t, session_user);
    -- 1. Codes, this batch's record_id range and the rows of the candidates, in one pass over the
    -- rows (the candidates are a constant list, which the planner hashes).
    SELECT array_agg(x.name ORDER BY x.ord), array_agg(x.term ORDER BY x.ord) INTO v_names, v_terms
      FROM (SELECT d.ord, d.name, migstat.code_condition(d.name) AS term FROM migstat.dimension d
             WHERE d.is_record_column AND d.code_list IS NOT NULL
            UNION ALL
            SELECT 1000 + r.n, r.name, r.term
              FROM (VALUES (1, 'age', 'coalesce(age BETWEEN 0 AND 130, true)'),
                           (2, 'record_id', 'coalesce(octet_length(record_id) BETWEEN 1 AND 64 OR length(record_id) BETWEEN 1 AND 64, true)'),
                           (3, 'person_pseudonym', 'coalesce(octet_length(person_pseudonym) = 32, true)'),
                           (4, 'record_key', 'coalesce(record_key BETWEEN 0 AND 255, true)')) AS r(n, name, term)
            UNION ALL
            SELECT 2000, 'purpose_id, batch_id, source_id',
                   format('(s.purpose_id = %s AND s.batch_id = %s AND s.source_id = %s)', v.purpose_id, p_batch_id, v.source_id)) x;
    EXECUTE format($q$SELECT count(*), min(s.record_id COLLATE "C"), max(s.record_id COLLATE "C"),
                             min(s.line_no) FILTER (WHERE NOT (%1$s)),
                             array_agg(s.line_no) FILTER (WHERE %2$s), array_agg(s.record_id) FILTER (WHERE %2$s)
                        FROM %3$s s$q$,
                   array_to_string(v_terms, ' AND '),
                   CASE WHEN cardinality(p_candidates) > 0 THEN format('s.record_id = ANY (%L::text[])', p_candidates)
                        ELSE 'false' END,
                   t)
       INTO v_rows, v_lo, v_hi, v_bad, v_cand_lines, v_cand_ids;
    IF v_bad IS NOT NULL THEN
        FOR i IN 1 .. cardinality(v_terms) LOOP
            v_col := v_names[i];
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s s WHERE s.line_no = %s AND NOT (%s))', t, v_bad, v_terms[i])
               INTO STRICT v_found;
            EXIT WHEN v_found;
        END LOOP;
        RAISE EXCEPTION 'batch %, line %: % fails its check (a code not in its list, or a value the record store refuses)',
            p_batch_id, v_bad, v_col
            USING ERRCODE = 'check_violation', DETAIL = format('line=%s column=%s', v_bad, v_col);
    END IF;
    -- 2a. Within the batch: every occurrence after the first (in line order) is a duplicate. With
    -- candidates, among their rows found above; without, every record_id is compared.
    IF p_candidates IS NULL THEN
        EXECUTE format($q$
            SELECT coalesce(array_agg(d.line_no ORDER BY d.line_no), '{}')
              FROM (SELECT s.line_no, row_number() OVER (PARTITION BY s.record_id ORDER BY s.line_no) AS n
                      FROM %1$s s
                     WHERE s.record_id IN (SELECT x.record_id FROM %1$s x GROUP BY x.record_id HAVING count(*) > 1)) d
             WHERE d.n > 1$q$, t)
        INTO v_dup;
    ELSIF v_cand_lines IS NOT NULL THEN
        SELECT coalesce(array_agg(d.l ORDER BY d.l), '{}') INTO v_dup
          FROM (SELECT u.l, row_number() OVER (PARTITION BY u.r ORDER BY u.l) AS n
                  FROM unnest(v_cand_lines, v_cand_ids) AS u(l, r)) d
         WHERE d.n > 1;
    END IF;
    -- 2b. Earlier batches of the same compartment whose record_id range overlaps this one's: only
    -- their partitions are read. The answer is only "already stored": it does not say in which batch.
    PERFORM migstat.record_id_ranges(v.purpose_id);
    IF v_lo IS NOT NULL THEN
        SELECT array_agg(r.batch_id ORDER BY r.batch_id) INTO v_other
          FROM migstat.record_id_range r
         WHERE r.purpose_id = v.purpose_id AND r.source_id = v.source_id AND r.lo <= v_hi AND r.hi >= v_lo
           AND r.batch_id IN (SELECT b.id FROM migstat.batch b WHERE b.status = 'loaded');
    END IF;
    IF v_other IS NOT NULL THEN
        EXECUTE format($q$
            SELECT coalesce(array_agg(s.line_no ORDER BY s.line_no), '{}')
              FROM %s s
             WHERE s.record_id IN (SELECT r.record_id FROM migstat.records r
                                    WHERE r.purpose_id = %s AND r.batch_id = ANY (%L::integer[])
                                      AND r.record_id COLLATE "C" BETWEEN %L AND %L)$q$,
            t, v.purpose_id, v_other, v_lo, v_hi)
        INTO v_old;
    END IF;
    IF cardinality(v_dup) + cardinality(v_old) > 0 THEN
        EXECUTE format('DELETE FROM %s s WHERE s.line_no = ANY ($1)', t) USING v_dup || v_old;
        GET DIAGNOSTICS v_bad = ROW_COUNT;
        v_rows := v_rows - v_bad;
        -- The range of what is left (narrower, never wider).
        EXECUTE format('SELECT min(s.record_id COLLATE "C"), max(s.record_id COLLATE "C") FROM %s s', t) INTO v_lo, v_hi;
    END IF;
    IF v_lo IS NOT NULL THEN
        INSERT INTO migstat.record_id_range (purpose_id, batch_id, source_id, lo, hi)
        VALUES (v.purpose_id, p_batch_id, v.source_id, v_lo, v_hi);
    END IF;
    UPDATE migstat.batch SET check_removed = coalesce(check_removed, 0)
                                             + (SELECT count(DISTINCT x) FROM unnest(v_dup || v_old) x),
                             accepted = v_rows, check_call = v_call
     WHERE id = p_batch_id;
    RETURN QUERY
        SELECT u.l, 'record_id', 'duplicate_in_batch' FROM unnest(v_dup) AS u(l)
        UNION ALL
        SELECT u.l, 'record_id', 'already_stored' FROM unnest(v_old) AS u(l);
END
$$;
