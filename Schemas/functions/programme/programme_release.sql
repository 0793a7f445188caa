-- migstat.programme_release: releases a purpose's output programme (stewards of the purpose,
-- administrators): computes one run of every active declared table, protected jointly
-- (migstat.programme_compute), and records it (audit action programme.release: run, tables,
-- batches with their SHA-256). Declared tables are published only from releases: declared_report
-- answers from the latest release that contains the table, never from a run computed on demand,
-- so what analysts can compare between two releases is what a steward chose to release (each
-- release differs from the previous one by the batches loaded in between; Docs/GUARANTEES.md,
-- L7). Returns the run's id.
CREATE OR REPLACE FUNCTION migstat.programme_release(p_purpose text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
DECLARE
    v_p   migstat.purpose;
    v_run migstat.programme_run;
    v_id  bigint;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT migstat.caller_edits_programme(v_p.name) THEN
        RAISE EXCEPTION 'permission denied: % may not release the programme of purpose "%"', session_user, p_purpose
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'administrators and the stewards of the purpose release its tables';
    END IF;
    IF v_p.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: its last release stands', p_purpose, v_p.status USING ERRCODE = 'MS410';
    END IF;
    v_id := migstat.programme_compute(v_p.id);
    SELECT * INTO v_run FROM migstat.programme_run WHERE id = v_id;
    PERFORM migstat.audit('programme.release', jsonb_build_object(
        'run', v_run.id, 'tables', (SELECT jsonb_agg(d.name ORDER BY d.id) FROM migstat.declared_table d WHERE d.id = ANY (v_run.tables)),
        'batches', to_jsonb(v_run.batches), 'batch_sha256', to_jsonb(v_run.batch_sha256), 'seconds', v_run.seconds), v_p.id);
    RETURN v_run.id;
END
$fn$;
