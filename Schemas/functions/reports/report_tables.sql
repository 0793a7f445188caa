-- migstat.report_tables: phases 2-5 of a report, shared by migstat.report (flexible, perturbed)
-- and migstat.report_exact (exact, suppressed): report_fine_cells, then with JIT off and work_mem
-- at least 256MB (transaction-local; the caller saved both before and restores them at the end)
-- report_categories, report_cube and report_suppression. Leaves migstat_rep_raw, migstat_rep_cat,
-- migstat_rep_sup and migstat_rep_new for report_output; returns the completed plan.
CREATE OR REPLACE FUNCTION migstat.report_tables(p_plan migstat.report_plan)
RETURNS migstat.report_plan
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
DECLARE
    v_plan migstat.report_plan;
BEGIN
    v_plan := migstat.report_fine_cells(p_plan);
    PERFORM set_config('jit', 'off', true);
    IF pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;
    v_plan := migstat.report_categories(v_plan);
    PERFORM migstat.report_cube(v_plan);
    PERFORM migstat.report_suppression(v_plan);
    -- Statistics for the output query's join (without them the planner guesses billions of rows
    -- and sorts the whole table three times).
    ANALYZE migstat_rep_sup;
    RETURN v_plan;
END
$fn$;
