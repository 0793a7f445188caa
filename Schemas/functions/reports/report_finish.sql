-- migstat.report_finish: the end of a flexible table, shared by migstat.report and
-- migstat.report_cells once their rows are returned: drops the work tables, restores jit and
-- work_mem (p_jit, p_work_mem: the caller's settings before migstat.report_prepare), and writes
-- the audit row 'report.run' last, so the audit log's lock is held only for the end of the
-- transaction. p_output: NULL for migstat.report's labelled rows (the details as they have always
-- been), 'cells' for migstat.report_cells (details gain "output": "cells"). Internal: granted to
-- nobody.
CREATE OR REPLACE FUNCTION migstat.report_finish(
    p_plan migstat.report_plan,
    p_jit text,
    p_work_mem text,
    p_period_from date,
    p_period_to date,
    p_age_bands text,
    p_with_estimates boolean,
    p_output text)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
BEGIN
    DROP TABLE migstat_rep_sup, migstat_rep_new, migstat_rep_cat, migstat_rep_raw;
    PERFORM set_config('jit', p_jit, true);
    PERFORM set_config('work_mem', p_work_mem, true);
    PERFORM migstat.audit('report.run', jsonb_build_object(
        'dims', to_jsonb(p_plan.dims), 'filters', p_plan.filter_codes, 'period_from', p_period_from,
        'period_to', p_period_to, 'period_unit', p_plan.period_unit, 'age_bands', p_age_bands,
        'count', p_plan.counting, 'occupation_level', p_plan.occupation_level,
        'with_estimates', coalesce(p_with_estimates, false), 'method', 'cell-key',
        'ptable_sha256', (SELECT value FROM migstat.setting WHERE key = 'ptable_sha256'), 'read', p_plan.read_no)
        || CASE WHEN p_output IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('output', p_output) END);
END
$fn$;
