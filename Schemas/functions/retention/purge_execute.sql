-- migstat.purge_execute: purges a purpose whose purge is due (administrators; the scheduled run as
-- the DBA), in one transaction: killed half-way, nothing of it happened.
--   1. its declared tables are released once more if the latest release does not cover its loaded
--      batches (migstat.programme_compute), so the statistics outlive the records;
--   2. its record-level storage goes by migstat.drop_record_storage: the purpose partition with
--      every batch partition, and every unattached batch table of it (an import that never
--      finished) -- records, pseudonyms, record keys;
--   3. what only protected the records goes too: the withheld values of its releases (published
--      cells stay, marked preserved by the purpose's state) and the certificates' true values; its
--      compartment roles are dropped;
--   4. batches are marked purged, the purpose purged; the purge is recorded (migstat.purge) with
--      the batches' SHA-256 and rows and the dropped files, for migstat.purge_verify, which checks
--      after commit that nothing remains and writes the receipt.
-- Returns the purge's id.
CREATE OR REPLACE FUNCTION migstat.purge_execute(p_purpose text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
DECLARE
    v        migstat.purpose;
    v_latest migstat.programme_run;
    v_run    bigint;
    v_drop   record;
    v_id     bigint;
    v_k      text;
BEGIN
    IF NOT (migstat.caller_is('migstat_admin') OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
        RAISE EXCEPTION 'permission denied: % may not purge', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF v.status = 'purged' THEN
        RAISE EXCEPTION 'purpose "%" is already purged', p_purpose USING ERRCODE = 'MS410';
    END IF;
    IF v.status = 'active' AND v.retain_until > current_date THEN
        RAISE EXCEPTION 'purpose "%" is not due before %', p_purpose, v.retain_until USING ERRCODE = 'invalid_parameter_value',
            HINT = 'end it first when its purpose is achieved: migstat purpose end ' || p_purpose || ' --reason TEXT';
    END IF;
    -- No import of it runs meanwhile; nothing new starts.
    PERFORM pg_advisory_xact_lock(hashtext('migstat.purge'), v.id);
    PERFORM migstat.purge_due_receipt(v.id);

    -- 1. The statistics that outlive the records.
    IF EXISTS (SELECT 1 FROM migstat.declared_table d WHERE d.purpose_id = v.id AND d.retired_at IS NULL) THEN
        SELECT * INTO v_latest FROM migstat.programme_run r WHERE r.purpose_id = v.id ORDER BY r.id DESC LIMIT 1;
        IF v_latest.id IS NULL
           OR v_latest.batches IS DISTINCT FROM ARRAY(SELECT b.id FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status = 'loaded' ORDER BY b.id)
           OR v_latest.tables IS DISTINCT FROM ARRAY(SELECT d.id FROM migstat.declared_table d WHERE d.purpose_id = v.id AND d.retired_at IS NULL ORDER BY d.id) THEN
            v_run := migstat.programme_compute(v.id);
            PERFORM migstat.audit('programme.release', jsonb_build_object('run', v_run, 'before_purge', true,
                'tables', (SELECT jsonb_agg(d.name ORDER BY d.id) FROM migstat.declared_table d WHERE d.purpose_id = v.id AND d.retired_at IS NULL)), v.id);
        ELSE
            v_run := v_latest.id;
        END IF;
    END IF;

    -- 2. The storage.
    SELECT * INTO v_drop FROM migstat.drop_record_storage(
        ARRAY['purpose_' || v.id] || ARRAY(SELECT 'batch_' || b.id FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status = 'loading'));

    -- 3. What only protected the records.
    UPDATE migstat.programme_cell c SET v = NULL
      FROM migstat.programme_run r WHERE r.purpose_id = v.id AND c.run_id = r.id AND c.status IN ('A', 'D');
    UPDATE migstat.programme_run r SET method = (r.method - 'certificates') || jsonb_build_object('certificates_removed_at', now())
     WHERE r.purpose_id = v.id;
    FOREACH v_k IN ARRAY ARRAY['load', 'read', 'special'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = migstat.compartment_role(v.name, v_k)) THEN
            EXECUTE format('DROP ROLE %I', migstat.compartment_role(v.name, v_k));
        END IF;
    END LOOP;

    -- 4. The record of it.
    INSERT INTO migstat.purge (purpose_id, batches, rows_dropped, relations, files, preserved_run)
    VALUES (v.id,
            coalesce((SELECT jsonb_agg(jsonb_build_object('batch', b.id, 'sha256', b.sha256, 'status', b.status, 'rows', b.accepted) ORDER BY b.id)
                        FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status IN ('loading', 'loaded')), '[]'),
            (SELECT coalesce(sum(b.accepted), 0) FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status = 'loaded'),
            v_drop.relations, v_drop.files, v_run)
    RETURNING id INTO v_id;
    UPDATE migstat.batch SET status = 'purged' WHERE purpose_id = v.id AND status IN ('loading', 'loaded');
    UPDATE migstat.purpose SET status = 'purged', purged_at = now(), purged_by = session_user WHERE id = v.id;
    RETURN v_id;
END
$fn$;
