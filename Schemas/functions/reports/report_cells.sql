-- migstat.report_cells: migstat.report's flexible table in a compact form, for a program that
-- labels the cells itself (the migstat command-line tool). The same call as migstat.report without
-- a threshold and without estimates: the same role check, read number and server-log line, bounds,
-- perturbation, minimum population and audit row (its details say "output": "cells"). Instead of one
-- labelled row per cell of the full cube it returns
--   first, one row per dimension i, in the report's order (k = -i): labels = the dimension's
--     categories in key order, "_T" first (index 0), as migstat.report lists them;
--     obs_value = the dimension's key offset;
--   then one row per cell with a published value, in key order (k >= 0): k = the sum over the
--     dimensions of (category index << key offset), obs_value = the published value, labels NULL.
-- A cell of the cube that is not listed is 0 (migstat.report's row for it has obs_value 0). The
-- cells in key order are migstat.report's rows in order; every one is published as migstat.report
-- publishes it (obs_status A, conf_status F: a flexible table withholds nothing). Nothing else
-- leaves the database: the keys only number the categories the labels name.
-- Why: a 5-dimension table with nationality has 1.6 M cells, 1.16 M of them zero; labelling every
-- row in SQL and sending it as text costs more than the scan of 10 M records (Benchmarks/README.md).
CREATE OR REPLACE FUNCTION migstat.report_cells(
    p_dims text[],
    p_filters jsonb DEFAULT '{}',
    p_period_from date DEFAULT NULL,
    p_period_to date DEFAULT NULL,
    p_period_unit text DEFAULT NULL,
    p_age_bands text DEFAULT NULL,
    p_count text DEFAULT 'records',
    p_occupation_level integer DEFAULT 1)
RETURNS TABLE (k bigint, obs_value bigint, labels text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
#variable_conflict use_column
DECLARE
    v_plan  migstat.report_plan;
    v_d     integer;
    v_jit   text := current_setting('jit');
    v_wm    text := current_setting('work_mem');
    v_valid text;
BEGIN
    v_plan := migstat.report_prepare('cells', p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                     NULL, p_count, p_occupation_level, false);
    v_d := coalesce(cardinality(v_plan.dims), 0);
    RETURN QUERY SELECT (-i)::bigint, v_plan.key_offset[i]::bigint, v_plan.labels[i]::text[]
                   FROM generate_series(1, v_d) i ORDER BY i;
    -- Only keys of the cube (every index within its dimension's categories), as migstat.report's
    -- output query keeps by its join with the generated keys.
    SELECT string_agg(format('((q.k >> %s) & %s) <= %s', v_plan.key_offset[i], (1::bigint << v_plan.key_bits[i]) - 1,
                             v_plan.ncat[i]), ' AND ')
      INTO v_valid FROM generate_series(1, v_d) i;
    RETURN QUERY EXECUTE format('SELECT q.k, q.v::bigint, NULL::text[] FROM migstat_rep_sup q WHERE %s ORDER BY q.k',
                                coalesce(v_valid, 'q.k = 0'));
    PERFORM migstat.report_finish(v_plan, v_jit, v_wm, p_period_from, p_period_to, p_age_bands, false, 'cells');
    RETURN;
END
$fn$;
