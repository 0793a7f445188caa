-- Completes the loading batch: checks the accounting (stored + rejected = rows read, and at least
-- the rows check_batch removed are declared rejected), seals the table and attaches it as a
-- partition, and writes the audit row (with the numbers of the begin_batch and check_batch calls).
-- When check_batch has not run (migstat.batch.check_call is NULL: whoever calls, superuser or
-- not), it runs here, and a batch with any row to reject is refused. The rows stored are the ones
-- check_batch counted (nothing can be added after it: the loader's INSERT is revoked), so the
-- batch's table is not read again.
CREATE OR REPLACE FUNCTION migstat.finish_batch(p_batch_id integer, p_rows_read integer, p_rejected integer)
RETURNS migstat.batch
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
DECLARE
    v         migstat.batch := migstat.loading_batch(p_batch_id);
    v_table   text := 'batch_' || p_batch_id;
    v_stored  integer;
    v_flagged integer;
BEGIN
    IF v.check_call IS NULL THEN
        SELECT count(*) INTO v_flagged FROM migstat.check_batch(p_batch_id, NULL);
        IF v_flagged > 0 THEN
            RAISE EXCEPTION 'batch % has % rows that cannot be stored: run migstat.check_batch first', p_batch_id, v_flagged
                USING ERRCODE = 'MS422';
        END IF;
    END IF;
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id;
    v_stored := v.accepted;
    IF v_stored + p_rejected <> p_rows_read OR p_rejected < coalesce(v.check_removed, 0) THEN
        RAISE EXCEPTION 'batch accounting does not add up: % stored + % rejected <> % read',
            v_stored, p_rejected, p_rows_read USING ERRCODE = 'MS422';
    END IF;
    EXECUTE format('REVOKE ALL ON migstat_data.%I FROM %I', v_table, session_user);
    EXECUTE format('ALTER TABLE migstat_data.%I ENABLE ROW LEVEL SECURITY', v_table);
    EXECUTE format('ALTER TABLE migstat_data.%I FORCE ROW LEVEL SECURITY', v_table);
    -- The attach checks the partition bounds (purpose and batch) in one scan; check_batch has
    -- checked everything else.
    EXECUTE format('ALTER TABLE migstat_data.%I ATTACH PARTITION migstat_data.%I FOR VALUES IN (%s)',
                   'purpose_' || v.purpose_id, v_table, p_batch_id);
    UPDATE migstat.batch SET status = 'loaded', rows_read = p_rows_read, accepted = v_stored, rejected = p_rejected
     WHERE id = p_batch_id RETURNING * INTO v;
    PERFORM migstat.audit('batch.import', jsonb_build_object('batch', v.id,
                          'source', (SELECT name FROM migstat.source WHERE id = v.source_id),
                          'purpose', (SELECT name FROM migstat.purpose WHERE id = v.purpose_id),
                          'file', v.file_name, 'sha256', v.sha256, 'rows', v.rows_read, 'accepted', v.accepted,
                          'rejected', v.rejected, 'calls', jsonb_build_array(v.begin_call, v.check_call)), v.purpose_id, v.id);
    RETURN v;
END
$$;
