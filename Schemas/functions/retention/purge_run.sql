-- migstat.purge_run: the scheduled due-purge run (pg_cron: CALL migstat.purge_run(); or a systemd
-- timer / crontab line running psql): purges every purpose whose purge is due, each in its own
-- transaction, verifies each after its commit, and records the run itself (migstat.purge_check:
-- the heartbeat `migstat purge status` trusts, rather than the scheduler's own records). A
-- procedure (not SECURITY DEFINER, so it may commit between purposes): run by the DBA's account. A
-- procedure that commits cannot carry a SET clause: it pins search_path as its first statement
-- (session-level, so that it survives its commits) and restores the caller's at the end.
CREATE OR REPLACE PROCEDURE migstat.purge_run()
LANGUAGE plpgsql AS $fn$
DECLARE
    v_caller text := pg_catalog.current_setting('search_path');
    v_path   text := pg_catalog.set_config('search_path', 'pg_catalog, migstat, pg_temp', false);
    v_p      text;
    v_id     bigint;
    v_due    text[] := '{}';
    v_done   text[] := '{}';
    v_failed jsonb := '{}';
BEGIN
    FOR v_p IN SELECT p.name FROM migstat.purpose p
                WHERE p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until <= current_date) ORDER BY p.name LOOP
        v_due := v_due || v_p;
        BEGIN
            v_id := migstat.purge_execute(v_p);
        EXCEPTION WHEN others THEN
            v_failed := v_failed || jsonb_build_object(v_p, SQLERRM);
            CONTINUE;
        END;
        COMMIT;
        BEGIN
            PERFORM migstat.purge_verify(v_id);
            v_done := v_done || v_p;
        EXCEPTION WHEN others THEN
            v_failed := v_failed || jsonb_build_object(v_p, 'verification: ' || SQLERRM);
        END;
        COMMIT;
    END LOOP;
    -- purges executed earlier whose verification never ran
    FOR v_id IN SELECT g.id FROM migstat.purge g WHERE g.verified_at IS NULL ORDER BY g.id LOOP
        BEGIN
            PERFORM migstat.purge_verify(v_id);
        EXCEPTION WHEN others THEN
            v_failed := v_failed || jsonb_build_object('purge ' || v_id, 'verification: ' || SQLERRM);
        END;
        COMMIT;
    END LOOP;
    INSERT INTO migstat.purge_check (due, purged, failed) VALUES (v_due, v_done, v_failed);
    COMMIT;
    PERFORM pg_catalog.set_config('search_path', v_caller, false);
END
$fn$;
