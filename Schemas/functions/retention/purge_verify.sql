-- migstat.purge_verify: checks, after the purge's transaction committed, that nothing of the purpose
-- remains, and writes the purge's receipt (audit purge.executed): purpose, batches with SHA-256 and
-- rows, when, by whom, and the verification -- no record of the purpose in migstat.records, no
-- table of it in the catalog (attached or not), and after a CHECKPOINT none of the dropped
-- relations' files in the data directory. Administrators and the scheduled run; run again, it
-- checks again (a purge whose verification was interrupted is completed this way). Returns the
-- verification.
CREATE OR REPLACE FUNCTION migstat.purge_verify(p_purge bigint) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
DECLARE
    g        migstat.purge;
    v        migstat.purpose;
    v_rows   bigint;
    v_tables text[];
    v_files  text[];
    v_out    jsonb;
    v_ok     boolean;
BEGIN
    IF NOT (migstat.caller_is('migstat_admin') OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
        RAISE EXCEPTION 'permission denied: % may not verify purges', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO g FROM migstat.purge WHERE id = p_purge FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no purge %', p_purge USING ERRCODE = 'MS404';
    END IF;
    SELECT * INTO v FROM migstat.purpose WHERE id = g.purpose_id;
    IF pg_xact_status((SELECT x.xmin::text::xid8 FROM migstat.purge x WHERE x.id = p_purge)) = 'in progress' THEN
        RAISE EXCEPTION 'verify purge % after its transaction has committed', p_purge USING ERRCODE = 'invalid_transaction_state';
    END IF;
    PERFORM migstat_super.checkpoint();
    SELECT count(*) INTO v_rows FROM migstat.records r WHERE r.purpose_id = g.purpose_id;
    v_tables := ARRAY(SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'migstat_data'
                         AND (c.relname = 'purpose_' || g.purpose_id
                              OR c.relname IN (SELECT 'batch_' || b.id FROM migstat.batch b WHERE b.purpose_id = g.purpose_id)
                              OR c.oid::regclass::text = ANY (g.relations)));
    v_files := ARRAY(SELECT f FROM unnest(g.files) f WHERE pg_stat_file(f, true) IS NOT NULL);
    v_ok := v_rows = 0 AND cardinality(v_tables) = 0 AND cardinality(v_files) = 0 AND v.status = 'purged';
    v_out := jsonb_build_object('ok', v_ok, 'records_left', v_rows, 'tables_left', to_jsonb(v_tables),
                                'files_checked', cardinality(g.files), 'files_left', to_jsonb(v_files), 'checkpoint', true,
                                'at', clock_timestamp());
    UPDATE migstat.purge SET verified_at = CASE WHEN v_ok THEN clock_timestamp() END, verification = v_out WHERE id = g.id;
    IF v_ok THEN
        UPDATE migstat.purpose SET purge_verified_at = clock_timestamp() WHERE id = g.purpose_id;
    END IF;
    PERFORM migstat.audit('purge.executed', jsonb_build_object(
        'purpose', v.name, 'purge', g.id, 'executed_at', g.executed_at, 'executed_by', g.executed_by,
        'batches', g.batches, 'rows', g.rows_dropped, 'relations', cardinality(g.relations),
        'preserved_release', g.preserved_run, 'verification', v_out), g.purpose_id);
    RETURN v_out;
END
$fn$;
