-- migstat 0004: importing batches.
--
-- One import = one transaction in the loader's session:
--   1. migstat.begin_batch(...)  registers the batch and creates its empty table
--                                migstat_data.batch_<id>, on which the caller gets INSERT only;
--   2. COPY migstat_data.batch_<id> (...) FROM STDIN   rows already validated and encoded by migstat;
--   3. migstat.check_batch(id)   duplicates (within the batch, and against this source's stored
--                                records, without saying where those live) and code checks, as
--                                (line_no, column, reason) rows;
--   4. migstat.finish_batch(...) drops the rows check_batch rejects, revokes the INSERT grant, forces RLS and
--                                attaches the table as a partition; writes the audit row.
-- Killed at any point, the transaction rolls back and nothing of the batch exists.
SET LOCAL ROLE migstat_owner;

CREATE FUNCTION migstat.begin_batch(p_source text, p_purpose text, p_file_name text, p_sha256 text,
                                    OUT batch_id integer, OUT table_name text, OUT key_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
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
    -- INSERT only (COPY FROM needs it); no SELECT: the loader cannot read back what it sends.
    EXECUTE format('GRANT INSERT ON migstat_data.%I TO %I', 'batch_' || batch_id, session_user);
    key_id := v_p.key_id;
END
$$;
GRANT EXECUTE ON FUNCTION migstat.begin_batch(text, text, text, text) TO migstat_loader;

CREATE FUNCTION migstat.loading_batch(p_batch_id integer) RETURNS migstat.batch
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v migstat.batch;
BEGIN
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id;
    IF NOT FOUND OR v.status <> 'loading' OR v.imported_by <> session_user THEN
        RAISE EXCEPTION 'batch % is not being loaded by %', p_batch_id, session_user
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN v;
END
$$;

-- Rows of the loading batch that cannot be stored: (line_no, column, reason).
CREATE FUNCTION migstat.check_batch(p_batch_id integer)
RETURNS TABLE (line_no integer, column_name text, reason text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v  migstat.batch := migstat.loading_batch(p_batch_id);
    t  text := format('migstat_data.%I', 'batch_' || p_batch_id);
BEGIN
    -- Codes must be ids of their (active) list: rows COPYed by hand (psql) get the same checks as
    -- migstat's own. One scan; the first offending column of a row is named.
    RETURN QUERY EXECUTE format($q$
        WITH l AS (
            SELECT array_agg(id) FILTER (WHERE dimension = 'direction') AS direction,
                   array_agg(id) FILTER (WHERE dimension = 'sex') AS sex,
                   array_agg(id) FILTER (WHERE dimension = 'country') AS country,
                   array_agg(id) FILTER (WHERE dimension = 'region') AS region,
                   array_agg(id) FILTER (WHERE dimension = 'reason') AS reason,
                   array_agg(id) FILTER (WHERE dimension = 'occupation') AS occupation,
                   array_agg(id) FILTER (WHERE dimension = 'worker_category') AS worker_category,
                   array_agg(id) FILTER (WHERE dimension = 'ethnicity') AS ethnicity,
                   array_agg(id) FILTER (WHERE dimension = 'migration_status') AS migration_status,
                   array_agg(id) FILTER (WHERE dimension = 'disability') AS disability
              FROM migstat.code WHERE active)
        SELECT x.line_no, x.col, 'not in the code list'
          FROM (SELECT s.line_no,
                       CASE WHEN NOT s.direction = ANY (l.direction) THEN 'direction'
                            WHEN NOT s.sex = ANY (l.sex) THEN 'sex'
                            WHEN NOT s.nationality = ANY (l.country) THEN 'nationality'
                            WHEN NOT s.country = ANY (l.country) THEN 'country'
                            WHEN NOT s.region = ANY (l.region) THEN 'region'
                            WHEN NOT s.reason = ANY (l.reason) THEN 'reason'
                            WHEN NOT s.occupation = ANY (l.occupation) THEN 'occupation'
                            WHEN NOT s.worker_category = ANY (l.worker_category) THEN 'worker_category'
                            WHEN NOT s.ethnicity = ANY (l.ethnicity) THEN 'ethnicity'
                            WHEN NOT s.migration_status = ANY (l.migration_status) THEN 'migration_status'
                            WHEN NOT s.disability = ANY (l.disability) THEN 'disability'
                       END AS col
                  FROM %s s, l) x
         WHERE x.col IS NOT NULL$q$, t);
    RETURN QUERY EXECUTE format($q$
        SELECT d.line_no, 'record_id', 'duplicate record_id within the batch'
          FROM (SELECT s.line_no, row_number() OVER (PARTITION BY s.record_id ORDER BY s.line_no) AS n FROM %s s) d
         WHERE d.n > 1$q$, t);
    -- Earlier batches of the same source, whatever their purpose. The answer is only "already
    -- stored": it does not say in which batch or compartment.
    RETURN QUERY EXECUTE format($q$
        SELECT s.line_no, 'record_id', 'record_id already stored for this source'
          FROM %s s
         WHERE EXISTS (SELECT 1 FROM migstat.records r
                        WHERE r.source_id = %s AND r.record_id = s.record_id AND r.batch_id <> %s)$q$,
        t, v.source_id, p_batch_id);
END
$$;
GRANT EXECUTE ON FUNCTION migstat.check_batch(integer) TO migstat_loader;

-- Completes the loading batch: removes the rows check_batch rejects (when p_recheck), checks the
-- accounting (stored + rejected = rows read), seals the table and attaches it as a partition.
CREATE FUNCTION migstat.finish_batch(p_batch_id integer, p_rows_read integer, p_rejected integer,
                                     p_recheck boolean DEFAULT false)
RETURNS migstat.batch
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v         migstat.batch := migstat.loading_batch(p_batch_id);
    v_table   text := 'batch_' || p_batch_id;
    v_stored  integer;
BEGIN
    IF p_recheck THEN
        EXECUTE format('DELETE FROM migstat_data.%I s WHERE s.line_no IN (SELECT c.line_no FROM migstat.check_batch(%s) c)',
                       v_table, p_batch_id);
    END IF;
    EXECUTE format('SELECT count(*) FROM migstat_data.%I', v_table) INTO v_stored;
    IF v_stored + p_rejected <> p_rows_read OR p_rejected < 0 THEN
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
GRANT EXECUTE ON FUNCTION migstat.finish_batch(integer, integer, integer, boolean) TO migstat_loader;

-- Withdraws a batch sent by mistake: drops its partition (all its records, physically) and keeps
-- the batch's metadata row, marked withdrawn, with who, when and why. Loaders of the batch's
-- purpose and administrators may withdraw.
CREATE FUNCTION migstat.withdraw_batch(p_batch_id integer, p_reason text)
RETURNS migstat.batch
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
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
        RAISE EXCEPTION 'permission denied: cannot withdraw batch %', p_batch_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'a reason is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('DROP TABLE migstat_data.%I', 'batch_' || p_batch_id);
    UPDATE migstat.batch SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = session_user,
                             withdraw_reason = p_reason
     WHERE id = p_batch_id RETURNING * INTO v;
    PERFORM migstat.audit('batch.withdraw', jsonb_build_object('batch', v.id, 'reason', p_reason,
                          'records_removed', v.accepted), v.purpose_id, v.id);
    RETURN v;
END
$$;
GRANT EXECUTE ON FUNCTION migstat.withdraw_batch(integer, text) TO migstat_loader, migstat_admin;

-- Batch summaries with names instead of ids.
CREATE VIEW migstat.batches AS
    SELECT b.id, s.name AS source, p.name AS purpose, b.file_name, b.sha256, b.rows_read, b.accepted,
           b.rejected, b.status, b.imported_at, b.imported_by, b.withdrawn_at, b.withdrawn_by, b.withdraw_reason
      FROM migstat.batch b
      JOIN migstat.source s ON s.id = b.source_id
      JOIN migstat.purpose p ON p.id = b.purpose_id;
GRANT SELECT ON migstat.batches TO migstat_loader, migstat_auditor, migstat_admin, migstat_steward;

-- Replaces (or extends) a code list. Codes keep their ids; codes that are no longer listed are
-- deactivated (records may still hold them), never deleted. Administrators only.
CREATE FUNCTION migstat.load_codes(p_dimension text, p_codes text[], p_labels text[], p_parents text[] DEFAULT NULL,
                                   p_levels smallint[] DEFAULT NULL, p_replace boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_n integer;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF array_length(p_codes, 1) IS DISTINCT FROM array_length(p_labels, 1) THEN
        RAISE EXCEPTION 'codes and labels differ in length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_replace THEN
        UPDATE migstat.code SET active = false WHERE dimension = p_dimension AND NOT (code = ANY (p_codes));
    END IF;
    INSERT INTO migstat.code AS c (dimension, id, code, label, parent, level, sort_order)
    SELECT p_dimension,
           coalesce((SELECT max(id) FROM migstat.code WHERE dimension = p_dimension), 0)
               + row_number() OVER (ORDER BY u.ord),
           upper(u.code), u.label, p_parents[u.ord], coalesce(p_levels[u.ord], 1), u.ord
      FROM unnest(p_codes, p_labels) WITH ORDINALITY AS u(code, label, ord)
    ON CONFLICT (dimension, code) DO UPDATE
       SET label = EXCLUDED.label, parent = EXCLUDED.parent, level = EXCLUDED.level,
           sort_order = EXCLUDED.sort_order, active = true;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM migstat.audit('codes.load', jsonb_build_object('dimension', p_dimension, 'codes', v_n,
                          'replace', p_replace));
    RETURN v_n;
END
$$;
GRANT EXECUTE ON FUNCTION migstat.load_codes(text, text[], text[], text[], smallint[], boolean) TO migstat_admin;
