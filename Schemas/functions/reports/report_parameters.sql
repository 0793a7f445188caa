-- migstat.report_parameters: phase 1 of migstat.report (same arguments, same defaults). Checks
-- the arguments (SQLSTATE 22023 invalid_parameter_value for any bad one, in argument order) and
-- returns the report's plan: the dimensions in output order (a period unit adds 'period' last;
-- 'period' without a unit means 'year'), the normalised options, the threshold K, the age bands,
-- the scan expression of each dimension's group value (0 = not stated; age: band number;
-- occupation: id of its group at the requested level, -1 = coded at a coarser level; period: its
-- number, see report_period_ord) and, from report_filters, the WHERE conditions of the scan.
-- Reads code lists and settings only; the cell-key fields of the plan stay NULL.
CREATE OR REPLACE FUNCTION migstat.report_parameters(
    p_dims text[],
    p_filters jsonb DEFAULT '{}',
    p_period_from date DEFAULT NULL,
    p_period_to date DEFAULT NULL,
    p_period_unit text DEFAULT NULL,
    p_age_bands text DEFAULT NULL,
    p_threshold integer DEFAULT NULL,
    p_count text DEFAULT 'records',
    p_occupation_level integer DEFAULT 1,
    p_with_estimates boolean DEFAULT false)
RETURNS migstat.report_plan
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    c_all      text[];
    c_special  text[];
    c_notnull  text[];
    v          migstat.report_plan;
    v_dim      text;
    v_occ_map  text;            -- '{...}': occupation id -> id of its group at the level (-1: coarser)
BEGIN
    SELECT array_agg(dimension ORDER BY ord), array_agg(dimension ORDER BY ord) FILTER (WHERE special_category),
           array_agg(dimension ORDER BY ord) FILTER (WHERE not_null)
      INTO c_all, c_special, c_notnull FROM migstat.report_dimension_info();
    v.dims := '{}';
    v.period_unit := lower(p_period_unit);
    v.occupation_level := coalesce(p_occupation_level, 1);
    v.counting := lower(coalesce(p_count, 'records'));
    v.filters := coalesce(p_filters, '{}');
    v.period_from := p_period_from;
    v.period_to := p_period_to;
    v.age_bands := p_age_bands;
    v.threshold_requested := p_threshold;
    v.with_estimates := coalesce(p_with_estimates, false);
    v.multi := false;

    FOREACH v_dim IN ARRAY coalesce(p_dims, '{}') LOOP
        v_dim := lower(btrim(v_dim));
        IF v_dim IS NULL OR NOT v_dim = ANY (c_all) THEN
            RAISE EXCEPTION 'unknown report dimension "%"', v_dim USING ERRCODE = 'invalid_parameter_value',
                HINT = 'one of ' || array_to_string(c_all, ', ');
        END IF;
        IF v_dim = ANY (v.dims) THEN
            RAISE EXCEPTION 'dimension "%" is listed twice', v_dim USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v.dims := v.dims || v_dim;
    END LOOP;
    IF v.period_unit IS NOT NULL AND v.period_unit NOT IN ('year', 'quarter', 'month') THEN
        RAISE EXCEPTION 'period unit must be year, quarter or month' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.period_unit IS NOT NULL AND NOT 'period' = ANY (v.dims) THEN
        v.dims := v.dims || 'period'::text;
    END IF;
    IF 'period' = ANY (v.dims) THEN
        v.period_unit := coalesce(v.period_unit, 'year');
    END IF;
    IF p_period_from > p_period_to THEN
        RAISE EXCEPTION 'period_from is after period_to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.counting NOT IN ('records', 'persons') THEN
        RAISE EXCEPTION 'count must be records or persons' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.occupation_level NOT BETWEEN 1 AND 4 THEN
        RAISE EXCEPTION 'occupation level must be 1 to 4 (ISCO-08)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_typeof(v.filters) <> 'object' THEN
        RAISE EXCEPTION 'filters must be a JSON object {"dimension": ["CODE", ...]}' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Age bands.
    SELECT array_agg(b.label ORDER BY b.band) INTO v.band_labels FROM migstat.report_age_bands(p_age_bands) b;
    IF p_age_bands IS NULL THEN
        v.age_expr := 'CASE WHEN r.age IS NULL THEN 0 WHEN r.age >= 85 THEN 18 ELSE r.age / 5 + 1 END';
    ELSE
        SELECT format('coalesce((%L::integer[])[r.age + 1], 0)', array_agg(b.band ORDER BY a))::text INTO v.age_expr
          FROM generate_series(0, 130) a JOIN migstat.report_age_bands(p_age_bands) b ON a BETWEEN b.lo AND b.hi;
    END IF;

    -- Occupation groups of the requested level.
    SELECT array_agg(coalesce(g.id, -1) ORDER BY s.i)::text INTO v_occ_map
      FROM generate_series(1, (SELECT coalesce(max(id), 1) FROM migstat.code WHERE dimension = 'occupation')) s(i)
      LEFT JOIN migstat.code c ON c.dimension = 'occupation' AND c.id = s.i
      LEFT JOIN migstat.code g ON g.dimension = 'occupation' AND g.level = v.occupation_level AND c.level >= v.occupation_level
                              AND g.code = left(c.code, v.occupation_level);

    -- Filters and the period range: the WHERE conditions, the group values a filtered dimension lists.
    v := migstat.report_filters(v);

    v.threshold := migstat.report_threshold(v.dims && c_special OR ARRAY(SELECT jsonb_object_keys(v.filters)) && c_special,
                                            p_threshold);

    -- Group value of each dimension (0 = not stated).
    v.dim_expr := '{}';
    FOREACH v_dim IN ARRAY v.dims LOOP
        v.dim_expr := v.dim_expr || CASE v_dim
            WHEN 'age' THEN v.age_expr
            WHEN 'occupation' THEN format('coalesce((%L::integer[])[r.occupation], 0)', v_occ_map)
            WHEN 'period' THEN CASE v.period_unit
                WHEN 'year' THEN $$date_part('year', r.event_date)::integer$$
                WHEN 'quarter' THEN $$(date_part('year', r.event_date)::integer * 4 + (date_part('month', r.event_date)::integer - 1) / 3)$$
                WHEN 'month' THEN $$(date_part('year', r.event_date)::integer * 12 + date_part('month', r.event_date)::integer - 1)$$
            END
            WHEN 'source' THEN 'r.source_id'
            WHEN 'purpose' THEN 'r.purpose_id'
            ELSE CASE WHEN v_dim = ANY (c_notnull) THEN format('r.%I', v_dim) ELSE format('coalesce(r.%I, 0::smallint)', v_dim) END
        END;
    END LOOP;
    RETURN v;
END
$fn$;
