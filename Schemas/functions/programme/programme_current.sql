-- migstat.programme_current: the run of a purpose's output programme that matches its loaded
-- batches, active declared tables and thresholds, computed now (migstat.programme_compute) if there
-- is none (internal; runs as migstat_owner inside the definer functions that call it). Runs are
-- kept: a published table can always be traced to the run, batches and method it came from.
CREATE OR REPLACE FUNCTION migstat.programme_current(p_purpose_id smallint) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_run bigint;
BEGIN
    SELECT r.id INTO v_run FROM migstat.programme_run r
     WHERE r.purpose_id = p_purpose_id
       AND r.tables = ARRAY(SELECT d.id FROM migstat.declared_table d
                             WHERE d.purpose_id = p_purpose_id AND d.retired_at IS NULL ORDER BY d.id)
       AND r.batches = ARRAY(SELECT b.id FROM migstat.batch b
                              WHERE b.purpose_id = p_purpose_id AND b.status = 'loaded' ORDER BY b.id)
       AND r.threshold = (SELECT value::integer FROM migstat.setting WHERE key = 'threshold')
       AND r.threshold_special = (SELECT value::integer FROM migstat.setting WHERE key = 'threshold_special')
     ORDER BY r.id DESC LIMIT 1;
    IF v_run IS NULL THEN
        v_run := migstat.programme_compute(p_purpose_id);
    END IF;
    RETURN v_run;
END
$fn$;
