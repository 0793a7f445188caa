-- migstat.report_filters: part of phase 1 of migstat.report (called by report_parameters, which
-- has filled dims, occupation_level, filters, period_from/to, band_labels and age_expr). Checks
-- each filter and resolves its codes (source and purpose: names; age: band labels of this
-- report; occupation: any level, with its sub-groups; "_Z": not stated, group value 0), and sets
-- in the plan:
--   where_sql      one condition on migstat.records r per filter, and the period range;
--   filter_groups  filtered dimension -> the group values it lists as a report dimension
--                  (occupation: only the codes at the report's level);
--   filter_codes   filtered dimension -> its codes as written in the output (audit, estimates).
-- Refusals: SQLSTATE 22023 (unknown dimension, period, not a non-empty array of strings, unknown
-- code, an occupation filter more detailed than the report's occupation level).
CREATE OR REPLACE FUNCTION migstat.report_filters(p_plan migstat.report_plan)
RETURNS migstat.report_plan
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v        migstat.report_plan := p_plan;
    c_all    text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() ORDER BY ord);
    v_key    text;
    v_codes  jsonb;
    v_code   text;
    v_ids    integer[];
    v_id     integer;
BEGIN
    v.where_sql := ARRAY['true'];
    v.filter_groups := '{}';
    v.filter_codes := '{}';
    FOR v_key, v_codes IN SELECT key, value FROM jsonb_each(v.filters) LOOP
        IF NOT v_key = ANY (c_all) OR v_key = 'period' THEN
            RAISE EXCEPTION 'cannot filter on "%"', v_key USING ERRCODE = 'invalid_parameter_value',
                HINT = 'filter dimensions: ' || array_to_string(array_remove(c_all, 'period'), ', ')
                       || '; periods: period_from/period_to';
        END IF;
        IF jsonb_typeof(v_codes) <> 'array' OR jsonb_array_length(v_codes) = 0
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(v_codes) e WHERE jsonb_typeof(e) <> 'string') THEN
            RAISE EXCEPTION 'filter "%" must be a non-empty array of codes', v_key USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_ids := '{}';
        FOR v_code IN SELECT btrim(e) FROM jsonb_array_elements_text(v_codes) e LOOP
            IF v_key IN ('source', 'purpose') THEN
                IF v_key = 'source' THEN
                    SELECT id INTO v_id FROM migstat.source WHERE name = v_code;
                ELSE
                    SELECT id INTO v_id FROM migstat.purpose WHERE name = v_code;
                    IF (SELECT status FROM migstat.purpose WHERE id = v_id) = 'purged' THEN
                        RAISE EXCEPTION 'purpose "%" was purged on %: its records are gone', v_code,
                            (SELECT purged_at::date FROM migstat.purpose WHERE id = v_id)
                            USING ERRCODE = 'MS410',
                                  HINT = format('its declared tables are preserved: migstat report --table NAME --purpose %s (migstat tables list --purpose %s)', v_code, v_code);
                    END IF;
                END IF;
            ELSIF upper(v_code) = '_Z' THEN
                v_code := '_Z';
                v_id := 0;
            ELSIF v_key = 'age' THEN
                v_id := array_position(v.band_labels, v_code);
            ELSE
                v_code := upper(v_code);
                SELECT id INTO v_id FROM migstat.code
                 WHERE dimension = CASE v_key WHEN 'nationality' THEN 'country' ELSE v_key END AND code = v_code;
                IF FOUND AND v_key = 'occupation' AND 'occupation' = ANY (v.dims) AND length(v_code) > v.occupation_level THEN
                    RAISE EXCEPTION 'occupation filter "%" is more detailed than the report level %', v_code, v.occupation_level
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END IF;
            IF v_id IS NULL THEN
                RAISE EXCEPTION 'filter "%": unknown code "%"', v_key, v_code USING ERRCODE = 'invalid_parameter_value',
                    HINT = CASE v_key
                        WHEN 'age' THEN 'an age filter names one of the report''s bands: ' || array_to_string(v.band_labels, ', ')
                        WHEN 'source' THEN 'the sources: migstat batches (the source column)'
                        WHEN 'purpose' THEN 'the purposes: migstat purpose list'
                        ELSE format('the codes: migstat codes list %s ("not stated" is _Z)',
                                    CASE v_key WHEN 'nationality' THEN 'country' ELSE v_key END) END;
            END IF;
            v.filter_codes := jsonb_set(v.filter_codes, ARRAY[v_key], coalesce(v.filter_codes -> v_key, '[]') || to_jsonb(v_code));
            IF v_key = 'occupation' AND v_id <> 0 THEN
                -- the code and every sub-group of it
                v_ids := v_ids || ARRAY(SELECT id FROM migstat.code WHERE dimension = 'occupation'
                                                                    AND left(code, length(v_code)) = v_code);
                IF length(v_code) = v.occupation_level THEN
                    v.filter_groups := jsonb_set(v.filter_groups, ARRAY[v_key], coalesce(v.filter_groups -> v_key, '[]') || to_jsonb(v_id));
                END IF;
            ELSE
                v_ids := v_ids || v_id;
                v.filter_groups := jsonb_set(v.filter_groups, ARRAY[v_key], coalesce(v.filter_groups -> v_key, '[]') || to_jsonb(v_id));
            END IF;
        END LOOP;
        v.where_sql := v.where_sql || format('%s = ANY (%L::integer[])',
            CASE v_key
                WHEN 'age' THEN v.age_expr
                WHEN 'source' THEN 'r.source_id'
                WHEN 'purpose' THEN 'r.purpose_id'
                ELSE format('coalesce(r.%I, 0)', v_key)
            END, v_ids);
    END LOOP;
    IF v.period_from IS NOT NULL THEN
        v.where_sql := v.where_sql || format('r.event_date >= %L::date', v.period_from);
    END IF;
    IF v.period_to IS NOT NULL THEN
        v.where_sql := v.where_sql || format('r.event_date <= %L::date', v.period_to);
    END IF;
    RETURN v;
END
$fn$;
