-- migstat.report_prepare: everything of a flexible table up to its output, shared by
-- migstat.report (labelled rows) and migstat.report_cells (compact cells): the caller's role,
-- the read number and its server-log line (migstat.read_begin, call 'report', p_args the options
-- as typed, and with p_output, "output": p_output), the refusal of a threshold, the parameters (report_parameters), the flexible-table
-- bounds (report_bounds), the perturbed tables (report_tables: migstat_rep_sup holds every cell
-- with a published value, v = the published value) and the minimum population, decided on the
-- published grand total. Returns the plan (read_no set). Internal: granted to nobody; the two
-- SECURITY DEFINER callers run it as its owner.
CREATE OR REPLACE FUNCTION migstat.report_prepare(
    p_output text,
    p_dims text[],
    p_filters jsonb,
    p_period_from date,
    p_period_to date,
    p_period_unit text,
    p_age_bands text,
    p_threshold integer,
    p_count text,
    p_occupation_level integer,
    p_with_estimates boolean)
RETURNS migstat.report_plan
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
DECLARE
    v_plan  migstat.report_plan;
    v_read  bigint;
    v_total bigint;
    v_min   bigint := coalesce((SELECT value::bigint FROM migstat.setting WHERE key = 'flexible_min_total'), 20);
BEGIN
    PERFORM migstat.require_report_reader();
    -- Every call, refused ones included, gets its read number and server-log line first.
    v_read := migstat.read_begin('report', jsonb_build_object(
        'dims', to_jsonb(p_dims), 'filters', p_filters, 'period_from', p_period_from, 'period_to', p_period_to,
        'period_unit', p_period_unit, 'age_bands', p_age_bands, 'threshold', p_threshold, 'count', p_count,
        'occupation_level', p_occupation_level, 'with_estimates', p_with_estimates)
        || CASE WHEN p_output IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('output', p_output) END);
    IF p_threshold IS NOT NULL THEN
        RAISE EXCEPTION 'flexible tables are perturbed; thresholds apply to declared tables'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'leave the threshold out (NULL), or run a declared table of the output programme';
    END IF;
    v_plan := migstat.report_parameters(p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                        NULL, p_count, p_occupation_level, p_with_estimates);
    v_plan.perturb := true;
    v_plan.read_no := v_read;
    PERFORM migstat.report_bounds(v_plan);
    v_plan := migstat.report_tables(v_plan);

    -- The minimum population, decided on the published (perturbed) grand total, never the true one.
    SELECT q.v INTO v_total FROM migstat_rep_sup q WHERE q.k = 0;
    IF coalesce(v_total, 0) < v_min THEN
        RAISE EXCEPTION 'the table''s total is below % (flexible_min_total): a flexible table covers at least % records or persons',
            v_min, v_min USING ERRCODE = 'invalid_parameter_value',
            HINT = 'widen the filters or the period';
    END IF;
    RETURN v_plan;
END
$fn$;
